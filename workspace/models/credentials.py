"""Credentials people carry: signed records of what they did (a session attended), which
anyone can check on the workspace's public verification page."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.accounts import User
from workspace.models.base import UTCDateTime
from workspace.models.cpd import Booking, new_token


class Credential(db.Model):
    """One credential: what it says (`document`, the signed assertion's JSON, as issued) and
    whether it still holds (`revoked_at`, with the reason shown to anyone who checks)."""

    __tablename__ = "credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking.id", ondelete="CASCADE"), unique=True)
    holder_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    issuer_name: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    document: Mapped[str] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()
    booking: Mapped[Booking | None] = relationship()
