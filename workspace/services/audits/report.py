"""The audit report: a printable summary drafted from what the partnership logged (coverage,
gaps, actions, CPD delivered in the audit period and the schools engaged)."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workspace.clock import LONDON
from workspace.extensions import db
from workspace.models import CpdSession, Organisation, Partnership
from workspace.models.audits import AgePhase, ArtForm, Audit
from workspace.models.cpd import Attendance, Booking, SessionStatus
from workspace.models.partnerships import Membership, Representative, Sector
from workspace.models.steering import Action
from workspace.services import disclosure
from workspace.services.audits import gaps as audit_gaps
from workspace.services.audits import records
from workspace.services.audits.gaps import Facts
from workspace.services.disclosure import Figure, figure


@dataclass
class CoverageRow:
    label: str
    provision: int
    reach: Figure


@dataclass
class Coverage:
    title: str
    rows: list[CoverageRow]
    total: CoverageRow


@dataclass
class SessionRow:
    session: CpdSession
    attended: int

    @property
    def hours_delivered(self) -> Decimal:
        return (self.session.learning_hours or Decimal(0)) * self.attended


@dataclass
class School:
    organisation: Organisation
    reasons: list[str] = field(default_factory=list)


@dataclass
class Report:
    audit: Audit
    facts: Facts
    needs: int
    coverage: list[Coverage]
    gaps: list[audit_gaps.Cell]
    actions: list[Action]
    sessions: list[SessionRow]
    schools: list[School]

    @property
    def attendances(self) -> int:
        return sum(s.attended for s in self.sessions)

    @property
    def hours_delivered(self) -> Decimal:
        return sum((s.hours_delivered for s in self.sessions), Decimal(0))


def _coverage(facts: Facts, title: str, dim: str, values) -> Coverage:
    t = facts.threshold
    by_key = audit_gaps.tally_by(facts, (dim,), {}, needs=False)
    rows = [CoverageRow(label, found.provision,
                        disclosure.figure_of_sums(found.reach_raw, found.reach_keys, t))
            for key, label in values if (found := by_key.get((key,))) and found.provision]
    reach = [facts.provision_entries[p.id] for p in facts.provision]
    total = CoverageRow("All provision", len(facts.provision),
                        figure(reach, t, [r.reach for r in rows]))
    return Coverage(title, rows, total)


def coverage(facts: Facts) -> list[Coverage]:
    wards = [(v.key, v.label) for v in facts.values["ward"]]
    return [_coverage(facts, "By age phase", "phase", [(p.value, p.label) for p in AgePhase]),
            _coverage(facts, "By art form", "art_form",
                      [(a.value, a.label) for a in ArtForm]),
            _coverage(facts, "By ward", "ward", wards)]


def period_bounds(audit: Audit) -> tuple[datetime, datetime]:
    """The audit period as UTC moments: from the first day's start to the last day's end."""
    start = datetime.combine(audit.period_start, time(0), LONDON)
    end = datetime.combine(audit.period_end + timedelta(days=1), time(0), LONDON)
    return start, end


def list_actions(audit: Audit) -> list[Action]:
    return list(db.session.scalars(
        select(Action).options(selectinload(Action.owner))
        .where(Action.partnership_id == audit.partnership_id, Action.audit_id == audit.id)
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)))


def cpd_sessions(audit: Audit, now: datetime) -> list[SessionRow]:
    """The partnership's sessions held in the audit period (so far), with how many attended."""
    start, end = period_bounds(audit)
    end = min(end, now)
    attended = (select(Booking.session_id, func.count(Booking.id).label("n"))
                .where(Booking.attendance == Attendance.ATTENDED)
                .group_by(Booking.session_id).subquery())
    rows = db.session.execute(
        select(CpdSession, func.coalesce(attended.c.n, 0))
        .outerjoin(attended, attended.c.session_id == CpdSession.id)
        .options(selectinload(CpdSession.network))
        .where(CpdSession.partnership_id == audit.partnership_id,
               CpdSession.status == SessionStatus.SCHEDULED,
               CpdSession.starts_at >= start, CpdSession.starts_at < end)
        .order_by(CpdSession.starts_at))
    return [SessionRow(session, count) for session, count in rows]


def schools_engaged(partnership: Partnership, audit: Audit, facts: Facts) -> list[School]:
    """Schools of the partnership that provide, stated needs (by name), or whose people
    attended CPD in the period. A need that concerns only a vulnerable group names nobody:
    its school is not listed for it."""
    schools = list(db.session.scalars(select(Organisation).where(
        Organisation.partnership_id == partnership.id, Organisation.sector == Sector.SCHOOL)
        .order_by(Organisation.name)))
    providers = {p.organisation_id for p in facts.provision}
    respondents = {records.place_key(n.respondent_organisation) for n in facts.needs
                   if not records.is_vulnerable_need(n)}
    start, end = period_bounds(audit)
    attending = set(db.session.scalars(
        select(Representative.organisation_id)
        .join(Membership, Membership.id == Representative.membership_id)
        .join(Booking, Booking.user_id == Membership.user_id)
        .join(CpdSession, CpdSession.id == Booking.session_id)
        .where(Representative.partnership_id == partnership.id,
               CpdSession.partnership_id == partnership.id,
               Booking.attendance == Attendance.ATTENDED,
               CpdSession.starts_at >= start, CpdSession.starts_at < end)))
    engaged = []
    for school in schools:
        found = School(school)
        if school.id in providers:
            found.reasons.append("provides activities")
        if records.place_key(school.name) in respondents:
            found.reasons.append("stated needs")
        if school.id in attending:
            found.reasons.append("attended CPD")
        if found.reasons:
            engaged.append(found)
    return engaged


def audit_report(partnership: Partnership, audit: Audit, now: datetime,
                 gap_limit: int = 25) -> Report:
    facts = audit_gaps.load_facts(partnership, audit)
    return Report(audit=audit, facts=facts, needs=len(facts.needs), coverage=coverage(facts),
                  gaps=audit_gaps.gap_list(facts, gap_limit), actions=list_actions(audit),
                  sessions=cpd_sessions(audit, now),
                  schools=schools_engaged(partnership, audit, facts))
