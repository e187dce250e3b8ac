"""A team development plan (seed 001: Chris, the head of an extended school, plans how her
teaching assistants can work in after-school provision). For one member organisation of a
partnership: who in its team holds what, the roles the team has and what it lacks against
them, and which units and upcoming CPD sessions of the partnership would fill that; and, for a
role some of the team are moving to, what each person, or the team in aggregate, would need.

- The team: the partnership's members linked to the organisation (its representatives).
- Who sees the plan (`permissions.may_see_team`): the partnership's leads and the
  organisation's own people.
- Names (`permissions.may_see_team_member`): everyone counts in the figures; a person is
  named only to a viewer they consented to: to leads when they share their record with
  leads (the workforce's rule), to the people of their organisation when they share it with
  their organisation; and to themselves.
- What a role calls for: the qualifications attached to it, key ones first (key for the role or
  for the whole catalogue, `analysis.KEY_FOR_ROLE`), and the Common Core areas they cover, as
  the role comparison reads them (`roles.compare_roles`). Someone holding a withdrawn one still
  holds it; a move to the role is offered only those still open to new learners.
- A gap: an area the team's roles call for that the team's records, taken together by the
  three-state rule (`coverage.combine` over each person's record), are judged not to cover.
  Not yet judged is never a gap: the plan counts it apart.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from workspace.clock import london_today
from workspace.exceptions import Forbidden
from workspace.extensions import db
from workspace.models import (
    Basis,
    CatalogueItem,
    CommonCoreArea,
    CpdSession,
    JobRole,
    Membership,
    Organisation,
    Partnership,
    Representative,
    SessionArea,
    SessionModule,
    User,
)
from workspace.models.catalogue import ItemStatus
from workspace.services import permissions
from workspace.services.catalogue import items as catalogue
from workspace.services.catalogue import roles as catalogue_roles
from workspace.services.catalogue.coverage import AreaState, Coverage, combine, coverage_of
from workspace.services.partnerships.membership import get_owned
from workspace.services.progress import tracking, workforce
from workspace.services.progress.workforce import MemberRecord


def get_team_organisation(partnership: Partnership, organisation_id: int,
                          viewer: Membership) -> Organisation:
    """The organisation whose plan the viewer asks for: NotFound outside the partnership,
    Forbidden for a member who is neither a lead nor one of its people."""
    organisation = get_owned(Organisation, partnership, organisation_id)
    if not permissions.may_see_team(viewer, organisation):
        raise Forbidden()
    return organisation


# --- the plan's parts -----------------------------------------------------------------------


@dataclass
class TeamMember:
    record: MemberRecord
    named: bool  # permissions.may_see_team_member for the viewer

    @property
    def held_ids(self) -> set[int]:
        return {i.id for i in self.record.held}

    @property
    def working_ids(self) -> set[int]:
        return {p.enrolment.item_id for p in self.record.working_towards}


@dataclass
class SessionOffer:
    """An upcoming session of the partnership, with what it delivers of what is wanted."""

    session: CpdSession
    units: list[CatalogueItem] = field(default_factory=list)
    areas: list[CommonCoreArea] = field(default_factory=list)


@dataclass
class UnitOption:
    unit: CatalogueItem
    within: CatalogueItem  # the qualification it is a unit of


@dataclass
class RoleQualification:
    """A qualification a role calls for, and how many of the team hold or work towards it."""

    item: CatalogueItem
    basis: Basis
    is_key: bool
    coverage: Coverage
    holds: int = 0
    working_towards: int = 0

    @property
    def reason(self) -> str:
        return "named by a source" if self.basis is Basis.SOURCE else "editors' suggestion"


@dataclass
class RolePlan:
    role: JobRole
    people: list[TeamMember]
    qualifications: list[RoleQualification]
    units: list[UnitOption] = field(default_factory=list)  # of its qualifications
    sessions: list[SessionOffer] = field(default_factory=list)

    @property
    def coverage(self) -> Coverage:
        """Over its qualifications; with none, nothing is judged (as on the role comparison)."""
        if not self.qualifications:
            return Coverage(covered=0, judged=0)
        return combine(q.coverage for q in self.qualifications)

    @property
    def item_ids(self) -> set[int]:
        return {q.item.id for q in self.qualifications}

    @property
    def holding(self) -> list[TeamMember]:
        return [m for m in self.people if m.held_ids & self.item_ids]

    @property
    def working(self) -> list[TeamMember]:
        return [m for m in self.people
                if not m.held_ids & self.item_ids and m.working_ids & self.item_ids]

    @property
    def lacking(self) -> list[TeamMember]:
        """Hold none of the qualifications the role calls for, and work towards none."""
        return [m for m in self.people if not (m.held_ids | m.working_ids) & self.item_ids]


@dataclass
class AreaPlan:
    area: CommonCoreArea
    called_by: list[JobRole]  # the team's roles whose qualifications cover it
    covering: int  # people whose record covers it
    not_judged: int  # people whose record does not cover it and is not yet judged on it
    team: AreaState  # the team's records taken together
    units: list[UnitOption] = field(default_factory=list)  # for a gap: units that cover it
    sessions: list[SessionOffer] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        return bool(self.called_by) and self.team is AreaState.NOT_COVERED

    @property
    def unjudged(self) -> bool:
        return bool(self.called_by) and self.team is AreaState.NOT_JUDGED


@dataclass
class TeamPlan:
    organisation: Organisation
    members: list[TeamMember]  # the whole team
    counted: list[TeamMember]  # the people in the figures (`counted_members`)
    roles: list[RolePlan]
    areas: list[AreaPlan]

    @property
    def named(self) -> list[TeamMember]:
        return [m for m in self.members if m.named]

    @property
    def hidden(self) -> int:
        """People in the figures but not named to the viewer."""
        return len(self.counted) - len(self.named)

    @property
    def left_out(self) -> int:
        """People neither named nor counted: too few not to be described by the figures."""
        return len(self.members) - len(self.counted)

    @property
    def without_role(self) -> int:
        return sum(m.record.job_role is None for m in self.counted)

    @property
    def gaps(self) -> list[AreaPlan]:
        return [a for a in self.areas if a.gap]

    @property
    def not_judged(self) -> list[AreaPlan]:
        return [a for a in self.areas if a.unjudged]


# --- gathering ------------------------------------------------------------------------------


def _team_users(organisation: Organisation) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .join(Representative, Representative.membership_id == Membership.id)
        .where(Representative.organisation_id == organisation.id)
        .order_by(User.name, User.id)))


def _members(organisation: Organisation, viewer: Membership) -> list[TeamMember]:
    records = workforce.records_of(_team_users(organisation))
    return [TeamMember(r, permissions.may_see_team_member(viewer, organisation, r))
            for r in records]


def counted_members(members: list[TeamMember]) -> list[TeamMember]:
    """The people whose records the figures count: everyone named to the viewer, and those
    not named only when there are at least `workforce.MINIMUM_GROUP` of them. Fewer would be
    described by the figures (the team holds 1 and the named hold none: the one not named
    holds it), the rule the workforce page keeps with its minimum group."""
    unnamed = [m for m in members if not m.named]
    if len(unnamed) >= workforce.MINIMUM_GROUP:
        return members
    return [m for m in members if m.named]


def _count(members: list[TeamMember], line: RoleQualification) -> RoleQualification:
    line.holds = sum(line.item.id in m.held_ids for m in members)
    line.working_towards = sum(line.item.id in m.working_ids and line.item.id not in m.held_ids
                               for m in members)
    return line


def _side(role: JobRole, areas: list[CommonCoreArea]) -> catalogue_roles.RoleSide:
    """What the role calls for, as the role comparison reads it (the role beside itself)."""
    return catalogue_roles.compare_roles(role, role, areas).first


def _qualifications(roles: list[JobRole], members: list[TeamMember]
                    ) -> dict[int, list[RoleQualification]]:
    """Each role's qualifications, key first, then by level and title, with the team's counts."""
    areas = catalogue.list_areas()
    sides = {role.id: _side(role, areas) for role in roles}
    coverage = coverage_of(c.item.id for side in sides.values() for c in side.called)
    return {role_id: [_count(members, RoleQualification(c.item, c.basis, c.is_key,
                                                        coverage[c.item.id]))
                      for c in side.called]
            for role_id, side in sides.items()}


def _role_plans(members: list[TeamMember]) -> list[RolePlan]:
    by_role: dict[int, list[TeamMember]] = {}
    for member in members:
        if member.record.job_role is not None:
            by_role.setdefault(member.record.job_role.id, []).append(member)
    called = _qualifications([people[0].record.job_role for people in by_role.values()],
                             members)
    plans = [RolePlan(people[0].record.job_role, people, called[role_id])
             for role_id, people in by_role.items()]
    return sorted(plans, key=lambda p: (-len(p.people), p.role.name.lower()))


def _area_plans(members: list[TeamMember], roles: list[RolePlan]) -> list[AreaPlan]:
    team = combine(m.record.coverage for m in members)
    return [AreaPlan(area, [r.role for r in roles
                            if r.coverage.state(area.number) is AreaState.COVERED],
                     covering=sum(area.id in m.record.areas for m in members),
                     not_judged=sum(area.id in m.record.not_judged for m in members),
                     team=team.state(area.number))
            for area in catalogue.list_areas()]


def _options(qualifications: list[CatalogueItem], units: dict[int, list]) -> list[UnitOption]:
    """The units of these qualifications, each once, under the first that has it."""
    options, seen = [], set()
    for qualification in qualifications:
        for component in units.get(qualification.id, []):
            if component.child_id not in seen:
                seen.add(component.child_id)
                options.append(UnitOption(component.child, qualification))
    return options


def _covering(options: list[UnitOption], number: int,
              coverage: dict[int, Coverage]) -> list[UnitOption]:
    """The units among `options` that cover area `number` (with everything inside them)."""
    return [o for o in options if coverage[o.unit.id].state(number) is AreaState.COVERED]


def _offers(partnership_id: int, unit_ids: set[int], area_ids: set[int],
           now: datetime) -> list[SessionOffer]:
    """Upcoming sessions of the partnership that deliver one of the units or cover one of the
    areas, with what each delivers of them."""
    sessions = tracking.upcoming_sessions([partnership_id], area_ids, unit_ids or {0}, now)
    ids = [s.id for s in sessions] or [0]
    delivered: dict[int, set[int]] = {}
    for session_id, item_id in db.session.execute(
            select(SessionModule.session_id, SessionModule.item_id)
            .where(SessionModule.session_id.in_(ids), SessionModule.item_id.in_(unit_ids or {0}))):
        delivered.setdefault(session_id, set()).add(item_id)
    covered: dict[int, set[int]] = {}
    for session_id, area_id in db.session.execute(
            select(SessionArea.session_id, SessionArea.area_id)
            .where(SessionArea.session_id.in_(ids), SessionArea.area_id.in_(area_ids or {0}))):
        covered.setdefault(session_id, set()).add(area_id)
    units = {i.id: i for i in catalogue.items_by_ids(set().union(*delivered.values()) or {0})}
    areas = catalogue.list_areas()
    return [SessionOffer(s, sorted((units[i] for i in delivered.get(s.id, ())),
                                   key=lambda u: u.title.lower()),
                         [a for a in areas if a.id in covered.get(s.id, ())])
            for s in sessions]


def _for(found: list[SessionOffer], unit_ids: set[int], area_ids: set[int]
         ) -> list[SessionOffer]:
    """The offers that deliver one of these units or cover one of these areas."""
    return [o for o in found if {u.id for u in o.units} & unit_ids
            or {a.id for a in o.areas} & area_ids]


def _add_fillers(partnership_id: int, roles: list[RolePlan], areas: list[AreaPlan],
                 now: datetime) -> None:
    """Each role's units and the upcoming sessions that deliver one of its qualifications or
    their units; for each gap, the units of the roles calling for it that cover it, and the
    sessions that deliver one of them or cover the area."""
    units = catalogue.parts_of(list({q.item.id for r in roles for q in r.qualifications}))
    for role in roles:
        role.units = _options([q.item for q in role.qualifications], units)
    coverage = coverage_of(o.unit.id for r in roles for o in r.units)
    gaps = [a for a in areas if a.gap]
    for area in gaps:
        found = {o.unit.id: o for r in roles if r.role in area.called_by
                 for o in _covering(r.units, area.area.number, coverage)}
        area.units = sorted(found.values(), key=lambda o: o.unit.title.lower())
    wanted = {r.role.id: r.item_ids | {o.unit.id for o in r.units} for r in roles}
    found = _offers(partnership_id, set().union(*wanted.values()),
                   {a.area.id for a in gaps}, now)
    for role in roles:
        role.sessions = _for(found, wanted[role.role.id], set())
    for area in gaps:
        area.sessions = _for(found, {o.unit.id for o in area.units}, {area.area.id})


def team_plan(organisation: Organisation, viewer: Membership, now: datetime) -> TeamPlan:
    members = _members(organisation, viewer)
    counted = counted_members(members)
    roles = _role_plans(counted)
    areas = _area_plans(counted, roles)
    _add_fillers(organisation.partnership_id, roles, areas, now)
    return TeamPlan(organisation, members, counted, roles, areas)


# --- moving to another role -----------------------------------------------------------------


@dataclass
class PersonMove:
    member: TeamMember
    holds: list[CatalogueItem]  # of the qualifications the target role calls for
    working_towards: list[CatalogueItem]
    missing: list[CommonCoreArea]  # the target calls for; the record is judged not to cover
    not_judged: list[CommonCoreArea]  # the target calls for; the record is not yet judged on

    @property
    def needs_qualification(self) -> bool:
        return not self.holds and not self.working_towards


@dataclass
class AreaNeed:
    area: CommonCoreArea
    missing: int  # people whose record is judged not to cover it
    not_judged: int


@dataclass
class TeamMove:
    comparison: catalogue_roles.Comparison  # the group's role (or the target) -> the target
    everyone: bool  # the whole team, whatever their roles; else those in comparison.first
    people: list[PersonMove]
    options: list[catalogue_roles.Called]  # the target's qualifications open to new learners
    areas: list[AreaNeed]  # the areas the target calls for
    units: list[UnitOption]  # units of the options that cover an area someone lacks
    sessions: list[SessionOffer]

    @property
    def source(self) -> JobRole | None:
        return None if self.everyone else self.comparison.first.role

    @property
    def target(self) -> JobRole:
        return self.comparison.second.role

    @property
    def named(self) -> list[PersonMove]:
        return [p for p in self.people if p.member.named]

    @property
    def hidden(self) -> int:
        return len(self.people) - len(self.named)

    @property
    def holding(self) -> int:
        return sum(bool(p.holds) for p in self.people)

    @property
    def working(self) -> int:
        return sum(bool(not p.holds and p.working_towards) for p in self.people)

    @property
    def needing(self) -> int:
        return sum(p.needs_qualification for p in self.people)

    @property
    def also_called(self) -> set[int]:
        """Ids of the options the group's own role calls for too."""
        return set() if self.everyone else {i.id for i in self.comparison.both}


def _person_move(member: TeamMember, called: set[int], areas: list[CommonCoreArea]
                 ) -> PersonMove:
    record = member.record
    state = record.coverage.state
    return PersonMove(
        member, holds=[i for i in record.held if i.id in called],
        working_towards=[p.enrolment.item for p in record.working_towards
                         if p.enrolment.item_id in called],
        missing=[a for a in areas if state(a.number) is AreaState.NOT_COVERED],
        not_judged=[a for a in areas if state(a.number) is AreaState.NOT_JUDGED])


def team_move(plan: TeamPlan, source: JobRole | None, target: JobRole,
              now: datetime) -> TeamMove:
    """What the team's people in `source` (everyone, when None) would need to work as
    `target`: the qualifications it calls for and the Common Core areas those cover."""
    all_areas = catalogue.list_areas()
    comparison = catalogue_roles.compare_roles(source or target, target, all_areas)
    side = comparison.second
    wanted = [a for a in all_areas if side.coverage.state(a.number) is AreaState.COVERED]
    group = [m for m in plan.counted
             if source is None or (m.record.job_role and m.record.job_role.id == source.id)]
    called = {c.item.id for c in side.called}
    people = [_person_move(m, called, wanted) for m in group]
    today = london_today(now)
    options = [c for c in side.called if c.item.effective_status(today) is ItemStatus.CURRENT]
    lacking = {a.number for p in people for a in p.missing}
    unit_options = _options([c.item for c in options],
                            catalogue.parts_of([c.item.id for c in options]))
    coverage = coverage_of(o.unit.id for o in unit_options)
    units = [o for o in unit_options
             if any(coverage[o.unit.id].state(n) is AreaState.COVERED for n in lacking)]
    found = _offers(plan.organisation.partnership_id,
                   {c.item.id for c in options} | {o.unit.id for o in unit_options},
                   {a.id for a in wanted if a.number in lacking}, now)
    return TeamMove(comparison, source is None, people, options,
                    [AreaNeed(a, sum(a in p.missing for p in people),
                              sum(a in p.not_judged for p in people)) for a in wanted],
                    units, found)
