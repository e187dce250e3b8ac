"""The North East: a music hub with a SEND music network of teachers, and a network of
partnerships (the North East SEND music network, as in seed 003) that it convenes with a
neighbouring hub; its next SEND session is opened to that network and a teacher of the
neighbouring hub books it as a guest."""

from datetime import date, time, timedelta

from workspace.clock import utcnow
from workspace.models.partnerships import PartnershipKind
from workspace.services.cpd import sessions
from workspace.services.demo import cpd, terms
from workspace.services.demo.data import (
    NE_MEMBERS,
    NE_NETWORKS,
    NE_ORGANISATIONS,
    NORTH_EAST,
    SECOND_NE_HUB,
    SECOND_NE_MEMBERS,
)
from workspace.services.demo.people import found_partnership
from workspace.services.networks import content, partners


def load_north_east(today: date) -> None:
    hub, lead, people = found_partnership(NORTH_EAST, PartnershipKind.HUB, NE_ORGANISATIONS,
                                          NE_MEMBERS)
    second, second_lead, guests = found_partnership(
        SECOND_NE_HUB, PartnershipKind.HUB,
        [("Wear Dale Music Service", *NE_ORGANISATIONS[0][1:])], SECOND_NE_MEMBERS)
    now = utcnow()
    network = partners.create_network(
        hub, lead, name="North East SEND music network", theme="SEND",
        description="The region's music hubs mapping SEND provision together and sharing "
                    "CPD, resources and peer-learning meetings.")
    _, token = partners.create_invite(network, lead, "Join us for the SEND mapping.", now)
    partners.accept_invite(token, second, second_lead, now)
    story = cpd.load_network(hub, lead, NE_NETWORKS[0], people, today, open_to=network.id)
    if story.full is not None:
        sessions.sign_up(story.full, guests["k.doyle@example.org"], now - timedelta(days=1))
        content.post(network, partners.standing(lead, network.id),
                     f"Our next SEND session, {story.full.title}, is open to every hub in "
                     "the network: book it from its open page.", now)
    meeting_day = terms.school_day_on_or_after(today + timedelta(weeks=5), within=60)
    if meeting_day is not None:
        content.schedule_meeting(network, lead, content.MeetingFields(
            title="Peer-learning meeting", day=meeting_day, start=time(10),
            place="Hillside Special School", agenda="What each hub's SEND mapping found."))
    content.create_group(network, "Mapping SEND provision",
                         "Agree one way for every hub to map its SEND music provision.")
