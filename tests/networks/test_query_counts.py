"""The network's pages and Open CPD run the same number of queries however many messages,
meetings, groups, resources, partners and open sessions they list."""

from datetime import timedelta

from tests.conftest import count_queries
from tests.networks.conftest import NOW, open_session
from workspace.models.partnerships import Role
from workspace.services.cpd import sessions
from workspace.services.networks import content
from workspace.services.networks import partners as networks


def _add_rows(people, network, make_user, make_partnership, add_member, start, n):
    """n more of everything, by people of different partners."""
    for i in range(start, start + n):
        lead = make_user(name=f"Lead {i}", email=f"lead{i}@example.org")
        hub = make_partnership(lead=lead, name=f"Hub {i}")
        add_member(hub, make_user(name=f"Teacher {i}", email=f"t{i}@example.org"), Role.MEMBER)
        _, token = networks.create_invite(network, people["ada"], "", NOW)
        networks.accept_invite(token, hub, lead, NOW)
        who = networks.standing(lead, network.id)
        content.post(network, who, f"Message {i}", NOW)
        content.add_resource(network, who, title=f"Link {i}", url=f"https://example.org/{i}")
        group = content.create_group(network, f"Group {i}", "")
        content.join_group(network, group.id, who)
        content.schedule_meeting(network, lead, content.MeetingFields(
            title=f"Meeting {i}", day=NOW.date() + timedelta(days=30 + i), start=NOW.time()))
        session = open_session(people, network, title=f"Session {i}")
        sessions.sign_up(session, people["bet"], NOW)


def test_network_pages_do_not_run_a_query_per_row(client, auth, people, network, make_user,
                                                  make_partnership, add_member):
    auth.login(people["bet"])
    urls = [f"/networks/{network.id}{tail}" for tail in
            ("", "/channel", "/meetings", "/groups", "/resources")] + ["/networks",
                                                                       "/cpd/open", "/cpd/mine"]
    _add_rows(people, network, make_user, make_partnership, add_member, 0, 2)
    for url in urls:  # a first visit makes the calendar feed's address, and the like
        client.get(url)
    few = {url: count_queries(client, url) for url in urls}
    _add_rows(people, network, make_user, make_partnership, add_member, 2, 6)
    many = {url: count_queries(client, url) for url in urls}
    assert many == few
