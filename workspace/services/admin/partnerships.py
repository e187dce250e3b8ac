"""Partnerships, as administrators see them: finding them, suspending and restoring them.

A suspended partnership keeps all its data; `partnerships.authorise` refuses every one of
its routes to every member (permissions.why_not_use_partnership), its invitations cannot be
accepted and its needs forms take no answers, until it is restored.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import Membership, Partnership, User
from workspace.models.admin import AdminActionKind
from workspace.models.partnerships import Role
from workspace.services.admin import log
from workspace.services.admin.paging import PER_PAGE, Page, escaped, paginate


@dataclass
class PartnershipRow:
    partnership: Partnership
    members: int


def partnership_page(query: str = "", page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Partnerships by name (as `PartnershipRow`s, with their number of members), those
    whose name or place contains `query` when given."""
    found = select(Partnership)
    if query.strip():
        words = f"%{escaped(query.strip().lower())}%"
        found = found.where(func.lower(Partnership.name).like(words, escape="\\")
                            | func.lower(Partnership.place).like(words, escape="\\"))
    shown = paginate(found.order_by(func.lower(Partnership.name), Partnership.id), page,
                     per_page)
    counts = dict(db.session.execute(
        select(Membership.partnership_id, func.count(Membership.id))
        .where(Membership.partnership_id.in_([p.id for p in shown.items]))
        .group_by(Membership.partnership_id)).all())
    shown.items = [PartnershipRow(p, counts.get(p.id, 0)) for p in shown.items]
    return shown


def get_partnership(partnership_id: int) -> Partnership:
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None:
        raise NotFound()
    return partnership


def leads_of(partnership: Partnership) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.partnership_id == partnership.id, Membership.role == Role.LEAD)
        .order_by(User.name)))


def member_count(partnership: Partnership) -> int:
    return db.session.scalar(select(func.count(Membership.id)).where(
        Membership.partnership_id == partnership.id))


def _record(actor: User, action: AdminActionKind, partnership: Partnership, now: datetime,
            reason: str) -> None:
    log.record(actor, action, now, target_kind="partnership", target_id=partnership.id,
               target_label=partnership.name, reason=reason)


def suspend_partnership(actor: User, partnership: Partnership, reason: str,
                        now: datetime) -> None:
    if partnership.is_suspended:
        raise DomainError("This partnership is already suspended.")
    reason = log.clean_reason(reason, required=True)
    partnership.suspended_at, partnership.suspension_reason = now, reason
    _record(actor, AdminActionKind.SUSPEND_PARTNERSHIP, partnership, now, reason)
    db.session.commit()


def restore_partnership(actor: User, partnership: Partnership, reason: str,
                        now: datetime) -> None:
    if not partnership.is_suspended:
        raise DomainError("This partnership is not suspended.")
    reason = log.clean_reason(reason)
    partnership.suspended_at, partnership.suspension_reason = None, ""
    _record(actor, AdminActionKind.RESTORE_PARTNERSHIP, partnership, now, reason)
    db.session.commit()
