"""Accounts: registration, sign-in, passwords and profile."""

import functools
import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from workspace.clock import utcnow
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.infra.mail import queue_email
from workspace.models import OutboxMessage, User
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


def _load_link(serializer: URLSafeTimedSerializer, token: str, max_age: int,
               kind: str, parts: int = 2) -> list:
    """The values a signed emailed link carries (`parts` of them), or a refusal in words
    when it has expired or is not one of ours."""
    try:
        values = serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError(f"This {kind} link has expired. Ask for a new one.") from None
    except BadSignature:
        values = None
    if not isinstance(values, list) or len(values) != parts:
        raise DomainError(f"This {kind} link is not valid. Ask for a new one.")
    return values


def _sign_up_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="sign-up")


UNASKED_MAIL_PER_HOUR = 3  # messages to one address that someone else's typing can cause


def _may_mail(address: str, now: datetime) -> bool:
    """Whether another message typed in by someone (a sign-up, an email change) may go to
    this address: at most UNASKED_MAIL_PER_HOUR an hour, so that the forms cannot be used to
    flood someone's inbox. Whoever typed is told the same either way."""
    recent = db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.to == normalise_email(address),
        OutboxMessage.created_at > now - timedelta(hours=1)))
    return recent < UNASKED_MAIL_PER_HOUR


def make_sign_up_token(email: str, next_path: str, secret_key: str) -> str:
    return _sign_up_serializer(secret_key).dumps([normalise_email(email), next_path])


def email_sign_up_link(email: str, next_path: str, secret_key: str,
                       finish_link: Callable[[str], str], login_link: str,
                       reset_link: str) -> None:
    """The first step of sign-up: queue to `email` a link that finishes creating an account
    there (`finish_link(token)`, the token carrying the address and where to go after), or,
    when the address already has an account, a note saying so with the way to log in. The
    person asking is told the same either way, so the form reveals nothing about who has
    an account."""
    if not _may_mail(email, utcnow()):
        return
    existing = get_user_by_email(email)
    if existing is not None:
        queue_email(existing.email, "You already have a Partnership Workspace account",
                    f"Hello {existing.name},\n\nSomeone, perhaps you, asked to create an "
                    f"account with this email address. It already has one: log in at\n\n"
                    f"{login_link}\n\nIf you have forgotten your password, choose a new one "
                    f"at\n\n{reset_link}\n\nIf this was not you, ignore this email: nothing "
                    f"has changed.\n")
    else:
        queue_email(normalise_email(email), "Finish creating your Partnership Workspace account",
                    f"Hello,\n\nTo finish creating your account, open this link within a day "
                    f"and choose your name and password:\n\n"
                    f"{finish_link(make_sign_up_token(email, next_path, secret_key))}\n\nIf you "
                    f"did not ask for an account, ignore this email.\n")
    db.session.commit()


def sign_up_for_token(token: str, secret_key: str, max_age: int) -> tuple[str, str]:
    """The email address a sign-up link was sent to, and where to go once signed up."""
    email, next_path = _load_link(_sign_up_serializer(secret_key), token, max_age, "sign-up")
    if get_user_by_email(email) is not None:
        raise DomainError("This sign-up link has already been used: the address has an "
                          "account. Log in instead.")
    return email, next_path


def register_user(email: str, name: str, password: str) -> User:
    if get_user_by_email(email) is not None:
        raise DomainError("An account with this email already exists. Log in instead.",
                          field="email")
    check_password_rules(password)
    user = User(email=normalise_email(email), name=name.strip(),
                password_hash=_hash(password))
    db.session.add(user)
    _commit_address(email)
    return user


def _commit_address(email: str) -> None:
    """Commit a change that gives an account the address; another that took it at the same
    moment makes it a refusal, not an error."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError("An account with this email already exists. Log in instead.",
                          field="email") from None


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


def update_profile(user: User, name: str, email: str, current_password: str,
                   secret_key: str, confirm_link: Callable[[str], str]) -> bool:
    """Save the name; a new email needs the current password and changes only once its owner
    opens the link sent to it (`confirm_link(token)`), so that nobody takes an address they
    do not read, or learns from this form which addresses have accounts. True when a link
    went out."""
    email = normalise_email(email)
    asked = email != user.email
    if asked and not check_password_hash(user.password_hash, current_password or ""):
        raise DomainError("Enter your current password to change your email.",
                          field="current_password")
    user.name = name.strip()
    if asked and _may_mail(email, utcnow()):
        queue_email(user.email, "Your Partnership Workspace email is about to change",
                    f"Hello {user.name},\n\nSomeone signed in to your account asked to move "
                    f"it to {email}. It moves only when that address confirms. If this was "
                    f"not you, change your password now and tell the site's administrators."
                    f"\n")
        if get_user_by_email(email) is not None:
            queue_email(email, "Your address and Partnership Workspace",
                        "Hello,\n\nSomeone asked to move another Partnership Workspace account "
                        "to this email address. It already has an account, so nothing has "
                        "changed. If you did not expect this, you can ignore this email.\n")
        else:
            token = make_email_change_token(user, email, secret_key)
            queue_email(email, "Confirm your new Partnership Workspace email",
                        f"Hello {user.name},\n\nTo use this address for your account, open "
                        f"this link within a day:\n\n{confirm_link(token)}\n\nUntil then "
                        f"you log in with {user.email}. If you did not ask for this, ignore "
                        f"this email.\n")
    db.session.commit()
    return asked


def _email_change_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="email-change")


def make_email_change_token(user: User, new_email: str, secret_key: str) -> str:
    return _email_change_serializer(secret_key).dumps([user.id, user.email,
                                                       normalise_email(new_email)])


def email_change_for_token(user: User, token: str, secret_key: str, max_age: int) -> str:
    """The address a confirmation link moves `user` to, when it is their link, made while they
    had the email they have now, and the address is still free; else a refusal in words."""
    user_id, old_email, new_email = _load_link(_email_change_serializer(secret_key), token,
                                               max_age, "confirmation", parts=3)
    if user_id != user.id:
        raise DomainError("This confirmation link is for another account. Log in with that "
                          "account to use it.")
    if old_email != user.email:
        raise DomainError("This confirmation link has already been used.")
    if get_user_by_email(new_email) is not None:
        raise DomainError("Another account uses that address now, so your email stays "
                          f"{user.email}.")
    return new_email


def confirm_email_change(user: User, token: str, secret_key: str, max_age: int) -> str:
    """Move `user` to the address the link was sent to; the old address is told."""
    new_email = email_change_for_token(user, token, secret_key, max_age)
    old_email, user.email = user.email, new_email
    queue_email(old_email, "Your Partnership Workspace email has changed",
                f"Hello {user.name},\n\nYour account now uses {new_email}; this address is "
                f"no longer on it, and every other device is signed out. If you did not make "
                f"this change, tell the site's administrators.\n")
    sessions.end_all_sessions(user, utcnow(), keep=user.login_token, commit=False)
    _commit_address(new_email)
    return new_email


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="password-reset")


def _password_fingerprint(user: User) -> str:
    """Changes with the password (so a reset link works once) and with the email (so links
    sent before a change of address stop working)."""
    return hashlib.sha256(f"{user.password_hash} {user.email}".encode()).hexdigest()[:16]


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
    user_id, fingerprint = _load_link(_reset_serializer(secret_key), token, max_age, "reset")
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
