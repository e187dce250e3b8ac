"""CPD networks and sessions: scheduling, sign-up with a waiting list, attendance, CPD hours.

Sign-ups never exceed capacity and never book anyone twice, under any number of concurrent
requests, on PostgreSQL and SQLite alike: every change to a session's bookings starts by
updating the session row (`booking_version`), which takes a row lock on PostgreSQL and the
write lock on SQLite, so the count of booked places and the change that follows are made by
one request at a time per session. A unique (session, person) constraint backs it up.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import selectinload

from workspace.clock import LONDON_NAME, local_to_utc, utcnow
from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.infra.jobs import each_on_its_own
from workspace.models import (
    Booking,
    CatalogueItem,
    CommonCoreArea,
    CpdSession,
    Membership,
    Network,
    NetworkMember,
    NetworkPartner,
    Organisation,
    Partnership,
    PartnershipNetwork,
    SessionArea,
    SessionModule,
    SessionSeries,
    User,
)
from workspace.models.cpd import Attendance, BookingStatus, SessionAudience, SessionStatus
from workspace.services import credentials, permissions, signals
from workspace.services.networks import partners as networks
from workspace.services.notifications import notify
from workspace.services.partnerships.membership import get_owned

# --- networks -----------------------------------------------------------------------------


def create_network(partnership: Partnership, *, name: str, description: str = "",
                   coordinator: User | None = None) -> Network:
    network = Network(partnership_id=partnership.id, name=name.strip(),
                      description=description.strip(),
                      coordinator_id=coordinator.id if coordinator else None)
    db.session.add(network)
    db.session.flush()
    if coordinator is not None:
        _add_network_member(network, coordinator)
    db.session.commit()
    return network


def update_network(network: Network, *, name: str, description: str,
                   coordinator: User | None) -> None:
    network.name, network.description = name.strip(), description.strip()
    network.coordinator_id = coordinator.id if coordinator else None
    db.session.commit()


@dataclass
class NetworkRow:
    network: Network
    members: int
    upcoming: int
    is_member: bool


def list_networks(partnership: Partnership, user: User, now: datetime) -> list[NetworkRow]:
    members = select(func.count(NetworkMember.id)).where(
        NetworkMember.network_id == Network.id).scalar_subquery()
    upcoming = select(func.count(CpdSession.id)).where(
        CpdSession.network_id == Network.id, CpdSession.starts_at >= now,
        CpdSession.status == SessionStatus.SCHEDULED).scalar_subquery()
    mine = select(func.count(NetworkMember.id)).where(
        NetworkMember.network_id == Network.id, NetworkMember.user_id == user.id
    ).scalar_subquery()
    rows = db.session.execute(
        select(Network, members, upcoming, mine).options(selectinload(Network.coordinator))
        .where(Network.partnership_id == partnership.id).order_by(Network.name))
    return [NetworkRow(n, m, u, bool(x)) for n, m, u, x in rows]


def _add_network_member(network: Network, user: User) -> NetworkMember:
    existing = db.session.scalar(select(NetworkMember).where(
        NetworkMember.network_id == network.id, NetworkMember.user_id == user.id))
    if existing is not None:
        return existing
    member = NetworkMember(partnership_id=network.partnership_id, network_id=network.id,
                           user_id=user.id)
    db.session.add(member)
    return member


def join_network(network: Network, user: User) -> None:
    _add_network_member(network, user)
    db.session.commit()


def leave_network(network: Network, user: User) -> None:
    member = db.session.scalar(select(NetworkMember).where(
        NetworkMember.network_id == network.id, NetworkMember.user_id == user.id))
    if member is not None:
        db.session.delete(member)
        db.session.commit()


def is_network_member(network: Network, user: User) -> bool:
    return db.session.scalar(select(NetworkMember.id).where(
        NetworkMember.network_id == network.id, NetworkMember.user_id == user.id)) is not None


def network_members(network: Network) -> list[NetworkMember]:
    return list(db.session.scalars(
        select(NetworkMember).join(NetworkMember.user).options(selectinload(NetworkMember.user))
        .where(NetworkMember.network_id == network.id).order_by(User.name)))


# --- sessions -----------------------------------------------------------------------------


@dataclass
class SessionFields:
    """What a lead enters for a session; times are local wall-clock times in `timezone`."""

    title: str
    day: date
    start: time
    end: time
    capacity: int
    timezone: str = LONDON_NAME
    focus: str = ""
    venue: str = ""
    online_url: str = ""
    facilitator: str = ""
    provider_organisation_id: int | None = None
    learning_hours: Decimal = Decimal("0")
    signup_closes_days_before: int | None = None
    module_ids: frozenset[int] = frozenset()
    area_ids: frozenset[int] = frozenset()
    audience: SessionAudience = SessionAudience.PARTNERSHIP
    audience_network_id: int | None = None  # with audience NETWORK: one of the host's


def _timing(fields: SessionFields) -> tuple[datetime, datetime, datetime]:
    try:
        starts = local_to_utc(fields.day, fields.start, fields.timezone)
        ends = local_to_utc(fields.day, fields.end, fields.timezone)
    except (KeyError, ValueError):
        raise DomainError("Choose a known time zone.", field="timezone") from None
    if ends <= starts:
        raise DomainError("The session must end after it starts.", field="end")
    days = fields.signup_closes_days_before
    deadline = starts - timedelta(days=days) if days else starts
    return starts, ends, deadline


def _check_links(partnership: Partnership, fields: SessionFields) -> None:
    if fields.capacity < 1:
        raise DomainError("A session needs at least one place.", field="capacity")
    if fields.module_ids:
        found = db.session.scalar(select(func.count(CatalogueItem.id)).where(
            CatalogueItem.id.in_(fields.module_ids)))
        if found != len(fields.module_ids):
            raise DomainError("Choose modules from the catalogue.", field="modules")
    if fields.provider_organisation_id is not None:
        get_owned(Organisation, partnership, fields.provider_organisation_id)
    if fields.audience == SessionAudience.NETWORK and not (
            fields.audience_network_id
            and networks.is_partner(fields.audience_network_id, partnership.id)):
        raise DomainError("Choose a network your partnership is in.", field="audience")


def _apply(cpd_session: CpdSession, fields: SessionFields) -> None:
    starts, ends, deadline = _timing(fields)
    for name in ("title", "focus", "venue", "online_url", "facilitator"):
        setattr(cpd_session, name, getattr(fields, name).strip())
    cpd_session.timezone = fields.timezone
    cpd_session.capacity = fields.capacity
    cpd_session.provider_organisation_id = fields.provider_organisation_id
    cpd_session.learning_hours = fields.learning_hours
    cpd_session.audience = fields.audience
    cpd_session.audience_network_id = (fields.audience_network_id
                                       if fields.audience == SessionAudience.NETWORK else None)
    cpd_session.starts_at, cpd_session.ends_at, cpd_session.signup_deadline = (
        starts, ends, deadline)


def _set_session_links(cpd_session: CpdSession, fields: SessionFields) -> None:
    db.session.execute(SessionModule.__table__.delete().where(
        SessionModule.session_id == cpd_session.id))
    db.session.execute(SessionArea.__table__.delete().where(
        SessionArea.session_id == cpd_session.id))
    db.session.add_all([SessionModule(session_id=cpd_session.id, item_id=i)
                        for i in sorted(fields.module_ids)])
    db.session.add_all([SessionArea(session_id=cpd_session.id, area_id=a)
                        for a in sorted(fields.area_ids)])


def schedule_session(partnership: Partnership, network: Network,
                     fields: SessionFields, series: SessionSeries | None = None) -> CpdSession:
    _check_links(partnership, fields)
    cpd_session = CpdSession(partnership_id=partnership.id, network_id=network.id,
                             series_id=series.id if series else None)
    _apply(cpd_session, fields)
    db.session.add(cpd_session)
    db.session.flush()
    _set_session_links(cpd_session, fields)
    db.session.commit()
    return cpd_session


def schedule_series(partnership: Partnership, network: Network, title: str,
                    days: Iterable[date], fields: SessionFields) -> SessionSeries:
    """One session on each day given (e.g. one a term for a year), all in one step."""
    days = sorted(set(days))
    if not days:
        raise DomainError("Give at least one date.", field="dates")
    if len(days) > 52:
        raise DomainError("A series can hold at most 52 sessions.", field="dates")
    _check_links(partnership, fields)
    series = SessionSeries(partnership_id=partnership.id, network_id=network.id,
                           title=title.strip())
    db.session.add(series)
    db.session.flush()
    for number, day in enumerate(days, start=1):
        cpd_session = CpdSession(partnership_id=partnership.id, network_id=network.id,
                                 series_id=series.id)
        _apply(cpd_session, SessionFields(**{**fields.__dict__, "day": day,
                                             "title": f"{fields.title} ({number} of "
                                                      f"{len(days)})"}))
        db.session.add(cpd_session)
        db.session.flush()
        _set_session_links(cpd_session, fields)
    db.session.commit()
    return series


def session_path(cpd_session: CpdSession, booking: Booking | None = None) -> str:
    """The session's page for someone told about it: a session opened beyond its
    partnership has one page that its guests and its own members alike can open, and a
    guest's place (`booking`) keeps that page theirs."""
    if cpd_session.audience.is_open or (booking is not None and booking.booked_as_guest):
        return f"/cpd/open/{cpd_session.id}"
    return f"/p/{cpd_session.partnership_id}/cpd/sessions/{cpd_session.id}"


def _tell_everyone_on(cpd_session: CpdSession, kind: str, subject: str, message: str) -> None:
    for booking in active_bookings(cpd_session):
        notify(booking.user, kind, subject, message, link=session_path(cpd_session, booking),
               partnership_id=cpd_session.partnership_id)


def update_session(partnership: Partnership, cpd_session: CpdSession,
                   fields: SessionFields, now: datetime) -> None:
    """Change a session; people booked or waiting are told, and calendars update."""
    _check_links(partnership, fields)
    _lock(cpd_session)
    booked = _booked_count(cpd_session)
    if fields.capacity < booked:
        raise DomainError(f"{booked} people are booked: the capacity cannot go below that.",
                          field="capacity")
    before = (cpd_session.starts_at, cpd_session.ends_at, cpd_session.venue,
              cpd_session.online_url, cpd_session.title)
    _apply(cpd_session, fields)
    _set_session_links(cpd_session, fields)
    cpd_session.sequence += 1
    if before != (cpd_session.starts_at, cpd_session.ends_at, cpd_session.venue,
                  cpd_session.online_url, cpd_session.title):
        _tell_everyone_on(cpd_session, "session_changed", f"Changed: {cpd_session.title}",
                          f"{cpd_session.title} has changed: it is now "
                          f"{describe_when(cpd_session)}, {describe_where(cpd_session)}.")
    _promote_waiting(cpd_session)
    signals.session_changed.send(cpd_session)
    db.session.commit()


def cancel_session(cpd_session: CpdSession) -> None:
    if cpd_session.status == SessionStatus.CANCELLED:
        raise DomainError("This session is already cancelled.")
    _lock(cpd_session)
    cpd_session.status = SessionStatus.CANCELLED
    cpd_session.sequence += 1
    _tell_everyone_on(cpd_session, "session_cancelled", f"Cancelled: {cpd_session.title}",
                      f"{cpd_session.title} on {describe_when(cpd_session)} is cancelled.")
    signals.session_changed.send(cpd_session)
    db.session.commit()


def describe_when(cpd_session: CpdSession) -> str:
    zone = ZoneInfo(cpd_session.timezone)
    start = cpd_session.starts_at.astimezone(zone)
    end = cpd_session.ends_at.astimezone(zone)
    return f"{start:%A %-d %B %Y}, {start:%H:%M}–{end:%H:%M}"


def describe_where(cpd_session: CpdSession) -> str:
    return cpd_session.venue or ("online" if cpd_session.online_url else "venue to be confirmed")


@dataclass
class SessionRow:
    session: CpdSession
    booked: int
    waiting: int

    @property
    def seats_left(self) -> int:
        return max(0, self.session.capacity - self.booked)


def _counts():
    booked = func.sum(case((Booking.status == BookingStatus.BOOKED, 1), else_=0))
    waiting = func.sum(case((Booking.status == BookingStatus.WAITING, 1), else_=0))
    return func.coalesce(booked, 0), func.coalesce(waiting, 0)


def list_sessions(partnership: Partnership, *, network: Network | None = None,
                  since: datetime | None = None) -> list[SessionRow]:
    booked, waiting = _counts()
    stmt = (select(CpdSession, booked, waiting)
            .outerjoin(Booking, Booking.session_id == CpdSession.id)
            .options(selectinload(CpdSession.network))
            .where(CpdSession.partnership_id == partnership.id)
            .group_by(CpdSession.id).order_by(CpdSession.starts_at))
    if network is not None:
        stmt = stmt.where(CpdSession.network_id == network.id)
    if since is not None:
        stmt = stmt.where(CpdSession.ends_at >= since)
    return [SessionRow(s, b, w) for s, b, w in db.session.execute(stmt)]


def series_of(partnership: Partnership, rows: list[SessionRow]) -> list[SessionSeries]:
    """The partnership's series these sessions belong to, in the order they were made, in one
    query however many."""
    ids = {row.session.series_id for row in rows if row.session.series_id}
    return list(db.session.scalars(select(SessionSeries).where(
        SessionSeries.id.in_(ids), SessionSeries.partnership_id == partnership.id)
        .order_by(SessionSeries.id))) if ids else []


def _upcoming_open(now: datetime, *conditions) -> list[SessionRow]:
    """Upcoming scheduled sessions meeting `conditions`, none of a suspended partnership."""
    booked, waiting = _counts()
    rows = db.session.execute(
        select(CpdSession, booked, waiting)
        .outerjoin(Booking, Booking.session_id == CpdSession.id)
        .join(Partnership, Partnership.id == CpdSession.partnership_id)
        .options(selectinload(CpdSession.audience_network))
        .where(Partnership.in_use(), CpdSession.status == SessionStatus.SCHEDULED,
               CpdSession.starts_at > now, *conditions)
        .group_by(CpdSession.id).order_by(CpdSession.starts_at))
    return [SessionRow(s, b, w) for s, b, w in rows]


def open_sessions_for(user: User, now: datetime) -> list[SessionRow]:
    """Upcoming sessions of other partnerships that are open to the person: to everyone,
    or to a network one of their partnerships is in."""
    theirs = select(Membership.partnership_id).where(Membership.user_id == user.id)
    their_networks = (select(NetworkPartner.network_id)
                      .join(Partnership, Partnership.id == NetworkPartner.partnership_id)
                      .where(NetworkPartner.partnership_id.in_(theirs), Partnership.in_use()))
    return _upcoming_open(
        now, CpdSession.partnership_id.not_in(theirs),
        (CpdSession.audience == SessionAudience.EVERYONE)
        | ((CpdSession.audience == SessionAudience.NETWORK)
           & CpdSession.audience_network_id.in_(their_networks)))


def network_open_sessions(network: PartnershipNetwork, now: datetime) -> list[SessionRow]:
    """Upcoming sessions opened to a network of partnerships."""
    return _upcoming_open(now, CpdSession.audience == SessionAudience.NETWORK,
                          CpdSession.audience_network_id == network.id)


def hosts_of(cpd_sessions: Iterable[CpdSession]) -> dict[int, Partnership]:
    """The partnerships that run these sessions, by id."""
    ids = {s.partnership_id for s in cpd_sessions}
    return {p.id: p for p in db.session.scalars(
        select(Partnership).where(Partnership.id.in_(ids)))} if ids else {}


def guests_among(cpd_session: CpdSession) -> set[int]:
    """Ids of the people holding places who are not members of the host partnership."""
    members = select(Membership.user_id).where(
        Membership.partnership_id == cpd_session.partnership_id)
    return set(db.session.scalars(select(Booking.user_id).where(
        Booking.session_id == cpd_session.id, Booking.user_id.not_in(members))))


def session_row(cpd_session: CpdSession) -> SessionRow:
    booked, waiting = _counts()
    b, w = db.session.execute(select(booked, waiting).where(
        Booking.session_id == cpd_session.id)).one()
    return SessionRow(cpd_session, b, w)


def session_links(cpd_session: CpdSession) -> tuple[list[CatalogueItem], list[CommonCoreArea]]:
    modules = db.session.scalars(select(CatalogueItem).join(
        SessionModule, SessionModule.item_id == CatalogueItem.id).where(
        SessionModule.session_id == cpd_session.id).order_by(CatalogueItem.title)).all()
    areas = db.session.scalars(select(CommonCoreArea).join(
        SessionArea, SessionArea.area_id == CommonCoreArea.id).where(
        SessionArea.session_id == cpd_session.id).order_by(CommonCoreArea.number)).all()
    return list(modules), list(areas)


# --- bookings -----------------------------------------------------------------------------


def _lock(cpd_session: CpdSession) -> None:
    """Serialise booking changes on this session (see the module's docstring)."""
    db.session.execute(update(CpdSession).where(CpdSession.id == cpd_session.id).values(
        booking_version=CpdSession.booking_version + 1, updated_at=CpdSession.updated_at)
        .execution_options(synchronize_session=False))


def _booked_count(cpd_session: CpdSession) -> int:
    return db.session.scalar(select(func.count(Booking.id)).where(
        Booking.session_id == cpd_session.id, Booking.status == BookingStatus.BOOKED))


def booking_of(cpd_session: CpdSession, user: User) -> Booking | None:
    return db.session.scalar(select(Booking).where(Booking.session_id == cpd_session.id,
                                                   Booking.user_id == user.id))


def active_bookings(cpd_session: CpdSession) -> list[Booking]:
    return list(db.session.scalars(
        select(Booking).options(selectinload(Booking.user))
        .where(Booking.session_id == cpd_session.id,
               Booking.status.in_([BookingStatus.BOOKED, BookingStatus.WAITING]))
        .order_by(Booking.status, Booking.requested_at, Booking.id)))


def waiting_position(booking: Booking) -> int | None:
    if booking.status != BookingStatus.WAITING:
        return None
    ahead = db.session.scalar(select(func.count(Booking.id)).where(
        Booking.session_id == booking.session_id, Booking.status == BookingStatus.WAITING,
        (Booking.requested_at < booking.requested_at)
        | ((Booking.requested_at == booking.requested_at) & (Booking.id < booking.id))))
    return ahead + 1


def _check_open(cpd_session: CpdSession, now: datetime) -> None:
    if cpd_session.status == SessionStatus.CANCELLED:
        raise DomainError("This session is cancelled.")
    deadline = cpd_session.signup_deadline or cpd_session.starts_at
    if now >= deadline:
        raise DomainError("Sign-up for this session has closed.")


def _check_may_book(cpd_session: CpdSession, user: User) -> None:
    if not permissions.may_book_session(user, cpd_session):
        raise NotFound()


def sign_up(cpd_session: CpdSession, user: User, now: datetime) -> Booking:
    """Book a place, or a place on the waiting list when the session is full."""
    _check_may_book(cpd_session, user)
    _lock(cpd_session)
    db.session.refresh(cpd_session)
    _check_open(cpd_session, now)
    booking = booking_of(cpd_session, user)
    if booking is not None and booking.status != BookingStatus.CANCELLED:
        db.session.commit()
        return booking
    full = _booked_count(cpd_session) >= cpd_session.capacity
    status = BookingStatus.WAITING if full else BookingStatus.BOOKED
    member = membership_in(cpd_session, user) is not None
    if booking is None:
        booking = Booking(partnership_id=cpd_session.partnership_id,
                          session_id=cpd_session.id, user_id=user.id, status=status,
                          requested_at=now)
        db.session.add(booking)
    else:
        booking.status, booking.requested_at = status, now
    booking.booked_as_guest = not member
    if member:  # a guest joins none of the host's CPD networks
        _add_network_member(cpd_session.network, user)
    _confirm(booking, cpd_session, user)
    signals.session_changed.send(cpd_session)
    db.session.commit()
    return booking


def _confirm(booking: Booking, cpd_session: CpdSession, user: User) -> None:
    if booking.status == BookingStatus.BOOKED:
        notify(user, "booking_confirmed", f"Booked: {cpd_session.title}",
               f"Your place on {cpd_session.title} ({describe_when(cpd_session)}, "
               f"{describe_where(cpd_session)}) is booked.",
               link=session_path(cpd_session, booking),
               partnership_id=cpd_session.partnership_id)
    else:
        notify(user, "booking_waiting", f"Waiting list: {cpd_session.title}",
               f"{cpd_session.title} is full: you are on the waiting list and will be told "
               "if a place comes free.", link=session_path(cpd_session, booking),
               partnership_id=cpd_session.partnership_id)


def sign_up_series(series: SessionSeries, user: User, now: datetime) -> list[Booking]:
    """Sign up for every session of the series still open, each with its own booking."""
    sessions = db.session.scalars(select(CpdSession).where(
        CpdSession.series_id == series.id, CpdSession.status == SessionStatus.SCHEDULED,
        CpdSession.starts_at > now).order_by(CpdSession.starts_at)).all()
    if not sessions:
        raise DomainError("No session of this series is open for sign-up.")
    return [sign_up(s, user, now) for s in sessions
            if now < (s.signup_deadline or s.starts_at)]


def _promote_waiting(cpd_session: CpdSession) -> list[Booking]:
    """Fill free places from the waiting list, first come first served; tell each person."""
    free = cpd_session.capacity - _booked_count(cpd_session)
    if free <= 0 or cpd_session.status == SessionStatus.CANCELLED:
        return []
    promoted = db.session.scalars(
        select(Booking).options(selectinload(Booking.user))
        .where(Booking.session_id == cpd_session.id, Booking.status == BookingStatus.WAITING)
        .order_by(Booking.requested_at, Booking.id).limit(free)).all()
    for booking in promoted:
        booking.status = BookingStatus.BOOKED
        notify(booking.user, "booking_promoted", f"You have a place: {cpd_session.title}",
               f"A place came free on {cpd_session.title} ({describe_when(cpd_session)}): "
               "you are now booked.", link=session_path(cpd_session, booking),
               partnership_id=cpd_session.partnership_id)
    return list(promoted)


def cancel_booking(cpd_session: CpdSession, user: User, now: datetime) -> list[Booking]:
    """Give up a place (or leave the waiting list); returns who moved up into the place."""
    _lock(cpd_session)
    booking = booking_of(cpd_session, user)
    if booking is None or booking.status == BookingStatus.CANCELLED:
        raise DomainError("You are not booked on this session.")
    if now >= cpd_session.starts_at:
        raise DomainError("The session has started: ask the lead to mark your attendance.")
    booking.status = BookingStatus.CANCELLED
    db.session.flush()
    promoted = _promote_waiting(cpd_session)
    signals.session_changed.send(cpd_session)
    db.session.commit()
    return promoted


# --- attendance and CPD hours ---------------------------------------------------------------


def membership_in(cpd_session: CpdSession, user: User) -> Membership | None:
    return db.session.scalar(select(Membership).where(
        Membership.partnership_id == cpd_session.partnership_id, Membership.user_id == user.id))


def mark_attendance(cpd_session: CpdSession, booking_id: int, attendance: Attendance | None,
                    actor: User, now: datetime | None = None) -> Booking:
    """Mark a person attended or a no-show (None unmarks), by the rule of
    `permissions.why_not_mark_attendance`: a refusal changes nothing."""
    now = now or utcnow()
    booking = db.session.get(Booking, booking_id, with_for_update=True)  # vs. its credential
    if booking is None or booking.session_id != cpd_session.id:
        raise NotFound()
    refusal = permissions.why_not_mark_attendance(membership_in(cpd_session, actor),
                                                  cpd_session, booking, now)
    if refusal:
        raise DomainError(refusal)
    if booking.status != BookingStatus.BOOKED:
        raise DomainError("Only people with a place can be marked.")
    credentials.follow_register(booking, attendance == Attendance.ATTENDED, now)
    booking.attendance = attendance
    booking.attendance_marked_by_id = actor.id
    booking.attendance_marked_at = now
    signals.session_changed.send(cpd_session)
    db.session.commit()
    return booking


def register(cpd_session: CpdSession) -> list[Booking]:
    """The people with a place, for the attendance register."""
    return list(db.session.scalars(
        select(Booking).join(Booking.user).options(selectinload(Booking.user))
        .where(Booking.session_id == cpd_session.id, Booking.status == BookingStatus.BOOKED)
        .order_by(User.name)))


@dataclass
class CpdEntry:
    session: CpdSession
    hours: Decimal
    booking_id: int  # the place the register marked attended (its certificate's)


def attended_sessions(user: User) -> list[CpdEntry]:
    """Sessions the person attended, newest first: their CPD record from the CPD area."""
    rows = db.session.execute(
        select(CpdSession, Booking.id).join(Booking, Booking.session_id == CpdSession.id)
        .options(selectinload(CpdSession.network))
        .where(Booking.user_id == user.id, Booking.attendance == Attendance.ATTENDED)
        .order_by(CpdSession.starts_at.desc())).all()
    return [CpdEntry(s, s.learning_hours, booking_id) for s, booking_id in rows]


def cpd_hours(user: User) -> Decimal:
    return sum((e.hours for e in attended_sessions(user)), Decimal("0"))


def evidence_sessions(user: User, item_ids: Iterable[int]) -> dict[int, list[CpdSession]]:
    """Attended sessions that delivered each of these catalogue items: CPD that counts
    towards a qualification containing them."""
    found = evidence_sessions_of([user.id], item_ids)
    return {item_id: found for (_, item_id), found in found.items()}


def evidence_sessions_of(user_ids: Iterable[int], item_ids: Iterable[int]
                         ) -> dict[tuple[int, int], list[CpdSession]]:
    """`evidence_sessions` for many people at once: (person, item) -> sessions, in order."""
    rows = db.session.execute(
        select(Booking.user_id, SessionModule.item_id, CpdSession)
        .join(CpdSession, CpdSession.id == SessionModule.session_id)
        .join(Booking, Booking.session_id == CpdSession.id)
        .where(Booking.user_id.in_(list(user_ids)), Booking.attendance == Attendance.ATTENDED,
               SessionModule.item_id.in_(list(item_ids)))
        .order_by(CpdSession.starts_at, CpdSession.id))
    found: dict[tuple[int, int], list[CpdSession]] = {}
    for user_id, item_id, cpd_session in rows:
        found.setdefault((user_id, item_id), []).append(cpd_session)
    return found


def my_bookings(user: User, since: datetime) -> list[Booking]:
    return list(db.session.scalars(
        select(Booking).join(Booking.session)
        .options(selectinload(Booking.session).selectinload(CpdSession.network))
        .where(Booking.user_id == user.id, Booking.status != BookingStatus.CANCELLED,
               CpdSession.ends_at >= since)
        .order_by(CpdSession.starts_at)))


def due_reminders(now: datetime, within: timedelta) -> list[Booking]:
    return list(db.session.scalars(
        select(Booking).join(Booking.session).join(Booking.user)
        .join(Partnership, Partnership.id == CpdSession.partnership_id)
        .options(selectinload(Booking.user), selectinload(Booking.session))
        .where(Booking.status == BookingStatus.BOOKED, Booking.reminded_at.is_(None),
               User.in_use(), Partnership.in_use(),
               CpdSession.status == SessionStatus.SCHEDULED,
               CpdSession.starts_at > now, CpdSession.starts_at <= now + within)))


def send_reminders(now: datetime, within: timedelta = timedelta(hours=48)) -> int:
    """Remind people booked on sessions starting soon, once each; returns how many.

    Each booking is reminded in a transaction of its own: one that fails is logged and left
    to the next run, and the others are reminded all the same.
    """
    return each_on_its_own([b.id for b in due_reminders(now, within)],
                           lambda booking_id: _remind(db.session.get(Booking, booking_id), now),
                           "the reminder of booking %s")


def _remind(booking: Booking, now: datetime) -> bool:
    """Remind the person, unless another run did first (cron overlapping)."""
    claimed = db.session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.reminded_at.is_(None))
        .values(reminded_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return False
    s = booking.session
    notify(booking.user, "session_reminder", f"Reminder: {s.title}",
           f"{s.title} is on {describe_when(s)}, {describe_where(s)}.",
           link=session_path(s, booking), partnership_id=s.partnership_id)
    return True
