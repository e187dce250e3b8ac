"""Centres: a partnership's member organisation approved to offer a qualification, with its
completion window, assessors and mentors; learners registering with it; and who assesses.

For an enrolment registered with a centre, only that centre's assessors mark units achieved
and decide prior-learning claims on its units (`may_assess`); an enrolment without a centre
stays the learner's own record, and its claims stay with the partnership's leads.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workspace.exceptions import DomainError, Forbidden, NotFound
from workspace.extensions import db
from workspace.models import (
    CatalogueItem,
    Centre,
    CentreStaff,
    Component,
    Enrolment,
    Membership,
    Organisation,
    Partnership,
    PriorLearningClaim,
    Registration,
    UnitProgress,
    User,
)
from workspace.models.catalogue import ItemStatus
from workspace.models.centres import StaffRole
from workspace.models.progress import ClaimState, UnitStatus
from workspace.services import permissions
from workspace.services.partnerships.membership import get_owned

# Completion windows the sources state, in months, by catalogue stable ID: "Learners must
# complete the Trinity CME within two years" (catalogue pack, cme_delivery).
KNOWN_WINDOWS = {"CME": 24}
WARN_DAYS = 90  # a deadline warns from this many days before it
MAX_WINDOW_MONTHS = 120


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_window(item: CatalogueItem) -> int | None:
    return KNOWN_WINDOWS.get(item.stable_id)


# --- centres and their staff --------------------------------------------------------------


def qualification_choices(today: date) -> list[CatalogueItem]:
    """Qualifications a centre may offer: current ones, by title."""
    ended = CatalogueItem.operational_end.is_not(None) & (CatalogueItem.operational_end < today)
    return list(db.session.scalars(
        select(CatalogueItem).where(CatalogueItem.is_qualification.is_(True),
                                    CatalogueItem.status == ItemStatus.CURRENT, ~ended)
        .order_by(CatalogueItem.title)))


def list_centres(partnership: Partnership) -> list[Centre]:
    return list(db.session.scalars(
        select(Centre).options(selectinload(Centre.organisation), selectinload(Centre.item),
                               selectinload(Centre.staff).selectinload(CentreStaff.membership)
                               .selectinload(Membership.user))
        .where(Centre.partnership_id == partnership.id).order_by(Centre.id)))


def _check_window(window_months: int | None, item: CatalogueItem) -> int:
    window = window_months if window_months is not None else default_window(item)
    if window is None:
        raise DomainError("Enter how many months learners have to complete it.",
                          field="window_months")
    if not 1 <= window <= MAX_WINDOW_MONTHS:
        raise DomainError(f"Enter a number of months from 1 to {MAX_WINDOW_MONTHS}.",
                          field="window_months")
    return window


def create_centre(partnership: Partnership, organisation_id: int, item: CatalogueItem,
                  window_months: int | None = None) -> Centre:
    """Make a member organisation a centre for a qualification; the window defaults to the
    one the sources state for it (24 months for the CME)."""
    organisation = get_owned(Organisation, partnership, organisation_id)
    if not item.is_qualification:
        raise DomainError(f"{item.title} is a unit: choose a qualification.", field="item")
    if db.session.scalar(select(Centre.id).where(Centre.organisation_id == organisation.id,
                                                 Centre.item_id == item.id)):
        raise DomainError(f"{organisation.name} is already a centre for {item.title}.",
                          field="item")
    centre = Centre(partnership_id=partnership.id, organisation_id=organisation.id,
                    item_id=item.id, window_months=_check_window(window_months, item))
    db.session.add(centre)
    db.session.commit()
    return centre


def update_window(centre: Centre, window_months: int | None) -> Centre:
    """Change the window for learners who register from now on (deadlines set stay)."""
    centre.window_months = _check_window(window_months, centre.item)
    db.session.commit()
    return centre


def add_staff(centre: Centre, membership_id: int, role: StaffRole,
              commit: bool = True) -> CentreStaff:
    """Name a member of the centre's partnership its assessor or mentor (with
    `commit=False`, as part of the caller's transaction: an administrator's, logged)."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.partnership_id != centre.partnership_id:
        raise DomainError("Choose a member of the partnership.", field="membership_id")
    if any(s.membership_id == membership.id and s.role == role for s in centre.staff):
        raise DomainError(f"{membership.user.name} is already {role.label.lower()} here.",
                          field="membership_id")
    staff = CentreStaff(partnership_id=centre.partnership_id, centre_id=centre.id,
                        membership_id=membership.id, role=role)
    db.session.add(staff)
    if commit:
        db.session.commit()
    return staff


def remove_staff(centre: Centre, centre_staff_id: int, commit: bool = True) -> CentreStaff:
    staff = db.session.get(CentreStaff, centre_staff_id)
    if staff is None or staff.centre_id != centre.id:
        raise NotFound()
    db.session.delete(staff)
    if commit:
        db.session.commit()
    return staff


def staff(centre: Centre, role: StaffRole) -> list[User]:
    return [s.membership.user for s in centre.staff if s.role == role]


def is_assessor(user: User, centre: Centre) -> bool:
    return bool(db.session.scalar(
        select(CentreStaff.id).join(Membership, Membership.id == CentreStaff.membership_id)
        .where(CentreStaff.centre_id == centre.id, CentreStaff.role == StaffRole.ASSESSOR,
               Membership.user_id == user.id)))


def is_staff(user: User, centre: Centre) -> bool:
    """An assessor or mentor of the centre: they follow its learners and their plans."""
    return bool(db.session.scalar(
        select(CentreStaff.id).join(Membership, Membership.id == CentreStaff.membership_id)
        .where(CentreStaff.centre_id == centre.id, Membership.user_id == user.id)))


# --- registration and the completion window -----------------------------------------------


def register(centre: Centre, user: User, today: date) -> Registration:
    """Register a member with the centre for its qualification: their enrolment on it (made
    now if they have none) gets a deadline `window_months` from today."""
    item = centre.item
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id,
                                                          Enrolment.item_id == item.id))
    if enrolment is not None and registration_of(enrolment) is not None:
        raise DomainError(f"You are already registered with a centre for {item.title}.")
    if enrolment is None:
        if item.effective_status(today) != ItemStatus.CURRENT:
            raise DomainError(f"{item.title} takes no new learners.")
        enrolment = Enrolment(user_id=user.id, item_id=item.id, started_on=today)
        db.session.add(enrolment)
        db.session.flush()
    registration = Registration(partnership_id=centre.partnership_id, centre_id=centre.id,
                                enrolment_id=enrolment.id, registered_on=today,
                                complete_by=add_months(today, centre.window_months))
    db.session.add(registration)
    db.session.commit()
    return registration


def list_registrations(centre: Centre) -> list[Registration]:
    """The centre's learners, the nearest deadline first."""
    return list(db.session.scalars(
        select(Registration).options(selectinload(Registration.enrolment)
                                     .selectinload(Enrolment.user))
        .where(Registration.centre_id == centre.id)
        .order_by(Registration.complete_by, Registration.id)))


def registration_of(enrolment: Enrolment) -> Registration | None:
    return db.session.scalar(
        select(Registration).options(selectinload(Registration.centre))
        .where(Registration.enrolment_id == enrolment.id))


@dataclass(frozen=True)
class Deadline:
    complete_by: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def warning(self) -> bool:
        """Due within WARN_DAYS, and not yet past."""
        return 0 <= self.days_left <= WARN_DAYS


def deadline(registration: Registration, today: date) -> Deadline:
    return Deadline(registration.complete_by, (registration.complete_by - today).days)


# --- who assesses -------------------------------------------------------------------------


def may_assess(user: User, enrolment: Enrolment) -> bool:
    """Whether the person marks units achieved and decides prior learning on this enrolment:
    the assessors of the centre it is registered with, when independent of the learner
    (`permissions.why_not_assess_for`: never on their own enrolment); with no centre, the
    learner's own record, as before centres existed."""
    registration = registration_of(enrolment)
    if registration is None:
        return enrolment.user_id == user.id
    return is_assessor(user, registration.centre) and _independence(user, enrolment) is None


def _independence(assessor: User, enrolment: Enrolment) -> str | None:
    centre = registration_of(enrolment).centre
    return permissions.why_not_assess_for(assessor, centre.partnership_id, enrolment.user_id)


def _check_assessor(assessor: User, enrolment: Enrolment, message: str) -> None:
    """Forbidden to anyone but the centre's assessors; a refusal in words to an assessor
    who is not independent of the learner."""
    if not is_assessor(assessor, registration_of(enrolment).centre):
        raise Forbidden(message)
    refusal = _independence(assessor, enrolment)
    if refusal:
        raise DomainError(refusal)


def check_learner_status(enrolment: Enrolment, current: UnitStatus, wanted: UnitStatus) -> None:
    """On a centre's enrolment the learner sets in progress or evidence submitted; the
    centre's assessor marks a unit achieved, and only they may change it once achieved."""
    if registration_of(enrolment) is None:
        return
    if UnitStatus.ACHIEVED in (current, wanted) and current != wanted:
        raise DomainError("Your centre's assessor marks units achieved.", field="status")


def claim_enrolment(claim: PriorLearningClaim) -> Enrolment | None:
    """The centre-registered enrolment whose qualification contains the claimed unit."""
    return db.session.scalar(
        select(Enrolment).join(Registration, Registration.enrolment_id == Enrolment.id)
        .join(Component, Component.parent_id == Enrolment.item_id)
        .where(Enrolment.user_id == claim.user_id, Component.child_id == claim.item_id)
        .order_by(Enrolment.id).limit(1))


def may_decide_claim(user: User, claim: PriorLearningClaim) -> bool | None:
    """For a claim on a centre's qualification, whether the person may decide it (by
    `may_assess`); None when no centre governs the claim (leads decide it)."""
    enrolment = claim_enrolment(claim)
    return None if enrolment is None else may_assess(user, enrolment)


@dataclass
class Awaiting:
    claims: list[PriorLearningClaim]
    units: list[tuple[Registration, UnitProgress, CatalogueItem]]


def awaiting(centre: Centre) -> Awaiting:
    """What waits for the centre's assessors: open claims on its learners' units, and units
    with evidence submitted."""
    registered = select(Enrolment.id).join(
        Registration, Registration.enrolment_id == Enrolment.id).where(
        Registration.centre_id == centre.id)
    learners = select(Enrolment.user_id).where(Enrolment.id.in_(registered))
    units = select(Component.child_id).where(Component.parent_id == centre.item_id)
    claims = list(db.session.scalars(
        select(PriorLearningClaim).options(selectinload(PriorLearningClaim.user),
                                           selectinload(PriorLearningClaim.item))
        .where(PriorLearningClaim.user_id.in_(learners), PriorLearningClaim.item_id.in_(units),
               PriorLearningClaim.state == ClaimState.CLAIMED)
        .order_by(PriorLearningClaim.created_at)))
    rows = db.session.execute(
        select(Registration, UnitProgress, CatalogueItem)
        .join(UnitProgress, UnitProgress.enrolment_id == Registration.enrolment_id)
        .join(CatalogueItem, CatalogueItem.id == UnitProgress.item_id)
        .options(selectinload(Registration.enrolment).selectinload(Enrolment.user))
        .where(Registration.centre_id == centre.id,
               UnitProgress.status == UnitStatus.EVIDENCE_SUBMITTED)
        .order_by(UnitProgress.updated_at)).all()
    return Awaiting(claims, [tuple(r) for r in rows])


def _centre_enrolment(centre: Centre, enrolment_id: int, assessor: User) -> Enrolment:
    registration = db.session.scalar(select(Registration).where(
        Registration.centre_id == centre.id, Registration.enrolment_id == enrolment_id))
    if registration is None:
        raise NotFound()
    _check_assessor(assessor, registration.enrolment, "Only the centre's assessors do that.")
    return registration.enrolment


def mark_achieved(centre: Centre, assessor: User, enrolment_id: int, unit_id: int,
                  today: date) -> UnitProgress:
    enrolment = _centre_enrolment(centre, enrolment_id, assessor)
    if not db.session.scalar(select(Component.id).where(
            Component.parent_id == enrolment.item_id, Component.child_id == unit_id)):
        raise NotFound()
    row = db.session.scalar(select(UnitProgress).where(
        UnitProgress.enrolment_id == enrolment.id, UnitProgress.item_id == unit_id))
    row = row or UnitProgress(enrolment_id=enrolment.id, item_id=unit_id, evidence_note="")
    row.status, row.achieved_on = UnitStatus.ACHIEVED, today
    db.session.add(row)
    db.session.commit()
    return row


def decide_claim(centre: Centre, assessor: User, claim_id: int, verified: bool,
                 now: datetime) -> PriorLearningClaim:
    claim = db.session.get(PriorLearningClaim, claim_id)
    enrolment = claim and claim_enrolment(claim)
    if enrolment is None or registration_of(enrolment).centre_id != centre.id:
        raise NotFound()
    _check_assessor(assessor, enrolment, "Only the centre's assessors decide prior learning.")
    if claim.state != ClaimState.CLAIMED:
        raise DomainError("This claim has already been decided.")
    claim.state = ClaimState.VERIFIED if verified else ClaimState.REJECTED
    claim.decided_by_id, claim.decided_at = assessor.id, now
    db.session.commit()
    return claim
