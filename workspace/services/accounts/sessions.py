"""Login sessions: one row per signed-in browser, so that a session ends on the server.

The session cookie and the remember-me cookie carry a random token (Flask-Login's user id is
the token, `User.get_id`); the database keeps only its SHA-256, so a copy of the database
gives nobody a cookie. Logging out ends the row, and a copied cookie, session or remember-me,
is refused from then on; "log out everywhere", a password change or reset and an account's
suspension end every row of the person.
"""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import func, select, update

from workspace.extensions import db, login_manager
from workspace.models import LoginSession, User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, now: datetime) -> str:
    """Open a login session for the person and return its token (set on `user.login_token`
    so that `login_user` puts it in the cookies)."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=_hash(token), created_at=now))
    db.session.commit()
    user.login_token = token
    return token


def user_for_token(token: str) -> User | None:
    """The person of an open login session, else None (ended, unknown, malformed, or the
    account suspended: refused on its very next request, whatever its cookies say)."""
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(
        select(User).join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == _hash(token), LoginSession.ended_at.is_(None),
               User.suspended_at.is_(None)))
    if user is not None:
        user.login_token = token
    return user


def end_session(token: str | None, now: datetime) -> None:
    if token:
        db.session.execute(update(LoginSession).where(
            LoginSession.token_hash == _hash(token), LoginSession.ended_at.is_(None))
            .values(ended_at=now))
        db.session.commit()


def end_all_sessions(user: User, now: datetime, keep: str | None = None,
                     commit: bool = True) -> int:
    """End every open session of the person (but `keep`'s); how many were ended. With
    `commit=False` it is part of the caller's transaction (a suspension)."""
    query = update(LoginSession).where(LoginSession.user_id == user.id,
                                       LoginSession.ended_at.is_(None))
    if keep:
        query = query.where(LoginSession.token_hash != _hash(keep))
    ended = db.session.execute(query.values(ended_at=now)).rowcount
    if commit:
        db.session.commit()
    return ended


def count_open_sessions(user: User) -> int:
    return db.session.scalar(select(func.count(LoginSession.id)).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)))


@login_manager.user_loader
def load_user(token: str) -> User | None:
    return user_for_token(token)
