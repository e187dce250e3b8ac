"""Centres' assessors, granted and taken away by administrators (a partnership's leads name
them too, in the partnership: services/progress/centres)."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import Centre, CentreStaff, Membership, Partnership, User
from workspace.models.admin import AdminActionKind
from workspace.models.centres import StaffRole
from workspace.services.accounts import users
from workspace.services.admin import log
from workspace.services.admin.paging import PER_PAGE, Page, paginate
from workspace.services.partnerships.membership import find_membership
from workspace.services.progress import centres


def _with_details(query):
    return query.options(
        selectinload(Centre.organisation), selectinload(Centre.item),
        selectinload(Centre.staff).selectinload(CentreStaff.membership)
        .selectinload(Membership.user))


def centre_page(page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Every centre, by partnership and organisation, with its staff."""
    return paginate(_with_details(
        select(Centre).join(Partnership, Partnership.id == Centre.partnership_id))
        .order_by(func.lower(Partnership.name), Centre.id), page, per_page)


def get_centre(centre_id: int) -> Centre:
    centre = db.session.scalar(_with_details(select(Centre)).where(Centre.id == centre_id))
    if centre is None:
        raise NotFound()
    return centre


def partnership_of(centre: Centre) -> Partnership:
    return db.session.get(Partnership, centre.partnership_id)


def assessors(centre: Centre) -> list[CentreStaff]:
    return [s for s in centre.staff if s.role == StaffRole.ASSESSOR]


def label(centre: Centre) -> str:
    return (f"{centre.organisation.name}, {centre.item.title} "
            f"({partnership_of(centre).name})")


def _record(actor: User, action: AdminActionKind, centre: Centre, account: User,
            now: datetime) -> None:
    log.record(actor, action, now, target_kind="centre", target_id=centre.id,
               target_label=label(centre), account=account)


def grant_assessor(actor: User, centre: Centre, email: str, now: datetime) -> CentreStaff:
    """Make the member of the centre's partnership with this email one of its assessors."""
    account = users.get_user_by_email(email)
    partnership = partnership_of(centre)
    membership = find_membership(partnership.id, account) if account else None
    if membership is None:
        raise DomainError(f"No member of {partnership.name} uses this email: an assessor "
                          "must be a member of the centre's partnership.", field="email")
    try:
        staff = centres.add_staff(centre, membership.id, StaffRole.ASSESSOR, commit=False)
    except DomainError as error:
        raise DomainError(error.message, field="email") from None
    _record(actor, AdminActionKind.GRANT_ASSESSOR, centre, account, now)
    db.session.commit()
    return staff


def revoke_assessor(actor: User, centre: Centre, centre_staff_id: int, now: datetime) -> User:
    """Take the role of assessor at the centre away; returns whose it was."""
    staff = db.session.get(CentreStaff, centre_staff_id)
    if staff is None or staff.centre_id != centre.id or staff.role != StaffRole.ASSESSOR:
        raise NotFound()
    account = staff.membership.user
    centres.remove_staff(centre, staff.id, commit=False)
    _record(actor, AdminActionKind.REVOKE_ASSESSOR, centre, account, now)
    db.session.commit()
    return account
