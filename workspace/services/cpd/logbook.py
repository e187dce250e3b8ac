"""The person's CPD log: sessions attended (from the CPD area, read-only) and the CPD they
record themselves, with hours totalled per year."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from sqlalchemy import select

from workspace.clock import london_today
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import CpdLogEntry, CpdSession, User
from workspace.services.cpd import sessions
from workspace.services.progress.tracking import get_own

ACTIVITY_MAX = 300
REFLECTION_MAX = 5000
HOURS_MAX = Decimal("24")
SESSION_SOURCE = "CPD session"
OWN_SOURCE = "Own entry"


@dataclass
class LogRow:
    """One line of the log: an attended session or an entry of the person's own."""

    day: date
    activity: str
    hours: Decimal
    source: str
    reflection: str = ""
    entry: CpdLogEntry | None = None  # set for own entries, which the person may delete
    session: CpdSession | None = None
    booking_id: int | None = None  # an attended session's place: its certificate

    @property
    def editable(self) -> bool:
        return self.entry is not None


class Totals(NamedTuple):
    by_year: dict[int, Decimal]  # newest year first
    total: Decimal


# --- own entries --------------------------------------------------------------------------


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite():
        raise DomainError("Enter the hours as a number, like 1.5.", field="hours")
    if not Decimal("0") < hours <= HOURS_MAX:
        raise DomainError("Enter more than 0 and at most 24 hours for one entry.",
                          field="hours")
    if hours != hours.quantize(Decimal("0.01")):
        raise DomainError("Enter hours to at most two decimal places, like 1.25.",
                          field="hours")
    return hours.quantize(Decimal("0.01"))


def _validate(day: date | None, activity: str, reflection: str, today: date) -> None:
    if day is None:
        raise DomainError("Enter the date of the activity.", field="day")
    if day > today:
        raise DomainError("The date cannot be in the future.", field="day")
    if not activity:
        raise DomainError("Describe the activity.", field="activity")
    if len(activity) > ACTIVITY_MAX:
        raise DomainError(f"Keep the activity to {ACTIVITY_MAX} characters.",
                          field="activity")
    if len(reflection) > REFLECTION_MAX:
        raise DomainError(f"Keep the reflection to {REFLECTION_MAX} characters.",
                          field="reflection")


def add_entry(user: User, day: date | None, activity: str, hours, reflection: str = "", *,
              today: date | None = None) -> CpdLogEntry:
    """Log CPD of the person's own; `today` is the person's date (defaults to the server's)."""
    activity, reflection = (activity or "").strip(), (reflection or "").strip()
    _validate(day, activity, reflection, today or london_today())
    entry = CpdLogEntry(user_id=user.id, day=day, activity=activity, hours=_hours(hours),
                        reflection=reflection)
    db.session.add(entry)
    db.session.commit()
    return entry


def delete_entry(user: User, entry_id: int) -> None:
    """Remove one of the person's own entries; NotFound for anybody else's."""
    db.session.delete(get_own(CpdLogEntry, user, entry_id))
    db.session.commit()


def list_entries(user: User) -> list[CpdLogEntry]:
    return list(db.session.scalars(
        select(CpdLogEntry).where(CpdLogEntry.user_id == user.id)
        .order_by(CpdLogEntry.day.desc(), CpdLogEntry.id.desc())))


# --- the whole log ------------------------------------------------------------------------


def cpd_log(user: User) -> list[LogRow]:
    """Attended sessions and own entries, newest first."""
    rows = [LogRow(e.session.day, e.session.title, Decimal(e.hours), SESSION_SOURCE,
                   session=e.session, booking_id=e.booking_id)
            for e in sessions.attended_sessions(user)]
    rows += [LogRow(e.day, e.activity, Decimal(e.hours), OWN_SOURCE, e.reflection, entry=e)
             for e in list_entries(user)]
    # Stable sort: on the same day, sessions (already newest first) come before own entries.
    return sorted(rows, key=lambda row: row.day, reverse=True)


def totals_by_year(log: list[LogRow]) -> Totals:
    by_year: dict[int, Decimal] = {}
    for row in log:
        by_year[row.day.year] = by_year.get(row.day.year, Decimal("0")) + row.hours
    ordered = dict(sorted(by_year.items(), reverse=True))
    return Totals(ordered, sum(ordered.values(), Decimal("0")))
