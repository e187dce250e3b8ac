"""The demo's CPD: networks with a year of sessions on school days around today. Past
sessions had sign-ups weeks ahead and a register taken at their end; the next session of
each network is full, with a waiting list; attendees claim supply cover."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from workspace.clock import utcnow
from workspace.models.cpd import Attendance, ClaimKind, CpdSession, Network, SessionAudience
from workspace.services.cpd import sessions, supply
from workspace.services.demo import terms
from workspace.services.demo.data import NetworkPlan


@dataclass
class NetworkStory:
    """What the loader made for one network, for the chat and the tests to tell."""

    network: Network
    past: list[CpdSession] = field(default_factory=list)
    upcoming: list[CpdSession] = field(default_factory=list)

    @property
    def full(self) -> CpdSession | None:
        return self.upcoming[0] if self.upcoming else None


def load_network(partnership, lead, plan: NetworkPlan, people: dict, today: date, *,
                 provider_id: int | None = None, open_to: int | None = None) -> NetworkStory:
    """The network and its sessions; with `open_to` (a network of partnerships), its next
    session is opened to that network's partners too."""
    network = sessions.create_network(partnership, name=plan.name, coordinator=lead,
                                      description=plan.description)
    story = NetworkStory(network)
    days = [d for d in terms.spread_days(today, plan.weekday, every_weeks=plan.every_weeks,
                                         before_weeks=26, after_weeks=26) if d != today]
    teachers = [people[email] for email in plan.teachers]
    for n, day in enumerate(days):
        upcoming = day > today
        following = upcoming and not story.upcoming
        capacity = plan.full_capacity if following else plan.capacity
        audience = SessionAudience.NETWORK if following and open_to else \
            SessionAudience.PARTNERSHIP
        cpd_session = sessions.schedule_session(partnership, network, sessions.SessionFields(
            title=f"{plan.kind}: {plan.topics[n % len(plan.topics)]}", day=day,
            start=plan.start, end=plan.end, capacity=capacity, venue=plan.venue,
            focus=plan.topics[n % len(plan.topics)], provider_organisation_id=provider_id,
            learning_hours=plan.hours, audience=audience,
            audience_network_id=open_to if audience == SessionAudience.NETWORK else None))
        if upcoming:
            _book(cpd_session, teachers if not story.upcoming else teachers[:2])
            story.upcoming.append(cpd_session)
        else:
            _hold(cpd_session, lead, teachers, skip=n % len(teachers), no_show=n % 3 == 0)
            story.past.append(cpd_session)
    return story


def _book(cpd_session: CpdSession, people: list) -> None:
    """Sign-ups in turn, a minute apart, before today: the first take the places."""
    start = utcnow() - timedelta(days=3)
    for n, person in enumerate(people):
        sessions.sign_up(cpd_session, person, start + timedelta(minutes=n))


def _hold(cpd_session: CpdSession, lead, teachers: list, *, skip: int, no_show: bool) -> None:
    """All but one teacher booked three weeks ahead; the register taken at the end (the last
    booked a no-show when `no_show`)."""
    booked = [t for n, t in enumerate(teachers) if n != skip]
    asked = cpd_session.starts_at - timedelta(weeks=3)
    for n, person in enumerate(booked):
        sessions.sign_up(cpd_session, person, asked + timedelta(minutes=n))
    for n, booking in enumerate(sessions.register(cpd_session)):
        missing = no_show and n == len(booked) - 1
        sessions.mark_attendance(cpd_session, booking.id,
                                 Attendance.NO_SHOW if missing else Attendance.ATTENDED, lead,
                                 now=cpd_session.ends_at)


def load_supply_claims(partnership, lead, stories: list[NetworkStory],
                       plans: list[NetworkPlan], school_staff: set[int]) -> None:
    """School staff who attended each network's last two past sessions claim supply cover
    (others have no classes to cover): the earlier claims approved, the latest to decide."""
    for story, plan in zip(stories, plans, strict=True):
        if not plan.claims_supply:
            continue
        kind = ClaimKind.DAY if plan.hours >= 5 else ClaimKind.HALF_DAY
        for n, cpd_session in enumerate(story.past[-2:]):
            for booking in sessions.register(cpd_session):
                if booking.attendance != Attendance.ATTENDED or booking.user_id not in \
                        school_staff:
                    continue
                claim = supply.claim_supply(cpd_session, booking.user, kind=kind,
                                            note="Supply teacher covered my classes.")
                if n == 0 and len(story.past) > 1:
                    supply.approve_claim(partnership, claim.id, lead,
                                         cpd_session.ends_at + timedelta(days=7))
