"""Accounts: registration, sign-in, passwords and profile."""

import functools
import hashlib
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.infra.mail import queue_email
from workspace.models import User
from workspace.services.accounts import sessions

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Use at least {MIN_PASSWORD_LENGTH} characters.", field="password")


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@functools.cache
def _dummy_hash(method: str) -> str:
    """Checked against when no account matches, so that a wrong email costs the same time as a
    wrong password: made with the method passwords are hashed with, once a process."""
    return generate_password_hash("not-a-real-password", method=method)


def register_user(email: str, name: str, password: str) -> User:
    if get_user_by_email(email) is not None:
        raise DomainError("An account with this email already exists. Log in instead.",
                          field="email")
    check_password_rules(password)
    user = User(email=normalise_email(email), name=name.strip(),
                password_hash=_hash(password))
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password match, else None (without saying which was wrong)."""
    user = get_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def set_password(user: User, new_password: str, now: datetime) -> None:
    """Set a new password and end every session of the person but the one they are in."""
    check_password_rules(new_password)
    user.password_hash = _hash(new_password)
    db.session.commit()
    sessions.end_all_sessions(user, now, keep=user.login_token)


def change_password(user: User, current_password: str, new_password: str,
                    now: datetime) -> None:
    if not check_password_hash(user.password_hash, current_password):
        raise DomainError("That is not your current password.", field="current_password")
    set_password(user, new_password, now)


def update_profile(user: User, name: str, email: str, current_password: str = "") -> None:
    """Change name and email; a new email needs the current password."""
    email = normalise_email(email)
    if email != user.email:
        if not check_password_hash(user.password_hash, current_password or ""):
            raise DomainError("Enter your current password to change your email.",
                              field="current_password")
        if get_user_by_email(email) is not None:
            raise DomainError("Another account already uses this email.", field="email")
        user.email = email
    user.name = name.strip()
    db.session.commit()


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="password-reset")


def _password_fingerprint(user: User) -> str:
    """Changes with the password, so a reset link works once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User, secret_key: str) -> str:
    return _reset_serializer(secret_key).dumps([user.id, _password_fingerprint(user)])


def email_reset_link(email: str, secret_key: str, link_for: Callable[[str], str]) -> None:
    """Queue a password reset link (`link_for(token)`) to the account using `email`, if any;
    the caller cannot tell whether one does."""
    user = get_user_by_email(email)
    if user is None:
        return
    link = link_for(make_reset_token(user, secret_key))
    queue_email(user.email, "Reset your Partnership Workspace password",
                f"Hello {user.name},\n\nTo choose a new password, open this link within an "
                f"hour:\n\n{link}\n\nIf you did not ask for this, ignore this email.\n")
    db.session.commit()


def user_for_reset_token(token: str, secret_key: str, max_age: int) -> User:
    try:
        user_id, fingerprint = _reset_serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError("This reset link has expired. Ask for a new one.") from None
    except (BadSignature, ValueError, TypeError):
        raise DomainError("This reset link is not valid. Ask for a new one.") from None
    user = db.session.get(User, user_id)
    if user is None or fingerprint != _password_fingerprint(user):
        raise DomainError("This reset link has already been used. Ask for a new one.")
    return user


def set_catalogue_editor(email: str, allowed: bool) -> User:
    """Grant or take away the site-wide catalogue editor role."""
    user = get_user_by_email(email)
    if user is None:
        raise DomainError(f"No account uses {email}.")
    user.is_catalogue_editor = allowed
    db.session.commit()
    return user


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))
