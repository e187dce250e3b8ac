"""A channel full of known XSS payloads, in Chromium: nothing runs (no dialog, the canary
`window.__xss` stays unset), also for payloads that arrive live or are typed in the composer;
and the page itself works: Enter sends, live messages appear, the thread panel opens."""

import pytest
from playwright.sync_api import expect

from tests.chat.xss_check import PAYLOADS
from tests.e2e.conftest import PASSWORD, htmx_idle, log_in
from workspace.models.partnerships import Role
from workspace.services.chat import messages

pytestmark = pytest.mark.browser


@pytest.fixture
def hub(make_user, make_partnership, add_member):
    lead = make_user(name="Priya Shah", email="priya@example.org", password=PASSWORD)
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    ann = add_member(hub, make_user(name="Ann Teacher", email="ann@example.org",
                                    password=PASSWORD), Role.MEMBER).user
    general = messages.general_channel(hub)
    root = messages.post_message(general, lead, "Welcome to the **hub**, @Ann Teacher!")
    messages.post_message(general, ann, "Thanks! See `#cpd` soon.", parent=root)
    for payload in PAYLOADS:
        messages.post_message(general, lead, payload)
    return hub, general, lead


def _watch(page) -> list[str]:
    dialogs: list[str] = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return dialogs


def test_payloads_do_not_run_and_the_page_works(live_server, new_page, hub, shot):
    partnership, general, lead = hub
    page = new_page()
    dialogs = _watch(page)
    log_in(page, live_server, "ann@example.org")
    page.goto(f"{live_server}/p/{partnership.id}/chat/channels/{general.id}")
    htmx_idle(page)
    while page.get_by_role("button", name="Load earlier messages").count():
        page.get_by_role("button", name="Load earlier messages").click()
        htmx_idle(page)
    expect(page.locator("#messages .chat-msg")).to_have_count(len(PAYLOADS) + 1)
    page.mouse.move(400, 400)
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__xss") == "undefined" and dialogs == []

    # Payloads arriving live, and typed into the composer (Enter sends).
    messages.post_message(general, lead, "<img src=x onerror=window.__xss=1> live **one**")
    expect(page.get_by_text("live one")).to_be_visible(timeout=5000)
    box = page.locator("#composer-body")
    box.fill("<svg onload=window.__xss=1>")
    box.press("Shift+Enter")
    box.type("[x](javascript:window.__xss=1) typed")
    box.press("Enter")
    expect(page.locator("#messages .chat-msg").last).to_contain_text("typed")
    expect(page.locator("#composer-body")).to_have_value("")
    page.wait_for_timeout(1500)  # the stream's copy of it arrives, and is not shown twice
    expect(page.locator("#messages .chat-msg", has_text="typed")).to_have_count(1)
    assert page.evaluate("typeof window.__xss") == "undefined" and dialogs == []


def test_layout_thread_and_phone(live_server, new_page, hub, shot):
    partnership, general, _ = hub
    page = new_page()
    log_in(page, live_server, "ann@example.org")
    page.goto(f"{live_server}/p/{partnership.id}/chat/channels/{general.id}")
    htmx_idle(page)
    page.locator("#messages").evaluate("box => box.scrollTop = 0")
    shot(page, "chat-channel-desktop")
    page.goto(f"{live_server}/p/{partnership.id}/chat/channels/{general.id}?before=4")
    page.get_by_role("link", name="1 reply").click()
    expect(page.locator("#thread-panel")).to_contain_text("Thanks! See")
    page.locator("#reply-composer-body").fill("A reply from the thread")
    page.locator("#reply-composer-body").press("Enter")
    expect(page.locator("#thread-panel")).to_contain_text("A reply from the thread")
    expect(page.get_by_role("link", name="2 replies")).to_be_visible()
    shot(page, "chat-thread-desktop")
    phone = new_page(viewport={"width": 390, "height": 844})
    log_in(phone, live_server, "ann@example.org")
    phone.goto(f"{live_server}/p/{partnership.id}/chat/channels/{general.id}")
    htmx_idle(phone)
    expect(phone.locator(".chat-channels")).not_to_have_attribute("open", "")
    shot(phone, "chat-channel-phone")
