"""What the partnership logged in a school year, for its annual review: CPD sessions held and
their reach, audits with their gaps and the actions that closed them, steering actions done,
members and member organisations by sector, and the indicators' values.

Counts of adults (bookings, attendances, members, organisations) are the partnership's own
records, which its members already see. Children's figures (an audit's reach) are published
only through services/disclosure, as on the audit's own pages: never a raw count.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workspace.extensions import db
from workspace.models import Booking, CpdSession, Organisation, Partnership
from workspace.models.audits import Audit
from workspace.models.cpd import Attendance, BookingStatus, SessionStatus
from workspace.models.governance import Indicator, IndicatorValue
from workspace.models.partnerships import LogEvent, MemberLogEntry, Membership, Role
from workspace.models.steering import Action, ActionStatus
from workspace.services import disclosure
from workspace.services.audits import gaps as audit_gaps
from workspace.services.audits import report as audit_report
from workspace.services.disclosure import Figure
from workspace.services.governance import framework
from workspace.services.governance.years import school_year, school_year_bounds


@dataclass
class Cpd:
    held: int = 0  # sessions that took place in the year (up to now)
    places: int = 0  # places taken on them (booked, not waiting or cancelled)
    attended: int = 0  # bookings the register marks attended
    people: int = 0  # distinct people who attended
    hours: Decimal = Decimal(0)  # learning hours delivered: each session's hours x attended
    by_network: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class AuditFigures:
    audit: Audit
    provision: int
    needs: int
    reach: Figure  # children reached by the provision, under disclosure control
    open_gaps: int  # needs not fully met in its gap view today


@dataclass
class IndicatorYear:
    indicator: Indicator
    value: IndicatorValue | None


@dataclass
class Figures:
    partnership: Partnership
    year: int
    start: datetime
    end: datetime  # the end of the school year, or now if sooner
    aims: list
    cpd: Cpd
    audits: list[AuditFigures]
    gap_actions_done: list[Action]
    actions_done: list[Action]
    open_actions: int
    members_by_role: list[tuple[str, int]]
    joined: int
    left: int
    sectors: list[tuple[str, int]]
    organisations: int
    indicators: list[IndicatorYear]
    complete: bool = True  # the year is over (else its figures run to now)

    @property
    def label(self) -> str:
        return school_year(self.year)

    @property
    def members(self) -> int:
        return sum(n for _, n in self.members_by_role)


def cpd_figures(partnership: Partnership, start: datetime, end: datetime) -> Cpd:
    sessions = list(db.session.scalars(
        select(CpdSession).options(selectinload(CpdSession.network))
        .where(CpdSession.partnership_id == partnership.id,
               CpdSession.status == SessionStatus.SCHEDULED,
               CpdSession.starts_at >= start, CpdSession.starts_at < end)))
    ids = [s.id for s in sessions]
    bookings = list(db.session.scalars(select(Booking).where(
        Booking.session_id.in_(ids), Booking.status == BookingStatus.BOOKED))) if ids else []
    attended = [b for b in bookings if b.attendance == Attendance.ATTENDED]
    hours = {s.id: s.learning_hours or Decimal(0) for s in sessions}
    networks = Counter(s.network.name for s in sessions)
    return Cpd(held=len(sessions), places=len(bookings), attended=len(attended),
               people=len({b.user_id for b in attended}),
               hours=sum((hours[b.session_id] for b in attended), Decimal(0)),
               by_network=sorted(networks.items(), key=lambda pair: pair[0].casefold()))


def published_reach(facts) -> Figure:
    """The audit's total reach as its report publishes it: suppressed when the total of any
    of the report's breakdowns is (secondary suppression), so that the review and the report
    together give away no cell."""
    totals = [c.total.reach for c in audit_report.coverage(facts)]
    if not totals:
        return disclosure.figure(facts.provision_entries.values(), facts.threshold)
    return next((t for t in totals if t.suppressed), totals[0])


def audit_figures(partnership: Partnership, start: datetime, end: datetime
                  ) -> list[AuditFigures]:
    """Audits whose period overlaps the year, each with its reach under disclosure control."""
    audits = db.session.scalars(select(Audit).where(
        Audit.partnership_id == partnership.id, Audit.period_start < end.date(),
        Audit.period_end >= start.date()).order_by(Audit.period_start, Audit.id))
    found = []
    for audit in audits:
        facts = audit_gaps.load_facts(partnership, audit)
        reach = published_reach(facts)
        found.append(AuditFigures(audit, len(facts.provision), len(facts.needs), reach,
                                  len(audit_gaps.gap_list(facts))))
    return found


def _actions_done(partnership: Partnership, start: datetime, end: datetime) -> list[Action]:
    return list(db.session.scalars(
        select(Action).where(Action.partnership_id == partnership.id,
                             Action.status == ActionStatus.DONE,
                             Action.completed_at >= start, Action.completed_at < end)
        .order_by(Action.completed_at, Action.id)))


def _open_actions(partnership: Partnership) -> int:
    return db.session.scalar(select(func.count(Action.id)).where(
        Action.partnership_id == partnership.id,
        Action.status.in_([ActionStatus.OPEN, ActionStatus.IN_PROGRESS])))


def members_by_role(partnership: Partnership) -> list[tuple[str, int]]:
    counts = Counter(db.session.scalars(select(Membership.role).where(
        Membership.partnership_id == partnership.id)))
    return [(role.label, counts[role]) for role in (Role.LEAD, Role.STEERING, Role.MEMBER)
            if counts[role]]


def _log_count(partnership: Partnership, events, start: datetime, end: datetime) -> int:
    return db.session.scalar(select(func.count(MemberLogEntry.id)).where(
        MemberLogEntry.partnership_id == partnership.id, MemberLogEntry.event.in_(events),
        MemberLogEntry.created_at >= start, MemberLogEntry.created_at < end))


def sectors(partnership: Partnership) -> list[tuple[str, int]]:
    """Member organisations by sector, most first."""
    counts = Counter(db.session.scalars(select(Organisation.sector).where(
        Organisation.partnership_id == partnership.id)))
    return [(sector.label, n) for sector, n in
            sorted(counts.items(), key=lambda pair: (-pair[1], pair[0].label))]


def indicator_years(partnership: Partnership, year: int) -> list[IndicatorYear]:
    label = school_year(year)
    return [IndicatorYear(i, next((v for v in i.values if v.year == label), None))
            for i in framework.list_indicators(partnership)]


def gather(partnership: Partnership, year: int, now: datetime) -> Figures:
    """The figures of the school year starting in `year`, up to `now` if it is not over."""
    start, year_end = school_year_bounds(year)
    end = min(year_end, now)
    done = _actions_done(partnership, start, end)
    by_sector = sectors(partnership)
    return Figures(
        partnership=partnership, year=year, start=start, end=end,
        aims=framework.list_aims(partnership), cpd=cpd_figures(partnership, start, end),
        audits=audit_figures(partnership, start, end),
        gap_actions_done=[a for a in done if a.audit_id is not None],
        actions_done=[a for a in done if a.audit_id is None],
        open_actions=_open_actions(partnership),
        members_by_role=members_by_role(partnership),
        joined=_log_count(partnership, [LogEvent.JOINED], start, end),
        left=_log_count(partnership, [LogEvent.LEFT, LogEvent.REMOVED], start, end),
        sectors=by_sector, organisations=sum(n for _, n in by_sector),
        indicators=indicator_years(partnership, year), complete=end == year_end)
