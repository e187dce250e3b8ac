"""A hub with a lead, a steering member, a network member and a plain member, its channels,
and another partnership, for the tests of channels, messages, the pages and the stream."""

from dataclasses import dataclass

from sqlalchemy import select

from workspace.extensions import db
from workspace.models import Channel, Membership, Partnership, User
from workspace.models.chat import ChannelKind
from workspace.models.partnerships import Role
from workspace.services.chat import messages
from workspace.services.cpd import sessions


@dataclass
class World:
    hub: Partnership
    lead: User
    steer: User
    ann: User       # a member of the strings network
    bob: User       # a member, in no network
    outsider: User  # a lead of another partnership
    other: Partnership
    general: Channel
    steering: Channel
    network_channel: Channel

    def membership(self, user: User, partnership: Partnership | None = None) -> Membership:
        return db.session.scalar(select(Membership).where(
            Membership.user_id == user.id,
            Membership.partnership_id == (partnership or self.hub).id))


def channel_of(partnership, kind: ChannelKind) -> Channel:
    return db.session.scalar(select(Channel).where(
        Channel.partnership_id == partnership.id, Channel.kind == kind))


def make_world(make_user, make_partnership, add_member) -> World:
    lead = make_user(name="Lena Lead", email="lena@example.org")
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    steer = add_member(hub, make_user(name="Sam Steer", email="sam@example.org"),
                       Role.STEERING).user
    ann = add_member(hub, make_user(name="Ann Smith", email="ann@example.org")).user
    bob = add_member(hub, make_user(name="Bob", email="bob@example.org")).user
    network = sessions.create_network(hub, name="Strings teachers")
    sessions.join_network(network, ann)
    outsider = make_user(name="Olga Outsider", email="olga@example.org")
    other = make_partnership(lead=outsider, name="Elsewhere Hub")
    messages.ensure_channels(hub)
    messages.ensure_channels(other)
    return World(hub=hub, lead=lead, steer=steer, ann=ann, bob=bob, outsider=outsider,
                 other=other, general=channel_of(hub, ChannelKind.GENERAL),
                 steering=channel_of(hub, ChannelKind.STEERING),
                 network_channel=channel_of(hub, ChannelKind.NETWORK))
