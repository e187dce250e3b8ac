"""Zebra's network of partnerships for the access walk: Zebra convenes it, with a meeting, a
working group, the member's message and shared resource, an open invitation, and a session
of Zebra's opened to the network, with the member's place (the newest session and booking:
the walk's session routes use them)."""

from datetime import date, time
from decimal import Decimal

from sqlalchemy import select

from tests.clock import FROZEN_NOW
from workspace.extensions import db
from workspace.models import Network
from workspace.models.cpd import SessionAudience
from workspace.services.cpd import sessions
from workspace.services.networks import content
from workspace.services.networks import partners as networks


def add_sample(people: dict) -> None:
    theirs, lead, member = people["theirs"], people["lead"], people["member"]
    network = networks.create_network(theirs, lead, name="Zebra SEND network",
                                      theme="Zebra region", description="Zebra aims")
    networks.create_invite(network, lead, "Zebra invitee", FROZEN_NOW)
    content.schedule_meeting(network, lead, content.MeetingFields(
        title="Zebra peer meeting", day=date(2030, 3, 4), start=time(10),
        agenda="Zebra agenda", notes="Zebra notes"))
    group = content.create_group(network, "Zebra group", "Zebra purpose")
    standing = networks.standing(member, network.id)
    content.join_group(network, group.id, standing)
    content.post(network, standing, "Zebra hello", FROZEN_NOW)
    content.add_resource(network, standing, title="Zebra kit", url="https://example.org/z")
    cpd_network = db.session.scalar(select(Network).where(
        Network.partnership_id == theirs.id).order_by(Network.id))
    opened = sessions.schedule_session(theirs, cpd_network, sessions.SessionFields(
        title="Zebra open day", day=date(2030, 3, 5), start=time(9), end=time(15),
        capacity=5, learning_hours=Decimal("5"), audience=SessionAudience.NETWORK,
        audience_network_id=network.id))
    sessions.sign_up(opened, member, FROZEN_NOW)  # the newest booking is on it
