"""The workforce of a partnership, for its leads: who is qualified at what level, in aggregate.

Every member counts in the figures. Individual records appear only for members whose profile
says `share_with_leads`; everyone else is in the totals and nowhere else. The counts are
published through services.disclosure, alike on the page and in the CSV: a count of 1 to 4
members is shown as "<5" (so that a small partnership's figures never describe one person who
did not consent), partitions of the membership hide a second cell so that the total gives no
hidden one away, and every count over zero carries the cell key noise of members' keys.
"""

import csv
import io
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import select, union
from sqlalchemy.orm import selectinload

from workspace.extensions import db
from workspace.infra.spreadsheet import safe_cell
from workspace.models import (
    Booking,
    CatalogueItem,
    CommonCoreArea,
    Enrolment,
    HeldQualification,
    JobRole,
    Partnership,
    PractitionerProfile,
    PriorLearningClaim,
    SessionArea,
    UnitProgress,
    User,
)
from workspace.models.cpd import Attendance
from workspace.models.progress import ClaimState, UnitStatus
from workspace.services import disclosure
from workspace.services.catalogue import items as catalogue
from workspace.services.catalogue.coverage import (
    AreaState,
    Coverage,
    combine,
    coverage_of,
    covering,
    ids_in_state,
)
from workspace.services.partnerships.membership import list_members
from workspace.services.progress import tracking

NO_ROLE = "Role not given"
NO_LEVEL = "None recorded"
KEY_QUALIFICATIONS = ("L3-CCP", "CME")  # listed first, even when nobody holds them yet


MINIMUM_GROUP = disclosure.MINIMUM_THRESHOLD  # members a shown count must hold


def count_of(records: list["MemberRecord"]) -> disclosure.Figure:
    """How many these members are, as it may be published."""
    return disclosure.figure([r.entry for r in records], MINIMUM_GROUP)


def _order(figure: disclosure.Figure) -> int:
    """A sort key that reads only what is published (a hidden count sorts as 0)."""
    return 0 if figure.suppressed else figure.shown


@dataclass
class Count:
    label: str
    count: disclosure.Figure


@dataclass
class QualificationCount:
    item: CatalogueItem
    holds: disclosure.Figure
    working_towards: disclosure.Figure


@dataclass
class AreaCount:
    area: CommonCoreArea
    members: disclosure.Figure  # whose record covers the area
    not_judged: disclosure.Figure  # whose record does not cover it, not yet judged on it


@dataclass
class MemberRecord:
    """One member's record as the figures need it; `shared` says whether leads may see it."""

    user: User
    role: str
    shared: bool
    held: list[CatalogueItem]  # held outright or completed here
    working_towards: list[tracking.EnrolmentProgress]
    areas: set[int] = field(default_factory=set)  # ids of the areas the record covers
    not_judged: set[int] = field(default_factory=set)  # nothing covers, not yet judged
    coverage: Coverage = field(default_factory=Coverage)  # the record's, by the three states
    job_role: JobRole | None = None
    # whether the people linked to the person's organisation may see it (team plans)
    shared_with_organisation: bool = False

    @cached_property
    def entry(self) -> disclosure.Entry:
        """The member's part in a count (their key drawn once, whatever counts they are in)."""
        return disclosure.person(self.user.id)

    @property
    def highest_level(self) -> int | None:
        levels = [i.level for i in self.held if i.level is not None]
        return max(levels) if levels else None

    @property
    def level_label(self) -> str:
        return level_label(self.highest_level)

    @property
    def qualifications(self) -> list[CatalogueItem]:
        return [i for i in self.held if i.is_qualification]


@dataclass
class Workforce:
    total: int
    by_role: list[Count]
    by_level: list[Count]
    qualifications: list[QualificationCount]
    areas: list[AreaCount]
    consented: list[MemberRecord]

    @property
    def not_consented(self) -> int:
        return self.total - len(self.consented)


def level_label(level: int | None) -> str:
    return NO_LEVEL if level is None else f"Level {level}"


# --- gathering ------------------------------------------------------------------------------


def _by_user(rows, key="user_id") -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


def _records(users: list[User]) -> list[MemberRecord]:
    """Every member's record, with profiles, held items and enrolments loaded in bulk."""
    ids = [u.id for u in users]
    profiles = {p.user_id: p for p in db.session.scalars(
        select(PractitionerProfile).options(selectinload(PractitionerProfile.job_role))
        .where(PractitionerProfile.user_id.in_(ids)))}
    held = _by_user(db.session.scalars(select(HeldQualification).options(
        selectinload(HeldQualification.item)).where(HeldQualification.user_id.in_(ids))))
    enrolments = _by_user(db.session.scalars(
        select(Enrolment).options(selectinload(Enrolment.item))
        .where(Enrolment.user_id.in_(ids)).order_by(Enrolment.started_on, Enrolment.id)))
    progress: dict[int, list[tracking.EnrolmentProgress]] = {}
    for p in tracking.progress_of_enrolments([e for mine in enrolments.values() for e in mine]):
        progress.setdefault(p.enrolment.user_id, []).append(p)
    records = [_record(u, profiles.get(u.id), held.get(u.id, []), progress.get(u.id, []))
               for u in users]
    _add_areas(records)
    return records


def _record(user: User, profile: PractitionerProfile | None, held: list[HeldQualification],
            progress: list[tracking.EnrolmentProgress]) -> MemberRecord:
    # The same rule as tracking.qualifications_held: held outright, or completed here.
    items = {h.item_id: h.item for h in held}
    open_work = []
    for p in progress:
        if p.complete:
            items.setdefault(p.enrolment.item_id, p.enrolment.item)
        elif p.enrolment.item_id not in items:
            open_work.append(p)
    job_role = profile.job_role if profile else None
    return MemberRecord(user=user, role=job_role.name if job_role else NO_ROLE,
                        shared=bool(profile and profile.share_with_leads),
                        held=sorted(items.values(), key=lambda i: (-(i.level or 0), i.title)),
                        working_towards=open_work, job_role=job_role,
                        shared_with_organisation=bool(
                            profile and profile.share_with_organisation))


def _add_areas(records: list[MemberRecord]) -> None:
    """Each record's Common Core coverage, by the rule of tracking.record_coverage (what the
    person holds or achieved, with everything inside it, and CPD attended) in a few queries
    for all."""
    by_id = {r.user.id: r for r in records}
    credited = union(
        select(HeldQualification.user_id, HeldQualification.item_id)
        .where(HeldQualification.user_id.in_(list(by_id))),
        select(Enrolment.user_id, UnitProgress.item_id)
        .join(Enrolment, Enrolment.id == UnitProgress.enrolment_id)
        .where(Enrolment.user_id.in_(list(by_id)), UnitProgress.status == UnitStatus.ACHIEVED),
        select(PriorLearningClaim.user_id, PriorLearningClaim.item_id)
        .where(PriorLearningClaim.user_id.in_(list(by_id)),
               PriorLearningClaim.state == ClaimState.VERIFIED)).subquery()
    items = {(r.user.id, i.id) for r in records for i in r.held}  # completed here, too
    items |= {(user_id, item_id) for user_id, item_id in db.session.execute(
        select(credited.c.user_id, credited.c.item_id))}
    coverages = coverage_of(item_id for _, item_id in items)
    parts: dict[int, list[Coverage]] = {}
    for user_id, item_id in items:
        parts.setdefault(user_id, []).append(coverages[item_id])
    for user_id, number in db.session.execute(
            select(Booking.user_id, CommonCoreArea.number)
            .join(SessionArea, SessionArea.session_id == Booking.session_id)
            .join(CommonCoreArea, CommonCoreArea.id == SessionArea.area_id)
            .where(Booking.user_id.in_(list(by_id)), Booking.attendance == Attendance.ATTENDED)):
        parts.setdefault(user_id, []).append(covering([number]))
    areas = catalogue.list_areas()
    for record in records:
        coverage = record.coverage = combine(parts.get(record.user.id, []))
        record.areas = ids_in_state(coverage, areas, AreaState.COVERED)
        record.not_judged = ids_in_state(coverage, areas, AreaState.NOT_JUDGED)


# --- counting -------------------------------------------------------------------------------


def _partition(groups: dict, label) -> list[Count]:
    """Counts that add up to all members: secondary suppression applies across them."""
    keys = list(groups)
    figures = disclosure.partition([count_of(groups[k]) for k in keys], MINIMUM_GROUP)
    return [Count(label(k), f) for k, f in zip(keys, figures, strict=True)]


def _role_counts(records: list[MemberRecord]) -> list[Count]:
    groups: dict[str, list[MemberRecord]] = {}
    for r in records:
        groups.setdefault(r.role, []).append(r)
    counts = _partition(groups, lambda role: role)
    return sorted(counts, key=lambda c: (c.label == NO_ROLE, -_order(c.count),
                                         c.label.lower()))


def _level_counts(records: list[MemberRecord]) -> list[Count]:
    groups: dict[int | None, list[MemberRecord]] = {}
    for r in records:
        groups.setdefault(r.highest_level, []).append(r)
    order = sorted(groups, key=lambda level: (level is None, -(level or 0)))
    return _partition({level: groups[level] for level in order}, level_label)


def _qualification_counts(records: list[MemberRecord]) -> list[QualificationCount]:
    holding: dict[int, list[MemberRecord]] = {}
    working: dict[int, list[MemberRecord]] = {}
    items: dict[int, CatalogueItem] = {}
    for record in records:
        for item in record.qualifications:
            items[item.id] = item
            holding.setdefault(item.id, []).append(record)
        for p in record.working_towards:
            items[p.enrolment.item_id] = p.enrolment.item
            working.setdefault(p.enrolment.item_id, []).append(record)

    def row(item: CatalogueItem) -> QualificationCount:
        return QualificationCount(item, count_of(holding.get(item.id, [])),
                                  count_of(working.get(item.id, [])))

    key = [row(item) for item in filter(None, map(catalogue.find_item, KEY_QUALIFICATIONS))]
    known = {r.item.id for r in key}
    rest = sorted((row(i) for i in items.values() if i.id not in known),
                  key=lambda r: (-(_order(r.holds) + _order(r.working_towards)),
                                 r.item.title.lower()))
    return key + rest


def _area_counts(records: list[MemberRecord]) -> list[AreaCount]:
    return [AreaCount(area, count_of([r for r in records if area.id in r.areas]),
                      count_of([r for r in records if area.id in r.not_judged]))
            for area in catalogue.list_areas()]


def member_records(partnership: Partnership) -> list[MemberRecord]:
    """Every member's record (held items, Common Core areas), for counts elsewhere (audits)."""
    return _records([m.user for m in list_members(partnership)])


def records_of(users: list[User]) -> list[MemberRecord]:
    """These people's records, gathered as for the workforce (team development plans)."""
    return _records(users)


def workforce(partnership: Partnership) -> Workforce:
    records = _records([m.user for m in list_members(partnership)])
    return Workforce(total=len(records), by_role=_role_counts(records),
                     by_level=_level_counts(records),
                     qualifications=_qualification_counts(records),
                     areas=_area_counts(records),
                     consented=sorted((r for r in records if r.shared),
                                      key=lambda r: (r.user.name.casefold(), r.user.id)))


# --- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = ["Section", "Label", "Count", "Role", "Highest level", "Holds",
               "Working towards"]
def _progress_text(p: tracking.EnrolmentProgress) -> str:
    units = f"{p.mandatory_achieved} of {len(p.mandatory)} mandatory units"
    return f"{p.enrolment.item.title} ({units})"


def _aggregate_rows(figures: Workforce) -> list[list]:
    rows = [["Members", "All members", figures.total],
            ["Members", "Sharing their record with leads", len(figures.consented)],
            ["Members", "Not sharing their record", figures.not_consented]]
    rows += [["Members by role", c.label, str(c.count)] for c in figures.by_role]
    rows += [["Members by highest level held", c.label, str(c.count)]
             for c in figures.by_level]
    rows += [["Holds qualification", q.item.title, str(q.holds)]
             for q in figures.qualifications]
    rows += [["Working towards qualification", q.item.title, str(q.working_towards)]
             for q in figures.qualifications]
    rows += [["Common Core coverage", f"{a.area.number}. {a.area.title}", str(a.members)]
             for a in figures.areas]
    return rows


def _member_row(record: MemberRecord) -> list:
    return ["Member (shared with leads)", record.user.name, "", record.role,
            record.level_label,
            "; ".join(i.title for i in record.qualifications),
            "; ".join(map(_progress_text, record.working_towards))]


def workforce_csv(partnership: Partnership) -> str:
    """The figures as CSV, one row per (section, label, count), then one row per member who
    shares their record with leads. Every member is in the counts; filter on Section."""
    figures = workforce(partnership)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in _aggregate_rows(figures) + [_member_row(r) for r in figures.consented]:
        writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in row])
    return out.getvalue()
