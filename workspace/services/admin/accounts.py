"""Accounts, as administrators see them: finding them, suspending and restoring them, and
the site-wide roles (catalogue editor, administrator)."""

from datetime import datetime

from sqlalchemy import func, or_, select

from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import Membership, User
from workspace.models.admin import AdminActionKind
from workspace.services import permissions
from workspace.services.accounts import sessions, users
from workspace.services.admin import log
from workspace.services.admin.paging import PER_PAGE, Page, escaped, paginate

ROLES = {"catalogue_editor": "catalogue editor", "site_admin": "administrator"}


def account_page(query: str = "", page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Accounts by name, those whose name or email contains `query` when given."""
    found = select(User)
    if query.strip():
        words = f"%{escaped(query.strip().lower())}%"
        found = found.where(or_(func.lower(User.name).like(words, escape="\\"),
                                User.email.like(words, escape="\\")))
    return paginate(found.order_by(func.lower(User.name), User.id), page, per_page)


def get_account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def memberships_of(user: User) -> list[Membership]:
    return list(db.session.scalars(select(Membership).where(Membership.user_id == user.id)
                                   .order_by(Membership.id)))


def _record(actor: User | None, action: AdminActionKind, account: User, now: datetime,
            reason: str = "") -> None:
    log.record(actor, action, now, target_kind="account", target_id=account.id,
               account=account, reason=reason)


def suspend_account(actor: User, account: User, reason: str, now: datetime) -> int:
    """Suspend the account: every one of its login sessions ends now (an open browser is
    refused on its next request) and it cannot sign in until restored. Returns how many
    sessions were ended."""
    refusal = permissions.why_not_suspend_account(actor, account)
    if refusal:
        raise DomainError(refusal)
    if account.is_suspended:
        raise DomainError("This account is already suspended.")
    reason = log.clean_reason(reason, required=True)
    account.suspended_at, account.suspension_reason = now, reason
    ended = sessions.end_all_sessions(account, now, commit=False)
    _record(actor, AdminActionKind.SUSPEND_ACCOUNT, account, now, reason)
    db.session.commit()
    return ended


def restore_account(actor: User, account: User, reason: str, now: datetime) -> None:
    """Lift the suspension: the person signs in again (their old sessions stay ended)."""
    if not account.is_suspended:
        raise DomainError("This account is not suspended.")
    reason = log.clean_reason(reason)
    account.suspended_at, account.suspension_reason = None, ""
    _record(actor, AdminActionKind.RESTORE_ACCOUNT, account, now, reason)
    db.session.commit()


def set_role(actor: User | None, account: User, role: str, granted: bool,
             now: datetime) -> bool:
    """Grant or take away a site-wide role (`ROLES`); whether anything changed (granting a
    role held already changes and logs nothing)."""
    if role not in ROLES:
        raise DomainError("Choose catalogue editor or administrator.", field="role")
    attribute = "is_catalogue_editor" if role == "catalogue_editor" else "is_site_admin"
    if getattr(account, attribute) == granted:
        return False
    if role == "site_admin" and not granted:
        refusal = permissions.why_not_revoke_admin(actor, account)
        if refusal:
            raise DomainError(refusal)
    setattr(account, attribute, granted)
    action = {("catalogue_editor", True): AdminActionKind.GRANT_EDITOR,
              ("catalogue_editor", False): AdminActionKind.REVOKE_EDITOR,
              ("site_admin", True): AdminActionKind.GRANT_ADMIN,
              ("site_admin", False): AdminActionKind.REVOKE_ADMIN}[role, granted]
    _record(actor, action, account, now)
    db.session.commit()
    return True


def create_admin(email: str, now: datetime, name: str | None = None,
                 password: str | None = None) -> tuple[User, bool]:
    """From the command line: make the account of `email` an administrator, first making the
    account when none has that address (then `name` and `password` are needed). Returns the
    account and whether it was made now; logged as done by nobody signed in."""
    account = users.get_user_by_email(email)
    created = account is None
    if created:
        if not (name or "").strip():
            raise DomainError("No account uses this email: give a name for the new one.",
                              field="name")
        account = users.register_user(email, name, password or "")
    elif account.is_suspended:
        raise DomainError("This account is suspended: restore it before making it an "
                          "administrator.")
    set_role(None, account, "site_admin", True, now)
    return account, created
