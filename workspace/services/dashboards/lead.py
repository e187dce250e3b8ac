"""A lead's card for one partnership: members and sectors, sessions to come and their fill,
waiting lists, actions, the latest audit's gaps, supply-cover claims to decide, unread chat,
and the workforce by level and role (counts of people through services.disclosure, as the
workforce page publishes them)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from workspace.extensions import db
from workspace.infra.charts import Bar, Chart, Segment
from workspace.models import Audit, Membership, Organisation, Partnership
from workspace.models.cpd import SessionStatus
from workspace.services.audits import gaps, records
from workspace.services.chat import messages
from workspace.services.cpd import sessions, supply
from workspace.services.disclosure import Figure
from workspace.services.progress import workforce
from workspace.services.steering import actions

SESSIONS_SHOWN = 5
GAPS_SHOWN = 3


@dataclass
class GapSummary:
    audit: Audit
    count: int  # unmet and partly met needs at full detail
    worst: list[tuple[str, str]]  # (where, state) of the worst few


@dataclass
class LeadCard:
    partnership: Partnership
    members: int
    sectors: list[tuple[str, int]]  # organisations by sector, most first
    sessions: list[sessions.SessionRow]  # the next few scheduled
    waiting: int  # people waiting for a place on sessions to come
    open_actions: int
    overdue: list  # open actions past their due date, soonest due first
    gaps: GapSummary | None
    claims_to_decide: int
    unread: int
    fill: Chart
    by_level: Chart
    by_role: Chart
    coverage: Chart


def _sectors(partnership: Partnership) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(Organisation.sector, func.count(Organisation.id))
        .where(Organisation.partnership_id == partnership.id).group_by(Organisation.sector))
    return sorted(((sector.label, n) for sector, n in rows), key=lambda r: (-r[1], r[0]))


def _gap_summary(partnership: Partnership) -> GapSummary | None:
    audits = records.list_audits(partnership)
    if not audits:
        return None
    facts = gaps.load_facts(partnership, audits[0])
    found = gaps.gap_list(facts)
    return GapSummary(audits[0], len(found), [(gaps.describe(facts, c.coords), c.state_label)
                                              for c in found[:GAPS_SHOWN]])


def _unread(partnership: Partnership, membership: Membership) -> int:
    channels = messages.readable_channels(partnership, membership)
    return sum(messages.unread_counts(channels, membership.user).values())


def _session_label(row: sessions.SessionRow) -> str:
    """Day first, and the waiting list before the title, so that a cut label keeps both."""
    waiting = f"{row.waiting} waiting · " if row.waiting else ""
    return f"{supply.local_day(row.session):%-d %b} · {waiting}{row.session.title}"


def fill_chart(partnership: Partnership, rows: list[sessions.SessionRow]) -> Chart:
    bars = tuple(Bar(_session_label(r), (Segment(r.booked, str(r.booked)),),
                     scale=r.session.capacity, note=f"{r.booked} of {r.session.capacity}",
                     href=sessions.session_path(r.session)) for r in rows)
    return Chart(f"fill-{partnership.id}", "Places booked on the next sessions",
                 ("Places booked",), bars,
                 summary="Each bar is the session's capacity; the filled part is booked.")


def _count_bar(label: str, count: Figure) -> Bar:
    """A count of people as disclosure publishes it: a suppressed one is printed, not drawn."""
    return Bar(label, (Segment(0 if count.suppressed else count.shown, str(count)),))


def _count_bars(counts: list[workforce.Count]) -> tuple[Bar, ...]:
    return tuple(_count_bar(c.label, c.count) for c in counts)


def coverage_chart(partnership: Partnership, figures: workforce.Workforce) -> Chart:
    return Chart(f"coverage-{partnership.id}", "Members whose record covers each Common Core "
                 "area", ("Members",), tuple(_count_bar(f"{a.area.number}. {a.area.title}",
                                                        a.members) for a in figures.areas))


def workforce_charts(partnership: Partnership,
                     figures: workforce.Workforce) -> tuple[Chart, Chart]:
    note = (f"{figures.total} members. Counts under {workforce.MINIMUM_GROUP} show as "
            f"\u201c<{workforce.MINIMUM_GROUP}\u201d and are not drawn; the others carry a "
            "small adjustment that protects individuals.")
    return (Chart(f"levels-{partnership.id}", "Members by highest qualification level",
                  ("Members",), _count_bars(figures.by_level), summary=note),
            Chart(f"roles-{partnership.id}", "Members by job role", ("Members",),
                  _count_bars(figures.by_role)))


def lead_card(membership: Membership, now: datetime, today: date) -> LeadCard:
    partnership = membership.partnership
    upcoming = [r for r in sessions.list_sessions(partnership, since=now)
                if r.session.status == SessionStatus.SCHEDULED]
    open_actions = actions.list_actions(partnership, open_only=True)
    figures = workforce.workforce(partnership)
    by_level, by_role = workforce_charts(partnership, figures)
    shown = upcoming[:SESSIONS_SHOWN]
    return LeadCard(
        partnership=partnership, members=figures.total,
        sectors=_sectors(partnership), sessions=shown,
        waiting=sum(r.waiting for r in upcoming), open_actions=len(open_actions),
        overdue=[a for a in open_actions if actions.is_overdue(a, today)],
        gaps=_gap_summary(partnership), claims_to_decide=supply.pending_count(partnership),
        unread=_unread(partnership, membership), fill=fill_chart(partnership, shown),
        by_level=by_level, by_role=by_role, coverage=coverage_chart(partnership, figures))
