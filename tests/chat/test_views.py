"""The chat pages and their htmx fragments: channels, the composer, threads, edits, search."""

import pytest
from flask import url_for
from sqlalchemy import func, select

from tests.chat.core_world import make_world
from tests.conftest import HTMX
from workspace.extensions import db
from workspace.models import Message
from workspace.services.chat import messages


@pytest.fixture
def world(make_user, make_partnership, add_member):
    return make_world(make_user, make_partnership, add_member)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _count() -> int:
    return db.session.scalar(select(func.count(Message.id)))


def test_chat_index_opens_the_general_channel(client, auth, world):
    auth.login(world.bob)
    response = client.get(f"/p/{world.hub.id}/chat/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/chat/channels/{world.general.id}")


def test_channel_page_shows_sidebar_messages_composer_and_unread(client, auth, world):
    messages.post_message(world.general, world.lead, "Welcome **everyone**")
    message = messages.post_message(world.network_channel, world.lead, "Strings news")
    messages.edit_message(message, world.lead, "Strings news, edited")
    root = messages.post_message(world.general, world.lead, "Threads work")
    messages.post_message(world.general, world.ann, "Yes", parent=root)
    auth.login(world.ann)
    page = _text(client.get(f"/p/{world.hub.id}/chat/channels/{world.general.id}"))
    assert "<html" in page and "Welcome <strong>everyone</strong>" in page
    assert "Strings teachers" in page and "Steering group" not in page
    assert f'id="unread-{world.network_channel.id}"' in page
    assert 'aria-label="1 unread">1</span>' in page
    assert "1 reply" in page and 'name="body"' in page and 'sse-connect="' in page
    # who is viewing, for static/chat.js to show the author's own controls (no inline style)
    assert f'<meta name="chat-viewer" content="{world.ann.id}" data-sees-history="false">' in page
    page = _text(client.get(f"/p/{world.hub.id}/chat/channels/{world.network_channel.id}"))
    assert "edited</span>" in page
    assert 'aria-label="0 unread"' in page  # opening the channel marked it read


def test_load_earlier_is_a_fragment(client, auth, world):
    posted = [messages.post_message(world.general, world.lead, f"Note {n}") for n in range(52)]
    auth.login(world.bob)
    page = _text(client.get(f"/p/{world.hub.id}/chat/channels/{world.general.id}"))
    assert "Note 1<" not in page and "Note 51<" in page and "Load earlier messages" in page
    url = f"/p/{world.hub.id}/chat/channels/{world.general.id}?before={posted[2].id}"
    fragment = _text(client.get(url, headers=HTMX))
    assert "<html" not in fragment and "Note 0<" in fragment and "Note 1<" in fragment
    assert "Note 2<" not in fragment and "Load earlier" not in fragment


def test_posting_returns_a_fresh_composer_and_the_message(client, auth, world):
    auth.login(world.ann)
    url = f"/p/{world.hub.id}/chat/channels/{world.general.id}/messages"
    response = client.post(url, data={"body": "Hello @Bob"}, headers=HTMX)
    fragment = _text(response)
    assert response.status_code == 200
    assert '<form id="composer"' in fragment and "Hello @Bob</textarea>" not in fragment
    assert 'hx-swap-oob="beforeend:#messages"' in fragment and 'class="mention"' in fragment
    response = client.post(url, data={"body": "Without htmx"})
    assert response.status_code == 302 and _count() == 2


@pytest.mark.parametrize("body, reason", [
    ("   ", "Write a message first."),
    ("y" * 4001, "Messages can be up to 4,000 characters long; this one has 4,001."),
])
def test_a_refused_message_keeps_its_text_and_says_why(client, auth, world, body, reason):
    auth.login(world.ann)
    url = f"/p/{world.hub.id}/chat/channels/{world.general.id}/messages"
    response = client.post(url, data={"body": body}, headers=HTMX)
    fragment = _text(response)
    assert response.status_code == 422
    assert reason in fragment and f">{body}</textarea>" in fragment
    response = client.post(url, data={"body": body})
    assert response.status_code == 422 and reason in _text(response)
    assert "<html" in _text(response)
    assert _count() == 0


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "CHAT_POST_RATE_LIMIT": "2 per minute"}

    def test_posting_too_fast_answers_429_and_keeps_the_text(self, client, auth, world):
        auth.login(world.bob)
        url = f"/p/{world.hub.id}/chat/channels/{world.general.id}/messages"
        for n in range(2):
            assert client.post(url, data={"body": f"Quick {n}"}, headers=HTMX).status_code == 200
        response = client.post(url, data={"body": "One too many"}, headers=HTMX)
        assert response.status_code == 429
        fragment = _text(response)
        assert "You are sending messages too quickly" in fragment
        assert ">One too many</textarea>" in fragment and _count() == 2


def test_non_members_get_404_and_non_steering_members_403_on_steering(client, auth, world):
    base = f"/p/{world.hub.id}/chat/channels/{world.steering.id}"
    auth.login(world.outsider)
    assert client.get(base).status_code == 404
    assert client.post(f"{base}/messages", data={"body": "Hi"}).status_code == 404
    assert client.get(f"/p/{world.hub.id}/chat/").status_code == 404
    auth.logout()
    auth.login(world.bob)
    assert client.get(base).status_code == 403
    assert client.post(f"{base}/messages", data={"body": "Hi"}).status_code == 403
    assert client.get(f"/p/{world.hub.id}/chat/channels/{world.network_channel.id}"
                      ).status_code == 403
    secret = messages.post_message(world.steering, world.lead, "Steering only")
    assert client.get(f"/p/{world.hub.id}/chat/messages/{secret.id}/thread").status_code == 403
    assert client.post(f"/p/{world.hub.id}/chat/messages/{secret.id}/replies",
                       data={"body": "Sneaky"}).status_code == 403
    auth.logout()
    auth.login(world.steer)
    assert client.post(f"{base}/messages", data={"body": "Hi"}).status_code == 302
    assert _count() == 2


def test_thread_panel_and_replies(client, auth, world):
    root = messages.post_message(world.general, world.lead, "Ideas for the concert?")
    auth.login(world.ann)
    thread_url = f"/p/{world.hub.id}/chat/messages/{root.id}/thread"
    fragment = _text(client.get(thread_url, headers=HTMX))
    assert "<html" not in fragment and f'id="replies-{root.id}"' in fragment
    assert 'id="reply-composer"' in fragment
    page = _text(client.get(thread_url))
    assert "<html" in page and "chat-layout has-thread" in page
    response = client.post(f"/p/{world.hub.id}/chat/messages/{root.id}/replies",
                           data={"body": "A *brass* fanfare"}, headers=HTMX)
    fragment = _text(response)
    assert response.status_code == 200 and 'id="reply-composer"' in fragment
    assert f'hx-swap-oob="beforeend:#replies-{root.id}"' in fragment
    assert "1 reply" in fragment and "<em>brass</em>" in fragment
    response = client.post(f"/p/{world.hub.id}/chat/messages/{root.id}/replies",
                           data={"body": ""}, headers=HTMX)
    assert response.status_code == 422 and "Write a message first." in _text(response)


def test_message_link_finds_the_message(client, auth, world):
    root = messages.post_message(world.general, world.lead, "Root")
    reply = messages.post_message(world.general, world.ann, "Reply", parent=root)
    auth.login(world.bob)
    response = client.get(f"/p/{world.hub.id}/chat/messages/{root.id}")
    assert response.headers["Location"].endswith(
        f"/chat/channels/{world.general.id}#msg-{root.id}")
    response = client.get(f"/p/{world.hub.id}/chat/messages/{reply.id}")
    assert response.headers["Location"].endswith(f"/messages/{root.id}/thread#msg-{reply.id}")


def test_author_edits_and_deletes_others_cannot(client, auth, world):
    message = messages.post_message(world.general, world.ann, "Draft")
    base = f"/p/{world.hub.id}/chat/messages/{message.id}"
    auth.login(world.bob)
    assert client.get(f"{base}/edit", headers=HTMX).status_code == 403
    assert client.post(f"{base}/edit", data={"body": "Mine now"}).status_code == 403
    assert client.post(f"{base}/delete").status_code == 403
    auth.logout()
    auth.login(world.ann)
    fragment = _text(client.get(f"{base}/edit", headers=HTMX))
    assert ">Draft</textarea>" in fragment and "<html" not in fragment
    assert "<html" in _text(client.get(f"{base}/edit"))
    response = client.post(f"{base}/edit", data={"body": "x" * 4001}, headers=HTMX)
    assert response.status_code == 422 and "up to 4,000 characters" in _text(response)
    response = client.post(f"{base}/edit", data={"body": "Final"}, headers=HTMX)
    assert response.status_code == 200 and "<p>Final</p>" in _text(response)
    assert "edited</span>" in _text(response)
    response = client.post(f"{base}/delete", headers=HTMX)
    assert "This message was deleted." in _text(response) and "Final" not in _text(response)
    assert "<p>Final</p>" not in _text(client.get(f"{base}/view", headers=HTMX))


def test_leads_see_the_history_of_a_message(client, auth, world):
    message = messages.post_message(world.general, world.ann, "First words")
    messages.edit_message(message, world.ann, "Second words")
    messages.delete_message(message, world.ann)
    auth.login(world.steer)
    assert client.get(f"/p/{world.hub.id}/chat/messages/{message.id}/history"
                      ).status_code == 403
    auth.logout()
    auth.login(world.lead)
    page = _text(client.get(f"/p/{world.hub.id}/chat/messages/{message.id}/history"))
    assert "First words" in page and "Second words" in page and "Before it was deleted" in page
    page = _text(client.get(f"/p/{world.hub.id}/chat/channels/{world.general.id}"))
    assert 'data-sees-history="true"' in page and "History</a>" in page


def test_search_page_and_fragment(client, auth, world):
    messages.post_message(world.general, world.lead, "Brass band rehearsal")
    messages.post_message(world.steering, world.lead, "Brass budget (steering)")
    auth.login(world.bob)
    page = _text(client.get(f"/p/{world.hub.id}/chat/search?q=brass"))
    assert "<html" in page and "1 message found" in page and "rehearsal" in page
    assert "budget" not in page
    fragment = _text(client.get(f"/p/{world.hub.id}/chat/search?q=BRASS", headers=HTMX))
    assert "<html" not in fragment and "Brass band rehearsal" in fragment


def test_leads_add_and_archive_channels(client, auth, world):
    auth.login(world.bob)
    assert client.get(f"/p/{world.hub.id}/chat/channels/new").status_code == 403
    auth.logout()
    auth.login(world.lead)
    assert "Add a channel" in _text(client.get(f"/p/{world.hub.id}/chat/channels/new"))
    response = client.post(f"/p/{world.hub.id}/chat/channels/new", data={"name": "General"})
    assert response.status_code == 422 and "already exists" in _text(response)
    assert 'value="General"' in _text(response)
    response = client.post(f"/p/{world.hub.id}/chat/channels/new",
                           data={"name": "Festival", "topic": "Summer 2027"})
    assert response.status_code == 302
    channel_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = client.post(f"/p/{world.hub.id}/chat/channels/{channel_id}/archive")
    assert response.status_code == 302
    page = _text(client.get(f"/p/{world.hub.id}/chat/channels/{channel_id}"))
    assert "Archived" in page and 'id="composer"' not in page


def test_what_arrived_live_in_the_open_channel_is_marked_read(client, auth, world):
    auth.login(world.ann)
    page = _text(client.get(f"/p/{world.hub.id}/chat/channels/{world.general.id}"))
    read_url = f"/p/{world.hub.id}/chat/channels/{world.general.id}/read"
    assert f'data-read-url="{read_url}"' in page
    messages.post_message(world.general, world.lead, "Arrived while Ann was looking")
    messages.post_message(world.network_channel, world.lead, "Elsewhere")
    assert messages.unread_counts([world.general], world.ann)[world.general.id] == 1

    response = client.post(read_url, headers=HTMX)

    assert response.status_code == 204
    counts = messages.unread_counts([world.general, world.network_channel], world.ann)
    assert counts[world.general.id] == 0 and counts[world.network_channel.id] == 1


def test_marking_a_channel_read_needs_a_channel_the_member_may_read(client, auth, world):
    steering = messages.readable_channels(world.hub, world.membership(world.lead))
    steering = next(c for c in steering if c.kind.value == "steering")
    auth.login(world.ann)
    response = client.post(f"/p/{world.hub.id}/chat/channels/{steering.id}/read", headers=HTMX)
    assert response.status_code == 403


def test_a_messages_controls_point_at_their_routes(client, auth, world, app):
    """The message template builds its five addresses from its link: each is the route's."""
    root = messages.post_message(world.general, world.lead, "Addresses")
    messages.edit_message(root, world.lead, "Addresses, edited")
    auth.login(world.lead)
    page = _text(client.get(f"/p/{world.hub.id}/chat/channels/{world.general.id}"))
    with app.test_request_context():
        wanted = {name: url_for(f"chat.{name}", partnership_id=world.hub.id, message_id=root.id)
                  for name in ("message_link", "thread", "edit", "delete", "history")}
    assert f'href="{wanted["message_link"]}"' in page
    assert f'hx-get="{wanted["thread"]}"' in page
    assert f'hx-get="{wanted["edit"]}"' in page
    assert f'hx-post="{wanted["delete"]}"' in page
    assert f'href="{wanted["history"]}"' in page
    for url, status in ((wanted["thread"], 200), (wanted["history"], 200)):
        assert client.get(url, headers=HTMX).status_code == status
