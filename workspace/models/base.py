"""Shared column types and defaults."""

import enum
from datetime import UTC

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A moment in time, stored in UTC and always read back timezone-aware (SQLite included)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given for a UTCDateTime column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def value_enum(cls: type[enum.Enum], name: str, length: int = 20) -> Enum:
    """Store an enum's values (not names) as plain strings, alike on SQLite and PostgreSQL."""
    return Enum(cls, name=name, native_enum=False, length=length,
                values_callable=lambda members: [m.value for m in members])
