"""The live stream (Server-Sent Events) read with the test client: each stream ends after
CHAT_STREAM_SECONDS (1 s in the tests), so a test reads it whole."""

import re
import threading

import pytest

from tests.chat.core_world import make_world
from tests.conftest import PASSWORD, REDIS_URL
from workspace.blueprints.chat import stream
from workspace.extensions import db
from workspace.infra import live
from workspace.infra.slots import SharedSlots
from workspace.models import Channel, User
from workspace.services.chat import messages, polls


@pytest.fixture
def world(make_user, make_partnership, add_member):
    return make_world(make_user, make_partnership, add_member)


def _events(text: str) -> list[dict]:
    """The stream's messages: id, event name and data of each (comments and hints left out)."""
    events = []
    for block in text.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            name, _, value = line.partition(": ")
            if name in ("id", "event"):
                fields[name] = value
            elif line.startswith("data:"):
                fields["data"] = fields.get("data", "") + ("\n" if "data" in fields else "") + (
                    line[6:] if line.startswith("data: ") else line[5:])
        if "id" in fields:
            events.append(fields)
    return events


def _read(client, world, channel, after=None, headers=None) -> tuple[str, list[dict]]:
    url = f"/p/{world.hub.id}/chat/stream?channel_id={channel.id}"
    if after is not None:
        url += f"&after={after}"
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    text = response.get_data(as_text=True)
    return text, _events(text)


def test_replays_after_the_given_id_in_order_then_ends(client, auth, world):
    posted = [messages.post_message(world.general, world.lead, f"Note {n}") for n in range(3)]
    first_event = live.events_after(world.hub.id, 0)[0].id
    ids = [m.id for m in posted]
    auth.login(world.bob)
    text, events = _read(client, world, world.general, after=first_event)
    assert [e["event"] for e in events] == ["chat", "chat"]
    assert [int(e["id"]) for e in events] == [first_event + 1, first_event + 2]
    assert f'id="msg-{ids[1]}"' in events[0]["data"] and "Note 1" in events[0]["data"]
    assert 'hx-swap-oob="beforeend:#messages"' in events[0]["data"]
    assert f'id="msg-{ids[2]}"' in events[1]["data"]
    assert text.startswith("retry: ") and text.rstrip().splitlines()[-1].startswith("retry: ")


def test_last_event_id_wins_over_after(client, auth, world):
    for n in range(3):
        messages.post_message(world.general, world.lead, f"Note {n}")
    last = live.last_event_id(world.hub.id)
    auth.login(world.bob)
    _, events = _read(client, world, world.general, after=0,
                      headers={"Last-Event-ID": str(last - 1)})
    assert [int(e["id"]) for e in events] == [last]
    _, events = _read(client, world, world.general, after=last)
    assert events == []


def test_edits_deletions_and_replies_are_sent_once_each(client, auth, world):
    root = messages.post_message(world.general, world.ann, "Root")
    messages.post_message(world.general, world.lead, "A reply", parent=root)
    messages.edit_message(root, world.ann, "Root, edited")
    messages.delete_message(root, world.ann)
    auth.login(world.bob)
    _, events = _read(client, world, world.general, after=0)
    ids = [int(e["id"]) for e in events]
    assert ids == sorted(set(ids)) and len(ids) == 4
    reply, edit, delete = (e["data"] for e in events[1:])
    assert f'hx-swap-oob="beforeend:#replies-{root.id}"' in reply and "1 reply" in reply
    # Each event shows the message as it is now: the edit is already deleted.
    for change in (edit, delete):
        assert f'hx-swap-oob="outerHTML:.msg-{root.id}"' in change
        assert "This message was deleted." in change and "Root" not in change


def test_an_edit_redraws_the_message(client, auth, world):
    message = messages.post_message(world.general, world.ann, "Frist")
    messages.edit_message(message, world.ann, "First")
    auth.login(world.bob)
    _, events = _read(client, world, world.general, after=0)
    assert "<p>First</p>" in events[1]["data"] and "edited</span>" in events[1]["data"]


def test_events_of_unreadable_channels_are_never_sent(client, auth, world):
    messages.post_message(world.steering, world.lead, "Steering secret")
    messages.post_message(world.network_channel, world.lead, "Strings secret")
    visible = messages.post_message(world.general, world.lead, "Hello all")
    auth.login(world.bob)
    text, events = _read(client, world, world.general, after=0)
    assert "secret" not in text
    assert [e["event"] for e in events] == ["chat"] and "Hello all" in events[0]["data"]
    assert f"msg-{visible.id}" in events[0]["data"]


def test_other_readable_channels_send_unread_notes(client, auth, world):
    messages.post_message(world.network_channel, world.lead, "Strings news")
    auth.login(world.ann)
    text, events = _read(client, world, world.general, after=0)
    assert [(e["event"], e["data"]) for e in events] == [
        ("unread", f"{world.network_channel.id} {world.lead.id}")]
    assert "Strings news" not in text


def test_card_events_are_named_after_their_record(client, auth, world):
    live.publish(world.hub.id, "card", ref="cpd-12")
    db.session.commit()
    auth.login(world.bob)
    text, events = _read(client, world, world.general, after=0)
    assert [(e["event"], e["data"]) for e in events] == [("card-cpd-12", "")]
    assert re.search(r"event: card-cpd-12\ndata: ?\n\n", text)


def test_action_and_poll_cards_reach_only_those_who_may_see_them(client, auth, world):
    poll = polls.create_poll(world.steering, world.lead, "Which day?", ["Mon", "Tue"])
    live.publish(world.hub.id, "card", ref="action-7")
    live.publish(world.hub.id, "card", ref=f"poll-{poll.id}")
    live.publish(world.hub.id, "card", ref="cpd-12")
    db.session.commit()
    auth.login(world.bob)  # a plain member
    _text, events = _read(client, world, world.general, after=0)
    assert [e["event"] for e in events] == ["card-cpd-12"]
    auth.login(world.steer)
    _text, events = _read(client, world, world.general, after=0)
    names = [e["event"] for e in events if e["event"].startswith("card-")]
    assert names == ["card-action-7", f"card-poll-{poll.id}", "card-cpd-12"]


def test_non_members_get_404(client, auth, world):
    auth.login(world.outsider)
    assert client.get(f"/p/{world.hub.id}/chat/stream").status_code == 404


class TestWaiting:
    @pytest.fixture
    def app_config(self):
        return {"CHAT_STREAM_SECONDS": 3}

    def test_a_new_message_arrives_while_waiting_without_a_connection_held(
            self, app, client, auth, world):
        auth.login(world.bob)
        start = live.last_event_id(world.hub.id)
        channel_id, lead_id = world.general.id, world.lead.id
        seen = {}

        def post_later():
            with app.app_context():
                seen["checked_out"] = db.engine.pool.checkedout()
                messages.post_message(db.session.get(Channel, channel_id),
                                  db.session.get(User, lead_id), "Just now")
                db.session.remove()

        timer = threading.Timer(0.8, post_later)
        timer.start()
        try:
            _, events = _read(client, world, world.general, after=start)
        finally:
            timer.join()
        assert seen["checked_out"] == 0  # the waiting stream held no connection
        assert len(events) == 1 and "Just now" in events[0]["data"]


def _open(client, world):
    return client.get(f"/p/{world.hub.id}/chat/stream?channel_id={world.general.id}")


def test_one_person_holds_at_most_the_cap_of_open_streams(app, client, auth, world):
    """(The test client reads a stream whole, so the streams held open are set up in the
    process's count, as pages still streaming would leave it.)"""
    app.config["CHAT_STREAMS_PER_PERSON"] = 2
    auth.login(world.bob)
    assert _open(client, world).status_code == 200
    assert stream._streams().counts == {}  # a stream that ended gave its place back
    for _ in range(2):
        assert stream._streams().admit(world.bob.id, 2) is None  # two pages of Bob's
    refused = _open(client, world)
    assert refused.status_code == 429 and "Too many live chat pages" in refused.get_data(
        as_text=True)
    other = app.test_client()
    assert other.post("/login", data={"email": world.ann.email, "password": PASSWORD}) \
        .status_code == 302
    assert _open(other, world).status_code == 200  # someone else is not held back
    stream._streams().leave(world.bob.id)  # one of Bob's pages closed
    assert _open(client, world).status_code == 200
    assert stream._streams().counts == {world.bob.id: 1}


def test_a_worker_keeps_threads_for_pages_past_its_budget_of_streams(app, client, auth,
                                                                      world):
    app.config["CHAT_STREAMS_PER_WORKER"] = 3
    for person in (101, 102, 103):  # three others streaming in this worker
        assert stream._streams().admit(person, 8, 3) is None
    auth.login(world.bob)
    busy = _open(client, world)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert client.get(f"/p/{world.hub.id}/").status_code == 200  # pages still answer
    stream._streams().leave(101)
    assert _open(client, world).status_code == 200


def test_a_page_too_far_behind_is_told_to_reload_instead_of_replaying(client, auth, world,
                                                                      monkeypatch):
    monkeypatch.setattr(stream, "CATCH_UP", 3)
    for n in range(6):
        messages.post_message(world.general, world.lead, f"Old news {n}")
    last = live.last_event_id(world.hub.id)
    auth.login(world.bob)
    _, events = _read(client, world, world.general, after=0)
    assert [e["event"] for e in events] == ["reload"] and int(events[0]["id"]) == last
    _, events = _read(client, world, world.general, after=last - 3)  # within reach: replayed
    assert [e["event"] for e in events] == ["chat", "chat", "chat"]


def test_with_redis_one_persons_cap_holds_across_workers(app, client, auth, world,
                                                         redis_prefix):
    app.config.update(REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=redis_prefix,
                      CHAT_STREAMS_PER_PERSON=2)
    app.extensions.pop("chat_open_streams", None)
    other_worker = stream._OpenStreams(SharedSlots(REDIS_URL, redis_prefix))
    for _ in range(2):  # two of Bob's pages stream from another worker
        assert other_worker.admit(world.bob.id, 2) is None
    auth.login(world.bob)
    refused = _open(client, world)
    assert refused.status_code == 429 and "Too many live chat pages" in refused.get_data(
        as_text=True)
    other_worker.leave(world.bob.id)  # one of them closed
    assert _open(client, world).status_code == 200
    slots = SharedSlots(REDIS_URL, redis_prefix)
    assert slots.held(f"chat-streams:{world.bob.id}") == 1  # the ended stream gave its back


def test_a_slot_held_by_a_worker_that_died_lapses(redis_prefix):
    slots = SharedSlots(REDIS_URL, redis_prefix)
    assert slots.take("chat-streams:7", 1, 0) is not None  # its time is up at once
    assert slots.take("chat-streams:7", 1, 60) is not None  # so it does not count
    assert slots.take("chat-streams:7", 1, 60) is None


def test_without_redis_answering_the_cap_holds_in_each_worker(app, client, auth, world):
    app.config.update(REDIS_URL="redis://127.0.0.1:9/0", CHAT_STREAMS_PER_PERSON=1)
    app.extensions.pop("chat_open_streams", None)
    auth.login(world.bob)
    assert _open(client, world).status_code == 200  # streams still open
    assert stream._streams().admit(world.bob.id, 1) is None  # a page of Bob's streaming
    assert _open(client, world).status_code == 429
