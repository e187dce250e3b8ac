"""A teacher's card: their sessions to come and waiting-list places, and what is new in their
CPD networks (resources added lately, unread messages in the networks' channels)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from workspace.extensions import db
from workspace.models import Booking, Channel, Network, NetworkMember, Resource, User
from workspace.models.cpd import BookingStatus
from workspace.services.chat import messages
from workspace.services.cpd import sessions

NEW_FOR = timedelta(days=30)  # a resource counts as new for this long
RESOURCES_SHOWN = 5


@dataclass
class Place:
    booking: Booking
    position: int | None  # on the waiting list; None with a place

    @property
    def waiting(self) -> bool:
        return self.position is not None


@dataclass
class NetworkNews:
    network: Network
    unread: int
    channel: Channel | None


@dataclass
class TeacherCard:
    places: list[Place]
    networks: list[NetworkNews]
    resources: list[tuple[Resource, Network]]  # added to their networks lately, newest first

    @property
    def waiting(self) -> list[Place]:
        return [p for p in self.places if p.waiting]


def _positions(bookings: list[Booking]) -> dict[int, int]:
    """Waiting-list positions of these bookings in one query: the people who asked earlier
    (the order of sessions.waiting_position), plus one."""
    waiting = [b.id for b in bookings if b.status == BookingStatus.WAITING]
    if not waiting:
        return {}
    earlier = aliased(Booking)
    ahead = (select(func.count(earlier.id)).where(
        earlier.session_id == Booking.session_id, earlier.status == BookingStatus.WAITING,
        (earlier.requested_at < Booking.requested_at)
        | ((earlier.requested_at == Booking.requested_at) & (earlier.id < Booking.id)))
        .correlate(Booking).scalar_subquery())
    return {i: n + 1 for i, n in db.session.execute(
        select(Booking.id, ahead).where(Booking.id.in_(waiting)))}


def _my_networks(user: User, partnership_ids: list[int]) -> list[Network]:
    """The person's networks in these partnerships (a network membership outlives leaving
    the partnership; its news must not)."""
    return list(db.session.scalars(
        select(Network).join(NetworkMember, NetworkMember.network_id == Network.id)
        .where(NetworkMember.user_id == user.id,
               Network.partnership_id.in_(partnership_ids or [0])).order_by(Network.name)))


def _news(networks: list[Network], user: User) -> list[NetworkNews]:
    channels = {c.network_id: c for c in db.session.scalars(select(Channel).where(
        Channel.network_id.in_([n.id for n in networks] or [0]),
        Channel.archived_at.is_(None)))}
    unread = messages.unread_counts(list(channels.values()), user)
    return [NetworkNews(n, unread.get(channels[n.id].id, 0) if n.id in channels else 0,
                        channels.get(n.id)) for n in networks]


def _new_resources(networks: list[Network], now: datetime) -> list[tuple[Resource, Network]]:
    by_id = {n.id: n for n in networks}
    return [(r, by_id[r.network_id]) for r in db.session.scalars(
        select(Resource).where(Resource.network_id.in_(list(by_id) or [0]),
                               Resource.created_at >= now - NEW_FOR)
        .order_by(Resource.created_at.desc(), Resource.id.desc()).limit(RESOURCES_SHOWN))]


def teacher_card(user: User, partnership_ids: list[int], now: datetime) -> TeacherCard | None:
    """None for someone in no CPD network of these partnerships (the ones they are in) and with
    no place on a session to come."""
    bookings = sessions.my_bookings(user, since=now)
    networks = _my_networks(user, partnership_ids)
    if not bookings and not networks:
        return None
    positions = _positions(bookings)
    return TeacherCard(places=[Place(b, positions.get(b.id)) for b in bookings],
                       networks=_news(networks, user),
                       resources=_new_resources(networks, now))
