"""Live delivery across worker processes: two gunicorn servers (two processes, two ports) on
the test database; an event published through one wakes a stream that is already open and
waiting on the other, which delivers it on the same connection. On PostgreSQL (CI) that is
LISTEN/NOTIFY; on SQLite the polling listener.

The servers run the real app through tests/processes.py, with its streams' waits made an hour
long (`waiting_app`, `probe_app`): an event published while a stream waits can then reach it
within the test only through a wake-up, never through a wait running out and the log being
read again. The bus test adds two bare routes (`probe_app`) whose stream says when it starts
waiting; the chat test uses the app's own routes: log in, post through the composer's route,
read `chat.stream`. Nothing here is timed: how fast delivery is, bench/chat_bench.py measures.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.processes import log_in, running
from workspace.extensions import db
from workspace.infra import live
from workspace.services.chat import messages

HOUR = 3600  # how long a stream waits: longer than any test could run
READ_TIMEOUT = 30  # seconds without a frame before a test fails: a guard against hanging
WAITING_APP = "tests.chat.test_workers:waiting_app()"


def waiting_app():
    """The real app, whose streams wait an hour before a keep-alive (and last an hour)."""
    from workspace import create_app
    from workspace.blueprints.chat import stream

    stream.KEEPALIVE_SECONDS = HOUR
    return create_app()


# ------------------------------------------------------------------ the probe (bus only)


def probe_app():
    """The real app plus two bare routes that publish to and stream from the bus."""
    from flask import Response, request

    app = waiting_app()

    def publish(partnership_id: int):
        live.publish(partnership_id, "message",
                     message_id=int(request.args.get("message_id", 0)))
        db.session.commit()
        return "published"

    def stream(partnership_id: int):
        cursor = int(request.args.get("after", 0))

        def events() -> Iterator[str]:
            nonlocal cursor
            yield ": open\n\n"
            while True:
                with app.app_context():
                    found = live.events_after(partnership_id, cursor)
                    lines = [f"id: {e.id}\ndata: {e.kind} {e.message_id}\n\n" for e in found]
                    db.session.remove()
                if found:
                    cursor = found[-1].id
                yield from lines
                yield f": waiting after {cursor}\n\n"
                woke = live.wait_for_events(partnership_id, cursor, HOUR)
                yield ": woken\n\n" if woke else ": timed out\n\n"

        return Response(events(), mimetype="text/event-stream")

    app.add_url_rule("/_probe/<int:partnership_id>/publish", view_func=publish)
    app.add_url_rule("/_probe/<int:partnership_id>/stream", view_func=stream)
    return app


# ------------------------------------------------------------------------ the servers


@pytest.fixture
def servers(app, database_url, tmp_path, request):
    """Two server processes on the test database (its schema is already migrated)."""
    spec = request.param if hasattr(request, "param") else WAITING_APP
    with running(database_url, tmp_path) as start:
        yield [start(f"server-{n}", app_spec=spec,
                     env={"FLASK_CHAT_STREAM_SECONDS": str(HOUR)}) for n in "ab"]


# ---------------------------------------------------------------------- reading streams


@dataclass(frozen=True)
class Event:
    id: int
    name: str
    data: str


def frames(lines: Iterator[str]) -> Iterator[Event | str]:
    """An SSE stream's frames in the order sent: each event, and each comment (": ...") or
    field-only frame ("retry: ...") as its text."""
    event_id, name, data, fields = None, "message", [], []
    for line in lines:
        if line.startswith(":"):
            yield line
        elif line:
            fields.append(line)
            key, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if key == "id":
                event_id = int(value)
            elif key == "event":
                name = value
            elif key == "data":
                data.append(value)
        elif fields:
            yield Event(event_id, name, "\n".join(data)) if event_id is not None else (
                "\n".join(fields))
            event_id, name, data, fields = None, "message", [], []


def until_event(stream: Iterator[Event | str]) -> tuple[list[str], Event]:
    """The frames read up to the next event (comments, retry hints), and that event."""
    before = []
    try:
        for frame in stream:
            if isinstance(frame, Event):
                return before, frame
            before.append(frame)
    except httpx.ReadTimeout:
        raise AssertionError(f"no event after {before}: the waiting stream was not woken, "
                             f"or the event never came") from None
    raise AssertionError(f"the stream ended after {before}")


# ---------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("servers", ["tests.chat.test_workers:probe_app()"], indirect=True)
def test_an_event_published_in_one_process_wakes_a_stream_waiting_in_another(
        servers, make_partnership):
    a, b = servers
    assert a.pid() != b.pid()
    partnership_id = make_partnership().id
    db.session.commit()
    db.session.remove()

    with httpx.Client(timeout=READ_TIMEOUT) as http:
        with http.stream("GET", f"{b.url}/_probe/{partnership_id}/stream",
                         params={"after": 0}) as stream:
            assert stream.status_code == 200
            read = frames(stream.iter_lines())
            assert [next(read), next(read)] == [": open", ": waiting after 0"]
            cursor = 0
            for n in (1, 2, 3):
                # B has read the log and is waiting: only a wake-up can bring what comes now.
                assert http.get(f"{a.url}/_probe/{partnership_id}/publish",
                                params={"message_id": n}).text == "published"
                woken, event = until_event(read)
                assert woken == [": woken"], f"not woken by the publish: {b.log_tail()}"
                assert event.data == f"message {n}" and event.id > cursor
                cursor = event.id
                assert next(read) == f": waiting after {cursor}"


def _post(http: httpx.Client, token: str, path: str, text: str) -> None:
    """Post through the composer's route, as the channel page does (htmx)."""
    response = http.post(path, data={"body": text},
                         headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200, response.text[:500]


def test_a_message_posted_through_one_worker_reaches_an_open_stream_on_the_other(
        servers, make_user, make_partnership, add_member):
    a, b = servers
    member = make_user(name="Mo Member")
    partnership = make_partnership()
    add_member(partnership, member)
    messages.ensure_channels(partnership)
    channel = messages.general_channel(partnership)
    pid, cid, email = partnership.id, channel.id, member.email
    after = live.last_event_id(pid)
    db.session.commit()
    db.session.remove()
    stream_path = f"/p/{pid}/chat/stream"
    post_path = f"/p/{pid}/chat/channels/{cid}/messages"

    with httpx.Client(base_url=a.url, timeout=READ_TIMEOUT) as on_a, \
            httpx.Client(base_url=b.url, timeout=READ_TIMEOUT) as on_b:
        token = log_in(on_a, email)
        log_in(on_b, email)
        _post(on_a, token, post_path, "Before the stream opened")

        with on_b.stream("GET", stream_path,
                         params={"channel_id": cid, "after": after}) as stream:
            assert stream.status_code == 200
            read = frames(stream.iter_lines())
            # The stream's first read of the log replays what came after `after`; once that
            # has arrived, the stream is past its first read and waits for a wake-up.
            before, replayed = until_event(read)
            assert before == ["retry: 1000"]
            assert "Before the stream opened" in replayed.data and replayed.id > after
            received = []
            for text in ("Hello from worker A", "Second from worker A"):
                _post(on_a, token, post_path, text)
                before, event = until_event(read)
                # On the connection opened before it was posted, with nothing before it (no
                # keep-alive, no retry: the stream neither timed out nor ended).
                assert before == [], f"{text!r} came after {before}: {b.log_tail()}"
                assert event.name == "chat" and text in event.data
                received.append(event)
        assert replayed.id < received[0].id < received[1].id  # in order, each once

        # Reconnecting to A with Last-Event-ID after the first (`after` loses to it): only
        # what was missed comes again, and events come in order, so nothing older follows.
        hello, second = received
        with on_a.stream("GET", stream_path, params={"channel_id": cid, "after": 0},
                         headers={"Last-Event-ID": str(hello.id)}) as again:
            assert again.status_code == 200
            _, missed = until_event(frames(again.iter_lines()))
        assert (missed.id, missed.data) == (second.id, second.data)
