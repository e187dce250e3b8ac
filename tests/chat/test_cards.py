"""Cards: references and links found in messages, each card's state for the person looking,
acting from the card, and the "card" events that keep every open card current."""

from datetime import date, timedelta

import pytest
from flask import render_template

from tests.chat.cards_world import make_session, make_world
from tests.conftest import HTMX, as_member
from tests.seed_copy import load_seed
from workspace.clock import utcnow
from workspace.infra import live
from workspace.models.cpd import BookingStatus
from workspace.models.steering import ActionStatus
from workspace.services.catalogue import items
from workspace.services.chat import cards, messages
from workspace.services.cpd import sessions
from workspace.services.progress import tracking
from workspace.services.steering import actions


@pytest.fixture
def world(make_user, make_partnership, add_member):
    return make_world(make_user, make_partnership, add_member)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _card(client, world, ref: str):
    return client.get(f"/p/{world.hub.id}/chat/card", query_string={"ref": ref}, headers=HTMX)


# --- finding references -------------------------------------------------------------------


def test_short_references_are_found_in_order_each_once(app):
    text = ("Sign up to #cpd-12, then see #qual-CME-U6. Also #action-7 and #poll-3; "
            "again #cpd-12, and #qual-L3-CCP: done")
    assert cards.find_refs(text, 1) == ["cpd-12", "qual-CME-U6", "action-7", "poll-3",
                                             "qual-L3-CCP"]


@pytest.mark.parametrize("text", [
    "no#cpd-12", "&#cpd-12;", "##cpd-12", "#cpd-", "#cpd-12abc", "#cpd-x", "#meeting-3",
    "#qual-", "`/#cpd-4`"])
def test_things_that_are_not_references(app, text):
    assert cards.find_refs(text, 1) == []


def test_only_the_first_five_references_make_cards(app):
    text = " ".join(f"#cpd-{n}" for n in range(1, 9))
    assert cards.find_refs(text, 1) == [f"cpd-{n}" for n in range(1, 6)]


def test_parse_ref_accepts_only_card_references(app):
    assert cards.parse_ref("cpd-012") == ("cpd", "12")
    assert cards.parse_ref("qual-CME") == ("qual", "CME")
    for bad in ("", "cpd", "cpd-", "cpd-1x", "meeting-2", "qual-<b>", "poll-1/2"):
        assert cards.parse_ref(bad) is None


def test_pasted_links_to_record_pages_become_references(app, world):
    load_seed()
    item = items.find_item("CME")
    hub = world.hub
    action = actions.create_action(hub, world.lead, actions.ActionFields(title="Book it"))
    text = (f"Session: http://localhost/p/{hub.id}/cpd/sessions/{world.session.id} and "
            f"the qualification /catalogue/items/{item.id}. The list "
            f"http://localhost/p/{hub.id}/cpd/ is not a record; "
            f"http://elsewhere.example/p/{hub.id}/cpd/sessions/99 is another site; "
            f"http://localhost/p/{world.zebra.id}/cpd/sessions/{world.zebra_session.id} "
            f"is another partnership's. The action: /p/{hub.id}/actions/{action.id}.")
    with app.test_request_context(base_url="http://localhost"):
        refs = cards.find_refs(text, hub.id)
    assert refs == [f"cpd-{world.session.id}", "qual-CME", f"action-{action.id}"]


def test_message_cards_template_makes_one_live_placeholder_per_reference(app, world):
    message = messages.post_message(world.general, world.lead,
                                f"Places left on #cpd-{world.session.id}! #cpd-{world.session.id}")
    with app.test_request_context():
        html = render_template("chat/_message_cards.html", message=message)
    ref = f"cpd-{world.session.id}"
    assert html.count('class="chat-card"') == 1
    assert f'hx-get="/p/{world.hub.id}/chat/card?ref={ref}"' in html
    assert f'hx-trigger="load, sse:card-{ref}"' in html
    messages.delete_message(message, world.lead)
    with app.test_request_context():
        assert "chat-card" not in render_template("chat/_message_cards.html", message=message)


def test_the_channel_page_draws_its_cards_for_the_viewer_without_more_requests(
        client, auth, world):
    messages.post_message(world.general, world.lead, f"Places on #cpd-{world.session.id}")
    sessions.sign_up(world.session, world.ann, utcnow())
    auth.login(world.ann)
    page = _text(client.get(f"/p/{world.hub.id}/chat/channels/{world.general.id}"))
    ref = f"cpd-{world.session.id}"
    assert f'hx-trigger="sse:card-{ref}"' in page and "load, sse:" not in page
    assert "2 seats left" in page and "You have a place" in page  # Ann's own state


# --- CPD session cards --------------------------------------------------------------------


def test_card_shows_the_current_seats_and_the_viewers_state(client, auth, world):
    auth.login(world.ann)
    ref = f"cpd-{world.session.id}"
    page = _text(_card(client, world, ref))
    assert "Singing in the primary classroom" in page and "Primary music teachers" in page
    assert "3 seats left" in page and "Sign up" in page
    assert "Sun 3 Mar 2030, 09:30" in page  # London time (GMT in March before the clocks go)
    sessions.sign_up(world.session, world.bob, utcnow())
    page = _text(_card(client, world, ref))
    assert "2 seats left" in page and "Sign up" in page


def test_signing_up_from_the_card_books_the_viewer_and_refreshes_the_card(client, auth, world):
    auth.login(world.ann)
    ref = f"cpd-{world.session.id}"
    before = live.last_event_id(world.hub.id)
    response = client.post(f"/p/{world.hub.id}/chat/card/signup", query_string={"ref": ref},
                           headers=HTMX)
    page = _text(response)
    assert response.status_code == 200
    assert "You have a place" in page and "2 seats left" in page
    assert sessions.booking_of(world.session, world.ann).status == BookingStatus.BOOKED
    events = live.events_after(world.hub.id, before)
    assert [(e.kind, e.ref) for e in events] == [("card", ref)]

    response = client.post(f"/p/{world.hub.id}/chat/card/withdraw", query_string={"ref": ref},
                           headers=HTMX)
    assert "3 seats left" in _text(response) and "Sign up" in _text(response)
    assert sessions.booking_of(world.session, world.ann).status == BookingStatus.CANCELLED


def test_a_full_session_offers_the_waiting_list(client, auth, world, make_user, add_member):
    for _n in range(3):
        sessions.sign_up(world.session, add_member(world.hub, make_user()).user, utcnow())
    auth.login(world.ann)
    ref = f"cpd-{world.session.id}"
    assert "Join the waiting list" in _text(_card(client, world, ref))
    page = _text(client.post(f"/p/{world.hub.id}/chat/card/signup", query_string={"ref": ref},
                             headers=HTMX))
    assert "Full" in page and "number 1 on the waiting list" in page
    assert sessions.booking_of(world.session, world.ann).status == BookingStatus.WAITING


def test_a_refused_sign_up_answers_422_with_the_reason(client, auth, world):
    network = world.session.network
    closed = make_session(world.hub, network, "Last year's day",
                          day=date.today() - timedelta(days=30))
    auth.login(world.ann)
    ref = f"cpd-{closed.id}"
    assert "Sign-up is closed" in _text(_card(client, world, ref))
    response = client.post(f"/p/{world.hub.id}/chat/card/signup", query_string={"ref": ref},
                           headers=HTMX)
    assert response.status_code == 422
    assert "Sign-up for this session has closed." in _text(response)
    assert sessions.booking_of(closed, world.ann) is None


def test_without_javascript_the_card_form_goes_back_with_a_message(client, auth, world):
    auth.login(world.ann)
    response = client.post(f"/p/{world.hub.id}/chat/card/signup",
                           query_string={"ref": f"cpd-{world.session.id}"})
    assert response.status_code == 302
    assert sessions.booking_of(world.session, world.ann).status == BookingStatus.BOOKED


def test_other_partnerships_records_show_nothing_and_cannot_be_acted_on(client, auth, world):
    auth.login(world.ann)
    for ref in (f"cpd-{world.zebra_session.id}", f"action-{world.zebra_action_id}",
                f"poll-{world.zebra_poll_id}", "cpd-99999", "nonsense", ""):
        response = _card(client, world, ref)
        assert response.status_code == 200
        assert "not available" in _text(response) and "Zebra" not in _text(response)
    response = client.post(f"/p/{world.hub.id}/chat/card/signup",
                           query_string={"ref": f"cpd-{world.zebra_session.id}"}, headers=HTMX)
    assert response.status_code == 404 and "Zebra" not in _text(response)
    assert sessions.booking_of(world.zebra_session, world.ann) is None
    response = client.post(f"/p/{world.hub.id}/chat/card/done",
                           query_string={"ref": f"action-{world.zebra_action_id}"},
                           headers=HTMX)
    assert response.status_code == 404


def test_the_card_endpoint_is_for_members_only(client, auth, world):
    auth.login(world.zebra_lead)
    response = _card(client, world, f"cpd-{world.session.id}")
    assert response.status_code == 404 and "Singing" not in _text(response)


# --- qualification cards ------------------------------------------------------------------


def test_qualification_card_opens_and_enrols(client, auth, world):
    load_seed()
    item = items.find_item("CME")
    auth.login(world.ann)
    page = _text(_card(client, world, "qual-CME"))
    assert item.title in page and "Qualification" in page and "Current" in page
    assert f"/catalogue/items/{item.id}" in page and ">Enrol<" in page
    page = _text(client.post(f"/p/{world.hub.id}/chat/card/enrol",
                             query_string={"ref": "qual-CME"}, headers=HTMX))
    assert "You are enrolled" in page
    assert [e.item_id for e in tracking.list_enrolments(world.ann)] == [item.id]
    response = client.post(f"/p/{world.hub.id}/chat/card/enrol",
                           query_string={"ref": "qual-CME"}, headers=HTMX)
    assert response.status_code == 422 and "already enrolled" in _text(response)


def test_a_module_card_has_no_enrol_button(client, auth, world):
    load_seed()
    auth.login(world.ann)
    page = _text(_card(client, world, "qual-CME-U6"))
    assert "Module" in page and ">Enrol<" not in page
    assert "not available" in _text(_card(client, world, "qual-NO-SUCH-CODE"))


# --- action cards -------------------------------------------------------------------------


def _action(world, owner, due_on=None, title="Book the hall for the singing day"):
    return actions.create_action(world.hub, world.lead, actions.ActionFields(
        title=title, owner_id=owner.id if owner else None, due_on=due_on))


def test_action_card_shows_owner_due_date_and_overdue(client, auth, world):
    action = _action(world, world.ann, due_on=date(2020, 1, 31))
    auth.login(world.steer)
    page = _text(_card(client, world, f"action-{action.id}"))
    assert "Book the hall for the singing day" in page and "Ann Teacher" in page
    assert "31 Jan 2020" in page and "Overdue" in page and "Mark done" in page


def test_an_action_is_seen_by_steering_and_its_owner_only(client, auth, world):
    action = _action(world, world.ann)
    auth.login(world.bob)
    page = _text(_card(client, world, f"action-{action.id}"))
    assert "not available" in page and "Book the hall" not in page
    response = client.post(f"/p/{world.hub.id}/chat/card/done",
                           query_string={"ref": f"action-{action.id}"}, headers=HTMX)
    assert response.status_code == 404
    auth.logout()
    auth.login(world.ann)
    page = _text(client.post(f"/p/{world.hub.id}/chat/card/done",
                             query_string={"ref": f"action-{action.id}"}, headers=HTMX))
    assert "Done" in page and "Mark done" not in page
    assert action.status == ActionStatus.DONE and action.completed_at is not None


def test_marking_a_finished_action_done_again_is_refused(client, auth, world):
    action = _action(world, None)
    actions.set_status(action, as_member(action, world.lead), ActionStatus.DROPPED, utcnow())
    auth.login(world.steer)
    response = client.post(f"/p/{world.hub.id}/chat/card/done",
                           query_string={"ref": f"action-{action.id}"}, headers=HTMX)
    assert response.status_code == 422 and "already dropped" in _text(response)
    assert action.status == ActionStatus.DROPPED


# --- keeping cards current ----------------------------------------------------------------


def test_changes_behind_cards_publish_card_events(app, world):
    start = live.last_event_id(world.hub.id)
    zebra_start = live.last_event_id(world.zebra.id)
    sessions.sign_up(world.session, world.ann, utcnow())
    action = _action(world, world.ann)
    actions.set_status(action, as_member(action, world.ann), ActionStatus.IN_PROGRESS, utcnow())
    refs = [e.ref for e in live.events_after(world.hub.id, start) if e.kind == "card"]
    assert refs == [f"cpd-{world.session.id}", f"action-{action.id}"]
    assert live.events_after(world.zebra.id, zebra_start) == []
