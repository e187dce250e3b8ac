"""Practitioner progress: what a person holds, their enrolments and units, progression.

A unit counts as achieved on a qualification when the person achieved it there, or holds it
already, and says why: held in its own right or as part of a qualification they hold,
achieved on another qualification they are enrolled on, or verified prior learning.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from workspace.clock import london_today
from workspace.exceptions import DomainError, Forbidden, NotFound
from workspace.extensions import db
from workspace.infra import uploads
from workspace.models import (
    CatalogueItem,
    CommonCoreArea,
    Component,
    ComponentGroup,
    CpdSession,
    Enrolment,
    HeldQualification,
    ItemRole,
    JobRole,
    Membership,
    Partnership,
    PractitionerProfile,
    Prerequisite,
    PriorLearningClaim,
    SessionArea,
    SessionModule,
    UnitProgress,
    User,
)
from workspace.models.catalogue import ItemStatus
from workspace.models.cpd import SessionStatus
from workspace.models.progress import ClaimState, UnitStatus
from workspace.services import permissions
from workspace.services.catalogue import items as catalogue
from workspace.services.catalogue.coverage import (
    AreaState,
    Coverage,
    combine,
    coverage_of,
    covering,
    ids_in_state,
)
from workspace.services.cpd import sessions as cpd
from workspace.services.progress import centres

# --- profile ------------------------------------------------------------------------------


def get_profile(user: User) -> PractitionerProfile:
    profile = db.session.scalar(select(PractitionerProfile).where(
        PractitionerProfile.user_id == user.id))
    return profile or PractitionerProfile(user_id=user.id, organisation="",
                                          share_with_leads=False,
                                          share_with_organisation=False)


def find_role(name: str) -> JobRole:
    role = db.session.scalar(select(JobRole).where(func.lower(JobRole.name) ==
                                                   name.strip().lower()))
    if role is None:
        raise DomainError("Choose a role from the catalogue's list.", field="job_role")
    return role


def update_profile(user: User, *, job_role: JobRole | None, organisation: str,
                   share_with_leads: bool,
                   share_with_organisation: bool = False) -> PractitionerProfile:
    profile = get_profile(user)
    profile.job_role_id = job_role.id if job_role else None
    profile.organisation = organisation.strip()
    profile.share_with_leads = share_with_leads
    profile.share_with_organisation = share_with_organisation
    db.session.add(profile)
    db.session.commit()
    return profile


def get_own(model, user: User, object_id: int):
    """One of the person's own records; NotFound for anybody else's."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.user_id != user.id:
        raise NotFound()
    return obj


# --- qualifications held and prior learning -----------------------------------------------


def add_held(user: User, item: CatalogueItem, *, year: int | None = None,
             evidence_note: str = "") -> HeldQualification:
    if db.session.scalar(select(HeldQualification.id).where(
            HeldQualification.user_id == user.id, HeldQualification.item_id == item.id)):
        raise DomainError(f"{item.title} is already on your record.", field="item")
    if year is not None and not 1950 <= year <= london_today().year:
        raise DomainError("Enter the year you gained it, e.g. 2019.", field="year")
    held = HeldQualification(user_id=user.id, item_id=item.id, year=year,
                             evidence_note=evidence_note.strip())
    db.session.add(held)
    db.session.commit()
    return held


def remove_held(user: User, held_id: int, upload_folder: str) -> None:
    """Take it off the record, and its evidence file off the disk."""
    held = get_own(HeldQualification, user, held_id)
    path = _evidence_path(held, upload_folder)
    db.session.delete(held)
    db.session.commit()
    uploads.remove_file(path)  # after the commit: a failed commit must not lose the file


# --- evidence of a qualification held: a certificate or transcript, the holder's only -------


def _evidence_path(held: HeldQualification, upload_folder: str) -> str | None:
    return uploads.stored_path(upload_folder, uploads.person_folder(held.user_id),
                               held.evidence_stored_name)


def attach_evidence(user: User, held_id: int, filename: str, stream: BinaryIO,
                    upload_folder: str) -> HeldQualification:
    """Keep a file as evidence of a qualification the person holds, in their own folder,
    replacing any earlier one; nothing is kept when the file is refused."""
    held = get_own(HeldQualification, user, held_id)
    old_path = _evidence_path(held, upload_folder)
    with uploads.accepted_file(uploads.person_folder(user.id), filename, held.item.title,
                               stream, upload_folder, fallback_name="evidence") as stored:
        try:
            held.evidence_filename = stored.download_name
            held.evidence_stored_name = stored.stored_name
            held.evidence_content_type = stored.content_type
            held.evidence_size = stored.size
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    uploads.remove_file(old_path)  # only once the new one is recorded
    return held


def remove_evidence(user: User, held_id: int, upload_folder: str) -> HeldQualification:
    held = get_own(HeldQualification, user, held_id)
    path = _evidence_path(held, upload_folder)
    held.evidence_filename = held.evidence_stored_name = None
    held.evidence_content_type = held.evidence_size = None
    db.session.commit()
    uploads.remove_file(path)
    return held


def evidence_download(user: User, held_id: int, upload_folder: str) -> uploads.Download:
    """Where the holder's evidence file is; NotFound for anyone else, or when there is none."""
    held = get_own(HeldQualification, user, held_id)
    return uploads.open_stored(upload_folder, uploads.person_folder(held.user_id),
                               held.evidence_stored_name, held.evidence_content_type,
                               held.evidence_filename, "evidence")


def list_held(user: User) -> list[HeldQualification]:
    return list(db.session.scalars(
        select(HeldQualification).options(selectinload(HeldQualification.item))
        .where(HeldQualification.user_id == user.id).order_by(HeldQualification.year.desc())))


def claim_prior_learning(user: User, unit: CatalogueItem, evidence: str) -> PriorLearningClaim:
    if not evidence.strip():
        raise DomainError("Describe the experience or learning that covers this unit.",
                          field="evidence")
    existing = db.session.scalar(select(PriorLearningClaim).where(
        PriorLearningClaim.user_id == user.id, PriorLearningClaim.item_id == unit.id))
    if existing is not None and existing.state != ClaimState.REJECTED:
        raise DomainError(f"You have already claimed prior learning for {unit.title}.",
                          field="item")
    claim = existing or PriorLearningClaim(user_id=user.id, item_id=unit.id)
    claim.evidence, claim.state = evidence.strip(), ClaimState.CLAIMED
    claim.decided_by_id = claim.decided_at = None
    db.session.add(claim)
    db.session.commit()
    return claim


def list_claims(user: User) -> list[PriorLearningClaim]:
    return list(db.session.scalars(
        select(PriorLearningClaim).options(selectinload(PriorLearningClaim.item),
                                           selectinload(PriorLearningClaim.decided_by))
        .where(PriorLearningClaim.user_id == user.id).order_by(PriorLearningClaim.created_at)))


def who_decides(claim: PriorLearningClaim) -> str:
    """Who will decide the claim, in words for the claimant: the assessors of the centre the
    person is registered with for the unit's qualification, else a lead of one of their
    partnerships; someone in no partnership is told that nobody can see it yet."""
    enrolment = centres.claim_enrolment(claim)
    registration = enrolment and centres.registration_of(enrolment)
    if registration:
        return f"the assessors of {registration.centre.organisation.name} decide it"
    names = db.session.scalars(
        select(Partnership.name).join(Membership, Membership.partnership_id == Partnership.id)
        .where(Membership.user_id == claim.user_id).order_by(Partnership.name)).all()
    if not names:
        return ("nobody can verify it until you join a partnership (or register with a centre "
                "for its qualification): its leads or assessors will see it then")
    return f"a lead of {' or '.join(names)} can now verify it"


def claims_to_verify(partnership_id: int) -> list[PriorLearningClaim]:
    """Open claims of the partnership's members, for its leads to verify; claims on a unit of
    a qualification the person is registered for with a centre wait for its assessors."""
    members = select(Membership.user_id).where(Membership.partnership_id == partnership_id)
    claims = db.session.scalars(
        select(PriorLearningClaim).options(selectinload(PriorLearningClaim.item),
                                           selectinload(PriorLearningClaim.user))
        .where(PriorLearningClaim.user_id.in_(members),
               PriorLearningClaim.state == ClaimState.CLAIMED)
        .order_by(PriorLearningClaim.created_at))
    return [c for c in claims if centres.claim_enrolment(c) is None]


def decide_claim(partnership_id: int, claim_id: int, verifier: User, verified: bool,
                 now: datetime) -> PriorLearningClaim:
    claim = db.session.get(PriorLearningClaim, claim_id)
    member = claim is not None and db.session.scalar(select(Membership.id).where(
        Membership.partnership_id == partnership_id, Membership.user_id == claim.user_id))
    if not member:
        raise NotFound()
    if centres.may_decide_claim(verifier, claim) is False:
        raise Forbidden("Only the assessors of the learner's centre decide this claim.")
    refusal = permissions.why_not_verify_for(verifier, claim.user_id)
    if refusal:
        raise DomainError(refusal)
    if claim.state != ClaimState.CLAIMED:
        raise DomainError("This claim has already been decided.")
    claim.state = ClaimState.VERIFIED if verified else ClaimState.REJECTED
    claim.decided_by_id, claim.decided_at = verifier.id, now
    db.session.commit()
    return claim


# --- what counts: credit from elsewhere -----------------------------------------------------


def credit_sources(user: User, exclude_enrolment: int | None = None) -> dict[int, str]:
    """Item id → why the person already has it (held, achieved elsewhere, prior learning)."""
    return _credit_books([user.id])[user.id].reasons(exclude_enrolment)


@dataclass
class _CreditBook:
    """What a person is credited with, in the order the reasons are preferred: held items
    (the most recent first) with everything inside them, units achieved on an enrolment, and
    verified prior learning."""

    held: list[tuple[int, str]] = field(default_factory=list)
    achieved: list[tuple[int, int, str]] = field(default_factory=list)  # unit, enrolment, on
    verified: list[int] = field(default_factory=list)

    def reasons(self, exclude_enrolment: int | None = None) -> dict[int, str]:
        reasons: dict[int, str] = {}
        for item_id, reason in self.held:
            reasons.setdefault(item_id, reason)
        for unit_id, enrolment_id, title in self.achieved:
            if enrolment_id != exclude_enrolment:
                reasons.setdefault(unit_id, f"achieved on {title}")
        for unit_id in self.verified:
            reasons.setdefault(unit_id, "verified prior learning")
        return reasons


def _credit_books(user_ids: set[int] | list[int], units: set[int] | None = None
                  ) -> dict[int, _CreditBook]:
    """Each person's credit book, in four queries however many people. `units`: the only
    items inside held qualifications that the caller asks about (a held qualification may hold
    dozens of units; progress asks only about its enrolments' own)."""
    books = {user_id: _CreditBook() for user_id in user_ids}
    held = db.session.execute(
        select(HeldQualification.user_id, HeldQualification.item_id, HeldQualification.year,
               CatalogueItem.title)
        .join(CatalogueItem, CatalogueItem.id == HeldQualification.item_id)
        .where(HeldQualification.user_id.in_(list(books)))
        .order_by(HeldQualification.user_id, HeldQualification.year.desc(),
                  HeldQualification.id)).all()
    inside = catalogue.descendants_of({h.item_id for h in held}, among=units)
    for h in held:
        book = books[h.user_id]
        book.held.append((h.item_id, "held" + (f" since {h.year}" if h.year else "")))
        book.held += [(unit_id, f"part of {h.title}, which you hold")
                      for unit_id in sorted(inside[h.item_id])]
    achieved = db.session.execute(
        select(Enrolment.user_id, UnitProgress.item_id, Enrolment.id, CatalogueItem.title)
        .join(Enrolment, Enrolment.id == UnitProgress.enrolment_id)
        .join(CatalogueItem, CatalogueItem.id == Enrolment.item_id)
        .where(Enrolment.user_id.in_(list(books)), UnitProgress.status == UnitStatus.ACHIEVED)
        .order_by(Enrolment.id, UnitProgress.id))
    for user_id, unit_id, enrolment_id, title in achieved:
        books[user_id].achieved.append((unit_id, enrolment_id, title))
    verified = db.session.execute(select(PriorLearningClaim.user_id, PriorLearningClaim.item_id)
                                  .where(PriorLearningClaim.user_id.in_(list(books)),
                                         PriorLearningClaim.state == ClaimState.VERIFIED)
                                  .order_by(PriorLearningClaim.id))
    for user_id, unit_id in verified:
        books[user_id].verified.append(unit_id)
    return books


# --- enrolment ----------------------------------------------------------------------------


def enrol(user: User, item: CatalogueItem, today: date) -> Enrolment:
    if not item.is_qualification:
        raise DomainError(f"{item.title} is a unit: enrol on a qualification that contains "
                          "it.", field="item")
    if item.effective_status(today) != ItemStatus.CURRENT:
        raise DomainError(f"{item.title} is {item.effective_status(today).label.lower()}: "
                          "it takes no new learners.", field="item")
    if db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == user.id,
                                                    Enrolment.item_id == item.id)):
        raise DomainError(f"You are already enrolled on {item.title}.", field="item")
    enrolment = Enrolment(user_id=user.id, item_id=item.id, started_on=today)
    db.session.add(enrolment)
    db.session.commit()
    return enrolment


def list_enrolments(user: User) -> list[Enrolment]:
    return list(db.session.scalars(
        select(Enrolment).options(selectinload(Enrolment.item))
        .where(Enrolment.user_id == user.id).order_by(Enrolment.started_on)))


@dataclass
class UnitRow:
    component: catalogue.Part
    progress: UnitProgress | None
    credited: str | None  # why it counts already, from elsewhere
    evidence_sessions: list[CpdSession]

    @property
    def unit(self) -> CatalogueItem:
        return self.component.child

    @property
    def status(self) -> UnitStatus:
        return self.progress.status if self.progress else UnitStatus.NOT_STARTED

    @property
    def achieved(self) -> bool:
        return self.status == UnitStatus.ACHIEVED or self.credited is not None

    @property
    def credits(self) -> int:
        return self.unit.credits or 0


@dataclass
class GroupProgress:
    group: ComponentGroup | None
    rows: list[UnitRow]

    @property
    def achieved(self) -> list[UnitRow]:
        return [r for r in self.rows if r.achieved]

    @property
    def credits(self) -> int:
        return sum(r.credits for r in self.achieved)

    @property
    def satisfied(self) -> bool:
        if self.group is None:
            return True
        enough_units = len(self.achieved) >= (self.group.min_components or 0)
        return enough_units and self.credits >= (self.group.min_credits or 0)


@dataclass
class EnrolmentProgress:
    enrolment: Enrolment
    mandatory: list[UnitRow]
    optional: list[GroupProgress] = field(default_factory=list)

    @property
    def units_documented(self) -> bool:
        return bool(self.mandatory or any(g.rows for g in self.optional))

    @property
    def mandatory_achieved(self) -> int:
        return sum(r.achieved for r in self.mandatory)

    @property
    def credits(self) -> int:
        return sum(r.credits for r in self.mandatory if r.achieved) + sum(
            g.credits for g in self.optional)

    @property
    def credits_needed(self) -> int | None:
        return self.enrolment.item.credits

    @property
    def complete(self) -> bool:
        return (self.units_documented and self.mandatory_achieved == len(self.mandatory)
                and all(g.satisfied for g in self.optional)
                and (self.credits_needed is None or self.credits >= self.credits_needed))


def enrolment_progress(enrolment: Enrolment) -> EnrolmentProgress:
    return progress_of_enrolments([enrolment])[0]


def progress_of_enrolments(enrolments: list[Enrolment]) -> list[EnrolmentProgress]:
    """Each enrolment's progress, in a fixed number of queries however many enrolments and
    people (the workforce and team pages count a whole partnership's)."""
    if not enrolments:
        return []
    components = catalogue.parts_of({e.item_id for e in enrolments})
    progress: dict[int, dict[int, UnitProgress]] = {}
    for row in db.session.scalars(select(UnitProgress).where(
            UnitProgress.enrolment_id.in_([e.id for e in enrolments]))):
        progress.setdefault(row.enrolment_id, {})[row.item_id] = row
    people = {e.user_id for e in enrolments}
    unit_ids = {c.child_id for cs in components.values() for c in cs}
    books = _credit_books(people, unit_ids)
    evidence = cpd.evidence_sessions_of(people, unit_ids)
    return [_progress(e, components.get(e.item_id, []), progress.get(e.id, {}),
                      books[e.user_id].reasons(exclude_enrolment=e.id), evidence)
            for e in enrolments]


def _progress(enrolment: Enrolment, components: list[catalogue.Part],
              progress: dict[int, UnitProgress], credited: dict[int, str],
              evidence: dict[tuple[int, int], list[CpdSession]]) -> EnrolmentProgress:
    rows = [UnitRow(c, progress.get(c.child_id), credited.get(c.child_id),
                    evidence.get((enrolment.user_id, c.child_id), [])) for c in components]
    groups: dict[int | None, list[UnitRow]] = {}
    for row in rows:
        if not row.component.mandatory:
            groups.setdefault(row.component.group_id, []).append(row)
    return EnrolmentProgress(
        enrolment=enrolment, mandatory=[r for r in rows if r.component.mandatory],
        optional=[GroupProgress(members[0].component.group if gid is not None else None,
                                members) for gid, members in groups.items()])


def update_unit(user: User, enrolment_id: int, unit_id: int, *, status: UnitStatus,
                started_on: date | None = None, achieved_on: date | None = None,
                evidence_note: str = "") -> UnitProgress:
    enrolment = get_own(Enrolment, user, enrolment_id)
    if not db.session.scalar(select(Component.id).where(
            Component.parent_id == enrolment.item_id, Component.child_id == unit_id)):
        raise NotFound()
    if started_on and achieved_on and achieved_on < started_on:
        raise DomainError("The date achieved is before the start date.", field="achieved_on")
    row = db.session.scalar(select(UnitProgress).where(
        UnitProgress.enrolment_id == enrolment.id, UnitProgress.item_id == unit_id))
    centres.check_learner_status(enrolment, row.status if row else UnitStatus.NOT_STARTED,
                                 status)
    row = row or UnitProgress(enrolment_id=enrolment.id, item_id=unit_id)
    row.status, row.started_on, row.evidence_note = status, started_on, evidence_note.strip()
    row.achieved_on = (achieved_on or london_today()) if status == UnitStatus.ACHIEVED else None
    db.session.add(row)
    db.session.commit()
    return row


# --- progression --------------------------------------------------------------------------


def qualifications_held(user: User, progress: list[EnrolmentProgress] | None = None
                        ) -> set[int]:
    """Qualifications the person holds, or has completed here (`progress`: that of all their
    enrolments, when the caller has it already)."""
    held = set(db.session.scalars(select(HeldQualification.item_id).where(
        HeldQualification.user_id == user.id)))
    if progress is None:
        progress = progress_of_enrolments(list_enrolments(user))
    return held | {p.enrolment.item_id for p in progress if p.complete}


def _open_to(held: set[int]):
    """The condition that an item's every pre-requirement is among `held` (ids)."""
    return ~exists().where(Prerequisite.item_id == CatalogueItem.id,
                           Prerequisite.required_id.not_in(held or {0}))


@dataclass
class Progression:
    next_steps: list[CatalogueItem]  # pre-requirements met, building on what is held
    for_role: list[CatalogueItem]
    next_level: list[CatalogueItem]
    highest_level: int | None
    areas_missing: list  # judged not covered by the record: gaps
    areas_not_judged: list  # covered by nothing in the record, and not yet judged: not gaps
    sessions: list[CpdSession]


def _current_qualifications(stmt, today: date, limit: int = 20) -> list[CatalogueItem]:
    ended = CatalogueItem.operational_end.is_not(None) & (CatalogueItem.operational_end < today)
    return list(db.session.scalars(
        stmt.where(CatalogueItem.is_qualification.is_(True),
                   CatalogueItem.status == ItemStatus.CURRENT, ~ended)
        .order_by(CatalogueItem.level, CatalogueItem.title).limit(limit)))


def progression(user: User, today: date, now: datetime,
                progress: list[EnrolmentProgress] | None = None) -> Progression:
    """`progress`: that of all the person's enrolments, when the caller has it already."""
    if progress is None:
        progress = progress_of_enrolments(list_enrolments(user))
    held = qualifications_held(user, progress)
    enrolled = {p.enrolment.item_id for p in progress}
    have = held | enrolled
    # Both lists are chosen by the database: a busy role has thousands of qualifications,
    # of which the page shows the first twenty it may take.
    leads = select(Prerequisite.item_id).where(Prerequisite.required_id.in_(held or {0}))
    next_steps = _current_qualifications(select(CatalogueItem).where(
        CatalogueItem.id.in_(leads), CatalogueItem.id.not_in(have or {0}), _open_to(held)),
        today)
    profile = get_profile(user)
    levels = [i.level for i in catalogue.items_by_ids(held) if i.level is not None]
    highest = max(levels) if levels else None
    for_role, next_level = [], []
    if profile.job_role_id:
        role_items = select(ItemRole.item_id).where(ItemRole.job_role_id == profile.job_role_id)
        for_role = _current_qualifications(select(CatalogueItem).where(
            CatalogueItem.id.in_(role_items), CatalogueItem.id.not_in(have or {0}),
            _open_to(held)), today)
        if highest is not None:
            next_level = [i for i in for_role if i.level == highest + 1]
    areas, coverage = catalogue.list_areas(), record_coverage(user, held)
    missing = [a for a in areas if coverage.state(a.number) is AreaState.NOT_COVERED]
    return Progression(next_steps, for_role, next_level, highest, areas_missing=missing,
                       areas_not_judged=[a for a in areas
                                         if coverage.state(a.number) is AreaState.NOT_JUDGED],
                       sessions=sessions_filling(user, {a.id for a in missing}, now))


def record_coverage(user: User, held: set[int] | None = None) -> Coverage:
    """What the person's record says of the six areas: what they hold or achieved (with
    everything inside it) and the CPD sessions they attended, taken together by the rule of
    catalogue.coverage. An area nothing covers is not covered only when every item judges so;
    with nothing in the record, every area is not covered. `held`: qualifications_held(user),
    when the caller has it already."""
    items = set(credit_sources(user)) | (qualifications_held(user) if held is None else held)
    attended = [entry.session.id for entry in cpd.attended_sessions(user)]
    numbers = db.session.scalars(
        select(CommonCoreArea.number).join(SessionArea, SessionArea.area_id == CommonCoreArea.id)
        .where(SessionArea.session_id.in_(attended or [0])))
    return combine([*coverage_of(items).values(), covering(numbers)])


def record_areas(user: User) -> set[int]:
    """Ids of the Common Core areas the person's record covers."""
    return ids_in_state(record_coverage(user), catalogue.list_areas(), AreaState.COVERED)


def upcoming_sessions(partnership_ids, area_ids: set[int], unit_ids, now: datetime,
                      limit: int = 20) -> list[CpdSession]:
    """Scheduled sessions still to come in these partnerships (ids, or a select of them; none
    of a suspended one) that
    cover one of the Common Core areas or deliver one of the units (ids, or a select)."""
    by_area = select(SessionArea.session_id).where(SessionArea.area_id.in_(area_ids or {0}))
    by_unit = select(SessionModule.session_id).where(SessionModule.item_id.in_(unit_ids))
    return list(db.session.scalars(
        select(CpdSession).options(selectinload(CpdSession.network))
        .join(Partnership, Partnership.id == CpdSession.partnership_id)
        .where(CpdSession.partnership_id.in_(partnership_ids), Partnership.in_use(),
               CpdSession.status == SessionStatus.SCHEDULED, CpdSession.starts_at > now,
               CpdSession.id.in_(by_area) | CpdSession.id.in_(by_unit))
        .order_by(CpdSession.starts_at).limit(limit)))


def sessions_filling(user: User, area_ids: set[int], now: datetime) -> list[CpdSession]:
    """Upcoming sessions in the person's partnerships that cover a missing Common Core area
    or deliver a unit of a qualification they are working towards."""
    partnerships = select(Membership.partnership_id).where(Membership.user_id == user.id)
    units = select(Component.child_id).join(Enrolment, Enrolment.item_id == Component.parent_id) \
        .where(Enrolment.user_id == user.id)
    return upcoming_sessions(partnerships, area_ids, units, now)
