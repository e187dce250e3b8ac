"""The access walk for a partnership inside the network: the walker's partnership joins
Zebra's network of partnerships, and the walker (its lead) tries every endpoint with Zebra's
rows. The network's pages and the session Zebra opened to it answer; everything inside Zebra
is still not found, and nothing of Zebra's own records is shown anywhere.

(A partnership outside the network is walked in tests/test_access.py: there the network's
pages and the open session answer 404 too.)"""

from tests.clock import FROZEN_NOW
from tests.test_access import outside_partnerships, snapshot, walk, world  # noqa: F401
from workspace.extensions import db
from workspace.models import PartnershipNetwork
from workspace.services.networks import partners as networks

# Zebra's own records, none of them put into the network: its people's addresses, its
# organisation, its description and place, its steering member (who took no part).
PRIVATE = ["zebra.m@example.org", "zebra.s@example.org", "zebra.lead@example.org",
           "zebra school", "zebra plans", "zebra ward", "zebra steer", "zebra.new@example.org"]
# Booking a place on the open session, or giving it up, changes the host's rows (the place,
# the session's booking count, its chat card, what the guest is told): that is their point.
BOOKING = {"cpd.open_sign_up", "cpd.open_withdraw"}


def test_a_partner_reaches_the_network_and_nothing_inside_the_other_partnership(app, world):  # noqa: F811
    theirs, walker = world["theirs"], world["walker"]
    network = db.session.query(PartnershipNetwork).one()
    lead = next(m.user for m in theirs.memberships if m.role.value == "lead")
    _, token = networks.create_invite(network, lead, "Our partnership", FROZEN_NOW)
    networks.accept_invite(token, world["ours"], walker, FROZEN_NOW)
    before = snapshot(theirs.id)
    reached = set()
    for rule, method, response in walk(app, walker, theirs.id, theirs.id):
        body = response.get_data().decode("utf-8", "replace").lower()
        leaked = [text for text in PRIVATE if text in body]
        assert not leaked, f"{method} {rule.rule} shows {leaked}"
        if "partnership_id" in rule.arguments:
            assert response.status_code == 404, f"{method} {rule.rule}"
        elif outside_partnerships(rule) and method == "GET":
            # a partner's lead: what Zebra's own leads may, but convening it
            expected = 403 if rule.endpoint in ("networks.edit", "networks.invites") else 200
            assert response.status_code == expected, f"{method} {rule.rule}"
            reached.add(rule.endpoint)
        if rule.endpoint in BOOKING:
            before = snapshot(theirs.id)
        assert snapshot(theirs.id) == before, f"{method} {rule.rule} changed their data"
    assert {"networks.network", "networks.channel", "networks.meeting", "networks.groups",
            "networks.resources", "cpd.open_session", "cpd.open_session_ics"} <= reached
