"""A hub with channels, a network session with 3 seats, an action and a poll, and another
partnership ("Zebra") with records of its own, for the tests of cards, commands and topics."""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from sqlalchemy import select

from tests.clock import FROZEN_NOW
from workspace.extensions import db
from workspace.models import Channel, CpdSession, Partnership, User
from workspace.models.chat import ChannelKind
from workspace.models.partnerships import Role
from workspace.services.chat import messages, polls
from workspace.services.cpd import sessions
from workspace.services.steering import actions

NOW = FROZEN_NOW


@dataclass
class World:
    hub: Partnership
    lead: User
    steer: User
    ann: User      # a member of the network
    bob: User      # a member of the hub only
    session: CpdSession
    general: Channel
    steering: Channel
    network_channel: Channel
    zebra: Partnership
    zebra_lead: User
    zebra_session: CpdSession
    zebra_action_id: int
    zebra_poll_id: int


def channel_of(partnership, kind: ChannelKind) -> Channel:
    return db.session.scalar(select(Channel).where(
        Channel.partnership_id == partnership.id, Channel.kind == kind))


def make_session(partnership, network, title: str, capacity: int = 3, day=date(2030, 3, 3)):
    return sessions.schedule_session(partnership, network, sessions.SessionFields(
        title=title, day=day, start=time(9, 30), end=time(15, 30), capacity=capacity,
        venue="Riverside Music Centre", learning_hours=Decimal("5")))


def make_world(make_user, make_partnership, add_member) -> World:
    lead = make_user(name="Priya Lead", email="priya@example.org")
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    steer = add_member(hub, make_user(name="Sam Steer", email="sam@example.org"),
                       Role.STEERING).user
    ann = add_member(hub, make_user(name="Ann Teacher", email="ann@example.org")).user
    bob = add_member(hub, make_user(name="Bob Teacher", email="bob@example.org")).user
    network = sessions.create_network(hub, name="Primary music teachers", coordinator=lead)
    sessions.join_network(network, ann)
    session = make_session(hub, network, "Singing in the primary classroom")
    messages.ensure_channels(hub)

    zebra_lead = make_user(name="Zebra Lead", email="zebra@example.org")
    zebra = make_partnership(lead=zebra_lead, name="Zebra Hub")
    zebra_network = sessions.create_network(zebra, name="Zebra network", coordinator=zebra_lead)
    zebra_session = make_session(zebra, zebra_network, "Zebra secret session")
    messages.ensure_channels(zebra)
    zebra_action = actions.create_action(zebra, zebra_lead,
                                         actions.ActionFields(title="Zebra action"))
    zebra_poll = polls.create_poll(channel_of(zebra, ChannelKind.GENERAL), zebra_lead,
                                        "Zebra question?", ["Zebra one", "Zebra two"])
    return World(hub=hub, lead=lead, steer=steer, ann=ann, bob=bob, session=session,
                 general=channel_of(hub, ChannelKind.GENERAL),
                 steering=channel_of(hub, ChannelKind.STEERING),
                 network_channel=channel_of(hub, ChannelKind.NETWORK),
                 zebra=zebra, zebra_lead=zebra_lead, zebra_session=zebra_session,
                 zebra_action_id=zebra_action.id, zebra_poll_id=zebra_poll.id)
