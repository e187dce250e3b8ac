"""The network's pages and the open session's page over HTTP: pages and htmx fragments,
who gets 404 or 403, and bad input that gets a clear message and changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import HTMX
from tests.networks.conftest import NOW, open_session
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import CpdSession, NetworkMeeting, NetworkPost, Notification, SupplyClaim
from workspace.models.cpd import Attendance, ClaimKind, SessionAudience
from workspace.services.cpd import ical, sessions, supply
from workspace.services.networks import content
from workspace.services.networks import partners as networks
from workspace.services.partnerships import membership


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_the_network_page_shows_partners_to_partners_only(client, auth, people, network):
    auth.login(people["bet"])
    page = client.get(f"/networks/{network.id}").get_data(as_text=True)
    assert "Northumberland Music Hub" in page and "Tees Valley Music Hub" in page
    assert "Alf Member" not in page and "Ada Lead" not in page
    assert "Leave the network" not in page  # Bet leads nothing
    auth.logout()
    auth.login(people["cy"])
    assert client.get(f"/networks/{network.id}").status_code == 404
    assert client.get(f"/networks/{network.id}/channel").status_code == 404
    assert f'href="/networks/{network.id}"' not in client.get("/networks").get_data(as_text=True)


def test_the_channel_posts_by_htmx_and_refuses_an_empty_message(client, auth, people, network):
    auth.login(people["bet"])
    answer = client.post(f"/networks/{network.id}/channel", data={"body": "  "}, headers=HTMX)
    assert answer.status_code == 422 and b"Write a message first." in answer.data
    assert _count(NetworkPost) == 0
    answer = client.post(f"/networks/{network.id}/channel",
                         data={"body": "Kit list: <b>soon</b>"}, headers=HTMX)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in body
    assert "Kit list: &lt;b&gt;soon&lt;/b&gt;" in body and "Tees Valley Music Hub" in body
    page = client.get(f"/networks/{network.id}/channel").get_data(as_text=True)
    assert "<html" in page and "Kit list" in page


def test_only_leads_schedule_meetings_and_a_bad_date_changes_nothing(client, auth, people,
                                                                     network):
    auth.login(people["alf"])
    assert client.get(f"/networks/{network.id}/meetings/new").status_code == 403
    auth.logout()
    auth.login(people["bea"])
    answer = client.post(f"/networks/{network.id}/meetings/new",
                         data={"title": "Spring meeting", "day": "31/02/2027", "start": "10:00"})
    assert answer.status_code == 422 and b"Enter the date." in answer.data
    assert _count(NetworkMeeting) == 0
    answer = client.post(f"/networks/{network.id}/meetings/new",
                         data={"title": "Spring meeting", "day": "2027-03-10", "start": "10:00",
                               "agenda": "1. Welcome"})
    assert answer.status_code == 302 and _count(NetworkMeeting) == 1


def test_the_invitation_link_page(client, auth, people, network):
    _, token = networks.create_invite(network, people["ada"], "Cumbria", NOW)
    assert client.get(f"/networks/join/{token}").status_code == 302  # sign in first
    auth.login(people["bet"])  # leads no partnership
    page = client.get(f"/networks/join/{token}").get_data(as_text=True)
    assert "you lead no partnership" in page
    client.post(f"/networks/join/{token}", data={"partnership": str(people["hub_b"].id)})
    assert networks.invite_by_token(token, NOW)  # still unused
    auth.logout()
    auth.login(people["cy"])
    answer = client.post(f"/networks/join/{token}",
                         data={"partnership": str(people["hub_b"].id)})  # not theirs to bring
    assert answer.status_code == 422
    assert networks.standing(people["bea"], network.id).partners  # unchanged
    answer = client.post(f"/networks/join/{token}",
                         data={"partnership": str(people["hub_c"].id)})
    assert answer.status_code == 302
    assert client.get(f"/networks/join/{token}").status_code == 410
    assert client.get("/networks/join/no-such-token").status_code == 404


def test_a_session_opens_to_a_network_from_its_form(client, auth, people, network):
    cpd_network = sessions.create_network(people["hub_a"], name="SEND practitioners")
    auth.login(people["ada"])
    url = f"/p/{people['hub_a'].id}/cpd/networks/{cpd_network.id}/sessions/new"
    form = {"title": "Adaptive instruments", "day": (NOW + timedelta(days=9)).date().isoformat(),
            "start": "09:30", "end": "15:30", "capacity": "10", "learning_hours": "5",
            "timezone": "Europe/London"}
    page = client.get(url).get_data(as_text=True)
    assert f'value="network-{network.id}"' in page
    other = networks.create_network(people["hub_c"], people["cy"], name="Elsewhere")
    answer = client.post(url, data={**form, "open_to": f"network-{other.id}"})
    assert answer.status_code == 422 and _count(CpdSession) == 0
    answer = client.post(url, data={**form, "open_to": f"network-{network.id}"})
    assert answer.status_code == 302
    created = db.session.scalar(select(CpdSession))
    assert created.audience == SessionAudience.NETWORK
    assert created.audience_network_id == network.id


def test_a_guest_books_on_the_open_page_and_the_host_sees_a_guest(client, auth, people,
                                                                    network):
    session = open_session(people, network)
    auth.login(people["bet"])
    assert f"/cpd/open/{session.id}".encode() in client.get("/cpd/open").data
    page = client.get(f"/cpd/open/{session.id}")
    assert page.status_code == 200 and b"Run by Northumberland Music Hub" in page.data
    assert client.get(f"/p/{people['hub_a'].id}/cpd/sessions/{session.id}").status_code == 404
    card = client.post(f"/cpd/open/{session.id}/signup", headers=HTMX)
    assert card.status_code == 200 and b"You have a place." in card.data
    assert b"<html" not in card.data
    told = db.session.scalar(select(Notification).where(
        Notification.user_id == people["bet"].id))
    assert told.link == f"/cpd/open/{session.id}"
    assert b"BEGIN:VCALENDAR" in client.get(f"/cpd/open/{session.id}.ics").data
    auth.logout()
    auth.login(people["ada"])
    host = client.get(f"/p/{people['hub_a'].id}/cpd/sessions/{session.id}")
    assert b'Bet Teacher <small class="badge">guest</small>' in host.data
    auth.logout()
    auth.login(people["cy"])
    assert client.get(f"/cpd/open/{session.id}").status_code == 404
    assert client.post(f"/cpd/open/{session.id}/signup").status_code == 404
    assert sessions.booking_of(session, people["cy"]) is None


@pytest.mark.parametrize("endpoint", ["remove_post", "remove_resource"])
def test_only_the_author_or_a_convenor_removes(client, auth, people, network, endpoint):
    bet = networks.standing(people["bet"], network.id)
    made = (content.post(network, bet, "hello", NOW) if endpoint == "remove_post" else
            content.add_resource(network, bet, title="Kit", url="https://example.org/kit"))
    model, made_id = type(made), made.id
    path = {"remove_post": f"channel/{made_id}", "remove_resource": f"resources/{made_id}"}
    auth.login(people["bea"])  # a lead, but of a partner that does not convene
    assert client.post(f"/networks/{network.id}/{path[endpoint]}/remove").status_code == 403
    auth.logout()
    auth.login(people["ada"])
    assert client.post(f"/networks/{network.id}/{path[endpoint]}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(model, made_id) is None


def test_a_guest_claims_supply_cover_at_the_hosts_rates_and_the_host_decides(
        client, auth, people, network):
    session = open_session(people, network)
    supply.set_rates(people["hub_a"], people["ada"], day_pence=11000, half_day_pence=5500)
    booking = sessions.sign_up(session, people["bet"], NOW)
    auth.login(people["bet"])
    answer = client.post(f"/cpd/open/{session.id}/claim", data={"kind": "day"}, headers=HTMX)
    assert answer.status_code == 422  # not marked attending yet: nothing claimed
    assert db.session.scalar(select(func.count(SupplyClaim.id))) == 0
    sessions.mark_attendance(session, booking.id, Attendance.ATTENDED, people["ada"],
                             session.ends_at)
    answer = client.post(f"/cpd/open/{session.id}/claim", data={"kind": "day"}, headers=HTMX)
    assert answer.status_code == 200 and b"You claimed \xc2\xa3110.00" in answer.data
    claim = db.session.scalar(select(SupplyClaim))
    assert claim.partnership_id == people["hub_a"].id
    auth.logout()
    auth.login(people["ada"])
    assert b"Bet Teacher" in client.get(f"/p/{people['hub_a'].id}/cpd/supply").data


def test_a_guests_calendar_feed_links_to_the_open_page(people, network):
    session = open_session(people, network)
    sessions.sign_up(session, people["bet"], NOW)
    feed = ical.feed_calendar(people["bet"], "https://workspace.example", NOW)
    (event,) = feed.walk("VEVENT")
    assert str(event["URL"]) == f"https://workspace.example/cpd/open/{session.id}"


def test_a_suspended_hosts_open_session_is_not_found(client, auth, people, network):
    session = open_session(people, network)
    sessions.sign_up(session, people["bet"], NOW)
    people["hub_a"].suspended_at = NOW
    db.session.commit()
    auth.login(people["bet"])
    assert client.get(f"/cpd/open/{session.id}").status_code == 404
    assert client.post(f"/cpd/open/{session.id}/withdraw").status_code == 404
    assert f"/cpd/open/{session.id}" not in client.get("/cpd/open").get_data(as_text=True)


def test_a_guests_place_on_her_dashboard_and_my_cpd_opens_the_open_page(client, auth, people,
                                                                         network):
    session = open_session(people, network)
    sessions.sign_up(session, people["bet"], NOW)
    auth.login(people["bet"])
    for page in ("/", "/cpd/mine"):
        body = client.get(page).get_data(as_text=True)
        assert f'href="/cpd/open/{session.id}"' in body, page
        assert f"/p/{people['hub_a'].id}/" not in body, page


class TestPostingLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "CHAT_POST_RATE_LIMIT": "2 per minute"}

    def test_posting_too_fast_in_the_network_answers_429(self, client, auth, people, network):
        auth.login(people["bet"])
        url = f"/networks/{network.id}/channel"
        for n in range(2):
            assert client.post(url, data={"body": f"Quick {n}"}, headers=HTMX).status_code == 200
        assert client.post(url, data={"body": "One too many"}, headers=HTMX).status_code == 429
        assert _count(NetworkPost) == 2
        assert client.get(url).status_code == 200  # reading is not limited


def test_a_member_who_leaves_keeps_no_page_of_a_members_only_session(client, auth, people,
                                                                       network):
    session = open_session(people, network, audience=SessionAudience.PARTNERSHIP,
                           audience_network_id=None, online_url="https://meet.example.org/room")
    sessions.sign_up(session, people["alf"], NOW)
    alf = membership.find_membership(people["hub_a"].id, people["alf"])
    membership.remove_member(people["hub_a"], alf.id, people["ada"])
    auth.login(people["alf"])
    for url in (f"/cpd/open/{session.id}", f"/cpd/open/{session.id}.ics"):
        assert client.get(url).status_code == 404, url
    assert "meet.example.org/room" not in client.get("/cpd/mine").get_data(as_text=True)


def test_a_guest_keeps_the_page_of_her_place_when_the_session_closes_to_her(
        client, auth, people, network):
    session = open_session(people, network)
    sessions.sign_up(session, people["bet"], NOW)
    hub_b = next(p for p in networks.partners(network)
                 if p.partnership_id == people["hub_b"].id)
    networks.remove_partner(network, hub_b.id, networks.standing(people["ada"], network.id))
    auth.login(people["bet"])
    assert client.get(f"/cpd/open/{session.id}").status_code == 200
    assert f'href="/cpd/open/{session.id}"' in client.get("/cpd/mine").get_data(as_text=True)
    feed = ical.feed_calendar(people["bet"], "https://workspace.example", NOW)
    assert [str(e["URL"]) for e in feed.walk("VEVENT")] == [
        f"https://workspace.example/cpd/open/{session.id}"]


def test_the_host_supply_export_names_a_guest_without_her_address(people, network):
    session = open_session(people, network)
    supply.set_rates(people["hub_a"], people["ada"], day_pence=11000, half_day_pence=5500)
    booking = sessions.sign_up(session, people["bet"], NOW)
    sessions.mark_attendance(session, booking.id, Attendance.ATTENDED, people["ada"],
                             session.ends_at)
    claim = supply.claim_supply(session, people["bet"], kind=ClaimKind.DAY)
    supply.approve_claim(people["hub_a"], claim.id, people["ada"], session.ends_at)
    exported = supply.export_csv(people["hub_a"])
    assert "Bet Teacher" in exported and "bet@example.org" not in exported


def test_a_post_that_claims_to_restore_history_gets_the_card_not_a_page(client, auth, people,
                                                                         network):
    session = open_session(people, network)
    auth.login(people["bet"])
    answer = client.post(f"/cpd/open/{session.id}/signup",
                         headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert answer.status_code == 200 and b"You have a place." in answer.data
    assert b"<html" not in answer.data


def test_one_partnership_by_two_links_joins_once(people, network):
    _, first = networks.create_invite(network, people["ada"], "", NOW)
    _, second = networks.create_invite(network, people["ada"], "", NOW)
    networks.accept_invite(first, people["hub_c"], people["cy"], NOW)
    with pytest.raises(DomainError, match="already in"):
        networks.accept_invite(second, people["hub_c"], people["cy"], NOW)
