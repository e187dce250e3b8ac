"""Two people in one channel, each in their own browser: one posts, the other sees it without
reloading; the first shares a CPD session, the second signs up from its card, and the first sees
the seats left change on their own card, again without reloading. (How fast: bench/.)"""

from datetime import time as at
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle, log_in
from workspace.extensions import db
from workspace.models.partnerships import Role
from workspace.services.chat import messages
from workspace.services.cpd import sessions

pytestmark = pytest.mark.browser
STREAM_OPEN = """() => {
  const source = document.querySelector('[sse-connect]');
  const data = source && source['htmx-internal-data'];
  return !!(data && data.sseEventSource && data.sseEventSource.readyState === 1);
}"""


@pytest.fixture
def hub(make_user, make_partnership, add_member, clock):
    lead = make_user(name="Priya Shah", email="priya@example.org", password=PASSWORD)
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    ann = add_member(hub, make_user(name="Ann Teacher", email="ann@example.org",
                                    password=PASSWORD), Role.MEMBER).user
    network = sessions.create_network(hub, name="Primary music teachers", coordinator=lead)
    session = sessions.schedule_session(hub, network, sessions.SessionFields(
        title="Singing in the primary classroom", day=clock.ahead(30), start=at(9, 30),
        end=at(15, 30), capacity=3, venue="Riverside Music Centre",
        learning_hours=Decimal("5.5")))
    return hub, messages.general_channel(hub), session, ann


def open_channel(page, base, hub, channel):
    page.goto(f"{base}/p/{hub.id}/chat/channels/{channel.id}")
    expect(page.get_by_role("heading", name=channel.name)).to_be_visible()
    page.wait_for_function(STREAM_OPEN)


def marks_read(page):
    """The page's POST that marks its channel read, once a burst of live messages is over."""
    return page.expect_response(
        lambda response: response.request.method == "POST" and response.url.endswith("/read"))


def send(page, text):
    composer = page.locator("#composer textarea")
    composer.fill(text)
    composer.press("Enter")


def test_live_messages_and_a_card_that_stays_current(live_server, new_page, hub, shot):
    hub, general, session, ann_user = hub
    priya, ann = new_page(), new_page()
    log_in(priya, live_server, "priya@example.org")
    log_in(ann, live_server, "ann@example.org")
    open_channel(priya, live_server, hub, general)
    open_channel(ann, live_server, hub, general)

    with marks_read(ann) as marked:
        send(priya, "Hello everyone, the spring CPD dates are out")
        expect(ann.get_by_text("Hello everyone, the spring CPD dates are out")).to_be_visible()
        # It arrived in the messages' live region, which screen readers read out.
        expect(ann.get_by_role("log", name="Messages")).to_contain_text("the spring CPD dates")
        expect(priya.locator("#composer textarea")).to_have_value("")
    assert marked.value.status == 204
    db.session.rollback()  # read what the server committed since
    # Ann saw it arrive: it does not count as unread.
    assert messages.unread_counts([general], ann_user)[general.id] == 0

    send(priya, f"Places are limited: #cpd-{session.id}")
    priya_card = priya.locator(".chat-card", has_text="Singing in the primary classroom")
    ann_card = ann.locator(".chat-card", has_text="Singing in the primary classroom")
    expect(ann_card).to_contain_text("3 seats left")
    expect(priya_card).to_contain_text("3 seats left")
    shot(ann, "chat-01-card-before")

    ann_card.get_by_role("button", name="Sign up").click()
    expect(ann_card).to_contain_text("You have a place")
    expect(ann_card).to_contain_text("2 seats left")
    htmx_idle(ann)
    assert sessions.booking_of(session, ann_user).status.value == "booked"

    expect(priya_card).to_contain_text("2 seats left")
    expect(priya_card.get_by_role("button", name="Sign up")).to_be_visible()  # her own state
    shot(priya, "chat-02-card-after")
    shot(ann, "chat-03-card-signed-up")


def test_a_poll_from_the_composer_counts_votes_live(live_server, new_page, hub, shot):
    hub, general, _session, _ann = hub
    priya, ann = new_page(), new_page()
    log_in(priya, live_server, "priya@example.org")
    log_in(ann, live_server, "ann@example.org")
    open_channel(priya, live_server, hub, general)
    open_channel(ann, live_server, hub, general)

    send(priya, "/poll Which date suits? | 3 March | 10 March")
    panel = priya.locator("#composer-panel")
    expect(panel.get_by_label("Question")).to_have_value("Which date suits?")
    expect(panel.get_by_label("Options (one a line, 2 to 10)")).to_have_value(
        "3 March\n10 March")
    shot(priya, "chat-04-poll-form")
    panel.get_by_role("button", name="Post the poll").click()
    expect(panel).to_contain_text("The poll is posted.")
    expect(priya.locator("#composer textarea")).to_have_value("")

    ann_card = ann.locator(".chat-card", has_text="Which date suits?")
    ann_card.locator(".poll-option", has_text="10 March").get_by_role(
        "button", name="Vote").click()
    expect(ann_card.locator(".poll-option", has_text="10 March")).to_contain_text("Your vote")
    priya_option = priya.locator(".chat-card .poll-option", has_text="10 March")
    expect(priya_option).to_contain_text("1 vote")
    expect(priya_option.get_by_role("button", name="Vote")).to_be_visible()
    shot(priya, "chat-05-poll-voted")

    send(ann, "/dance")
    expect(ann.locator("#composer-panel")).to_contain_text("/dance is not a command")
    expect(ann.locator("#composer textarea")).to_have_value("/dance")
