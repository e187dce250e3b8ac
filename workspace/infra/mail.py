"""Outgoing email through an outbox.

`queue_email` adds a message to the caller's database session, so it is committed with the
change that caused it (a rolled-back change queues nothing) and nothing waits on a mail server
inside a request or a lock. `send_outbox` (run by `flask send-mail`) sends what is due, each
message in a transaction of its own: a failure backs off and is tried again later, up to a
limit, and never stops the others. Messages go through SMTP when MAIL_SERVER is configured,
else they are written to the log.

Several senders may run at once: on PostgreSQL each claims its message with
`FOR UPDATE SKIP LOCKED`; SQLite ignores the clause, and there one sender at a time is expected.
"""

import logging
import smtplib
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import func, select

from workspace.extensions import db
from workspace.models import OutboxMessage

log = logging.getLogger("workspace.mail")

# The wait after each failed attempt; after one more failure than there are delays, give up.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                timedelta(hours=2), timedelta(hours=12))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
SUBJECT_MAX_CHARS = 998  # the longest line a message may have


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def one_line(text: str) -> str:
    """`text` with every control character (CR and LF included) replaced by a space."""
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in text).strip()


def queue_email(to: str, subject: str, body: str, *, now: datetime | None = None
                ) -> OutboxMessage:
    """Add an email to the outbox in the caller's transaction (the caller commits).

    The subject is made one line; an address with a control character in it is refused
    (ValueError), since it could add headers to the message.
    """
    if _has_control(to):
        raise ValueError(f"Not an email address (it contains a control character): {to!r}")
    message = OutboxMessage(to=to.strip(), subject=one_line(subject)[:SUBJECT_MAX_CHARS],
                            body=body)
    if now is not None:
        message.created_at = message.next_attempt_at = now
    db.session.add(message)
    return message


@dataclass
class OutboxRun:
    """What one `send_outbox` did: sent, failed (given up included), given up, still waiting."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    left: int = 0


def send_outbox(now: datetime, limit: int = 100) -> OutboxRun:
    """Send up to `limit` messages due at `now`, one transaction each; see the module's notes."""
    run = OutboxRun()
    for _ in range(limit):
        message = _claim_due(now)
        if message is None:
            break
        try:
            _send(message)
        except Exception as error:  # any failure, a bad header included, is this message's
            log.warning("Could not send email %s to %s: %s", message.id, message.to, error)
            _record_failure(message, error, now)
            run.failed += 1
            run.given_up += message.failed_at is not None
        else:
            message.sent_at, message.next_attempt_at = now, None
            run.sent += 1
        db.session.commit()
    run.left = waiting_count()
    db.session.commit()  # no transaction stays open between runs
    return run


def waiting_count() -> int:
    """Messages neither sent nor given up on (due now or later)."""
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at.is_not(None)))


def _claim_due(now: datetime) -> OutboxMessage | None:
    """The oldest due message, locked for this sender; one another sender holds is skipped."""
    return db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1).with_for_update(skip_locked=True))


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:500]
    if message.attempts >= MAX_ATTEMPTS:
        message.failed_at, message.next_attempt_at = now, None
        log.error("Gave up on email %s to %s after %s attempts", message.id, message.to,
                  message.attempts)
    else:
        message.next_attempt_at = now + RETRY_DELAYS[message.attempts - 1]


def _send(outgoing: OutboxMessage) -> None:
    """Hand one message to the SMTP server (or, with no MAIL_SERVER, to the log)."""
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_DEFAULT_SENDER"]
    message["To"] = outgoing.to
    message["Subject"] = outgoing.subject
    message.set_content(outgoing.body)
    if not cfg.get("MAIL_SERVER"):
        log.warning("Email not sent (no MAIL_SERVER configured).\nTo: %s\nSubject: %s\n\n%s",
                    outgoing.to, outgoing.subject, outgoing.body)
        return
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(message)
