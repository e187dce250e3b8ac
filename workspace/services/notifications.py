"""Telling people things: an in-app notification and, alongside, an email in the outbox."""

import logging

from sqlalchemy import func, select, update

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.infra.links import absolute
from workspace.infra.mail import queue_email
from workspace.models import Notification, User

log = logging.getLogger("workspace.notifications")


def notify(user: User, kind: str, subject: str, message: str, *, link: str = "",
           partnership_id: int | None = None, email: bool = True) -> Notification:
    """Add an in-app notification and queue its email, both committed with the caller's
    transaction.

    `link` is a path on this site; the email makes it absolute with BASE_URL. An address the
    outbox refuses is logged and does not undo what the person was told in the app.
    """
    notification = Notification(user_id=user.id, partnership_id=partnership_id, kind=kind,
                                message=message, link=link)
    db.session.add(notification)
    if email:
        try:
            address = absolute(link) if link else ""
            queue_email(user.email, subject, f"Hello {user.name},\n\n{message}\n\n{address}\n")
        except ValueError:
            log.exception("Could not email %r about %s", user.email, kind)
    return notification


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def list_notifications(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def mark_all_read(user: User) -> None:
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(
        read_at=utcnow()))
    db.session.commit()
