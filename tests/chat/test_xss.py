"""A corpus of known XSS payloads (xss_payloads.txt), posted as messages through the composer:
neither the stored HTML nor the pages that show it hold anything that could run."""

import re
from collections import Counter

import pytest
from sqlalchemy import select

from tests.chat.core_world import make_world
from tests.chat.xss_check import PAYLOADS, findings
from tests.conftest import HTMX
from workspace.extensions import db
from workspace.models import Message


@pytest.fixture
def world(make_user, make_partnership, add_member):
    return make_world(make_user, make_partnership, add_member)


def _post_all(client, world) -> None:
    """Post every payload; the answers (a fresh composer, the message) hold nothing either."""
    url = f"/p/{world.hub.id}/chat/channels/{world.general.id}/messages"
    for payload in PAYLOADS:
        response = client.post(url, data={"body": payload}, headers=HTMX)
        assert response.status_code == 200, payload
        found, seen = findings(response.get_data(as_text=True), page=True)
        composer = [f for f in found if f[:2] == ("tag", "form") and
                    ("class", "chat-composer") in f[2]]
        assert seen == 1 and found == composer and len(composer) == 1, (payload, found)


def test_the_corpus_is_large_and_varied():
    assert len(PAYLOADS) >= 100
    text = "\n".join(PAYLOADS).lower()
    for needle in ("<script", "onerror", "javascript:", "data:", "vbscript:", "<svg", "<math",
                   "&#106;", "<iframe", "<object", "<embed", "<meta", "formaction", "<style",
                   "](javascript:", "![", "<!--", "cdata", "expression("):
        assert needle in text, needle


def test_stored_html_holds_nothing_executable(client, auth, world):
    auth.login(world.ann)
    _post_all(client, world)
    messages = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert [m.body for m in messages] == [p.strip() for p in PAYLOADS]
    for message in messages:
        found, _ = findings(message.body_html)
        assert found == [], (message.body, message.body_html, found)


def test_channel_and_search_pages_hold_nothing_executable(client, auth, world):
    auth.login(world.ann)
    channel_url = f"/p/{world.hub.id}/chat/channels/{world.general.id}"
    baseline = Counter(findings(client.get(channel_url).get_data(as_text=True), page=True)[0])
    _post_all(client, world)
    url, bodies = channel_url, 0
    while url:
        page = client.get(url).get_data(as_text=True)
        found, seen = findings(page, page=True)
        assert Counter(found) - baseline == Counter(), found
        bodies += seen
        earlier = re.search(r'href="([^"]*before=\d+)"', page)
        url = earlier.group(1).replace("&amp;", "&") if earlier else None
    assert bodies == len(PAYLOADS)
    search = f"/p/{world.hub.id}/chat/search?q="
    baseline = Counter(findings(client.get(search + "nothing-like-it").get_data(as_text=True),
                                page=True)[0])
    page = client.get(search + "__xss").get_data(as_text=True)
    found, seen = findings(page, page=True)
    assert seen >= 50 and Counter(found) - baseline == Counter(), found
