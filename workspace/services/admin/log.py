"""The log of administrators' actions: written with each action, read by administrators."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import AdminAction, User
from workspace.models.admin import AdminActionKind
from workspace.services.admin.paging import PER_PAGE, Page, paginate

REASON_MAX = 500


def clean_reason(reason: str | None, required: bool = False) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise DomainError("Say why: the other administrators read it in the log.",
                          field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"Use at most {REASON_MAX} characters.", field="reason")
    return reason


def record(actor: User | None, action: AdminActionKind, now: datetime, *, target_kind: str,
           target_id: int, target_label: str = "", account: User | None = None,
           reason: str = "") -> AdminAction:
    """Add the action to the log, in the caller's transaction (the caller commits)."""
    entry = AdminAction(at=now, actor_id=actor.id if actor else None, action=action,
                        target_kind=target_kind, target_id=target_id,
                        target_label=target_label[:400], reason=reason,
                        account_id=account.id if account else None)
    db.session.add(entry)
    return entry


def parse_action(value: str | None) -> AdminActionKind | None:
    try:
        return AdminActionKind(value) if value else None
    except ValueError:
        return None


def action_page(action: AdminActionKind | None = None, page: int = 1,
                account: User | None = None, per_page: int = PER_PAGE) -> Page:
    """The log, newest first: of one kind of action or about one account when given."""
    query = select(AdminAction)
    if action is not None:
        query = query.where(AdminAction.action == action)
    if account is not None:
        query = query.where(AdminAction.account_id == account.id)
    return paginate(query.options(selectinload(AdminAction.actor),
                                  selectinload(AdminAction.account))
                    .order_by(AdminAction.at.desc(), AdminAction.id.desc()), page, per_page)
