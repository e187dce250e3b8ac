"""Email waiting to go out: written in the transaction of the change that caused it, sent
afterwards by `flask send-mail` (see workspace/infra/mail.py)."""

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.base import UTCDateTime


class OutboxMessage(db.Model):
    """One email. Waiting while `next_attempt_at` is set and `sent_at` is not; once sent, or
    given up on (`failed_at`), `next_attempt_at` is cleared and the row kept as a record."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_sent_at_next_attempt_at", "sent_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(998))  # one header line at most
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
