"""Live delivery across worker processes: two gunicorn servers (two processes, two ports) on
the test database; an event published through one reaches a stream served by the other
within a second. On PostgreSQL (CI) that is LISTEN/NOTIFY; on SQLite the polling listener.

The servers run the real app (`workspace:create_app()` through gunicorn.conf.py). The bus
test adds two bare routes to it (`probe_app` below); the chat test uses the app's own
routes: log in, post through `messages.post_message`, read `chat.stream`.
"""

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import PASSWORD
from workspace.extensions import db
from workspace.infra import live
from workspace.services.chat import messages

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-workers-secret"


# ------------------------------------------------------------------ the probe (bus only)


def probe_app():
    """The real app plus two bare routes that publish to and stream from the bus."""
    from flask import Response, request

    from workspace import create_app

    app = create_app()

    def publish(partnership_id: int):
        live.publish(partnership_id, "message",
                          message_id=int(request.args.get("message_id", 0)))
        db.session.commit()
        return "published"

    def stream(partnership_id: int):
        cursor = int(request.args.get("after", 0))
        seconds = float(request.args.get("seconds", 5))

        def events() -> Iterator[str]:
            nonlocal cursor
            deadline = time.monotonic() + seconds
            yield ": open\n\n"
            while (remaining := deadline - time.monotonic()) > 0:
                with app.app_context():
                    found = live.events_after(partnership_id, cursor)
                    lines = [f"id: {e.id}\ndata: {e.kind} {e.message_id}\n\n" for e in found]
                    db.session.remove()
                if found:
                    cursor = found[-1].id
                    yield from lines
                else:
                    live.wait_for_events(partnership_id, cursor, min(remaining, 2))

        return Response(events(), mimetype="text/event-stream")

    app.add_url_rule("/_probe/<int:partnership_id>/publish", view_func=publish)
    app.add_url_rule("/_probe/<int:partnership_id>/stream", view_func=stream)
    return app


# ------------------------------------------------------------------------ the servers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, app_spec: str, database_url: str, log_path: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=SECRET,
                   FLASK_RATELIMIT_ENABLED="false", FLASK_CHAT_STREAM_SECONDS="5",
                   ACCESSLOG="", PYTHONPATH=str(ROOT))
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
             "--workers", "1", "--threads", "16", "--bind", f"127.0.0.1:{self.port}",
             "--no-control-socket",
             app_spec],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(self.url + "/login", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"server did not start:\n{self.log_path.read_text()[-3000:]}")

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@pytest.fixture
def servers(app, database_url, tmp_path, request):
    """Two server processes on the test database (its schema is already migrated)."""
    spec = request.param if hasattr(request, "param") else "workspace:create_app()"
    pair = [Server(spec, database_url, tmp_path / f"server-{n}.log") for n in "ab"]
    try:
        for server in pair:
            server.wait_ready()
        yield pair
    finally:
        for server in pair:
            server.stop()


def _read_events(lines: Iterator[str], want: int, deadline: float) -> Iterator[tuple]:
    """(time received, event id, data) for each SSE message, until `want` ids or deadline."""
    got = 0
    event_id, data = None, []
    for line in lines:
        if line.startswith("id:"):
            event_id = int(line[3:].strip())
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif line == "" and event_id is not None:
            yield time.monotonic(), event_id, "\n".join(data)
            got += 1
            event_id, data = None, []
            if got >= want:
                return
        if time.monotonic() > deadline:
            return


# ---------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("servers", ["tests.chat.test_workers:probe_app()"], indirect=True)
def test_an_event_published_in_one_process_reaches_a_stream_in_another(
        servers, make_partnership):
    a, b = servers
    assert a.pid() != b.pid()
    partnership_id = make_partnership().id
    db.session.commit()
    db.session.remove()

    with httpx.Client(timeout=10) as http:
        with http.stream("GET", f"{b.url}/_probe/{partnership_id}/stream",
                         params={"after": 0, "seconds": 8}) as stream:
            assert stream.status_code == 200
            lines = stream.iter_lines()
            assert next(lines) == ": open"
            time.sleep(0.3)  # B is now waiting on its listener
            received = []
            for n in (1, 2, 3):
                sent = time.monotonic()
                assert http.get(f"{a.url}/_probe/{partnership_id}/publish",
                                params={"message_id": n}).text == "published"
                for at, event_id, data in _read_events(lines, 1, sent + 3):
                    received.append((at - sent, event_id, data))
    assert [data for _, _, data in received] == ["message 1", "message 2", "message 3"]
    assert [event_id for _, event_id, _ in received] == sorted(
        event_id for _, event_id, _ in received)
    assert all(latency < 1 for latency, _, _ in received), received


def _login(http: httpx.Client, email: str) -> None:
    page = http.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    response = http.post("/login", data={"email": email, "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302, response.text[:500]


class StreamReader:
    """Reads an SSE stream in a thread: (time received, event id, event name, data) each."""

    def __init__(self, http: httpx.Client, url: str, params: dict, headers=None) -> None:
        self.events: list[tuple[float, int, str, str]] = []
        self.status: int | None = None
        self._http, self._url, self._params = http, url, params
        self._headers = headers or {}
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with self._http.stream("GET", self._url, params=self._params,
                               headers=self._headers) as response:
            self.status = response.status_code
            event_id, name, data = None, "message", []
            for line in response.iter_lines():
                if line.startswith("id:"):
                    event_id = int(line[3:].strip())
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:])
                elif line == "":
                    if event_id is not None:
                        self.events.append((time.monotonic(), event_id, name, "\n".join(data)))
                    event_id, name, data = None, "message", []

    def wait_for(self, text: str, seconds: float) -> float | None:
        """When an event holding `text` arrived, waiting up to `seconds` for it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for at, _, _, data in self.events:
                if text in data:
                    return at
            time.sleep(0.01)
        return None

    def join(self, seconds: float) -> None:
        self._thread.join(seconds)


def test_a_message_posted_through_one_worker_reaches_a_stream_on_the_other(
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

    with httpx.Client(base_url=a.url, timeout=10) as on_a, \
            httpx.Client(base_url=b.url, timeout=30) as on_b:
        _login(on_a, email)
        _login(on_b, email)
        page = on_a.get("/", follow_redirects=True)
        assert page.status_code == 200, a.log_tail()
        token = re.search(r'"X-CSRFToken": "([^"]+)"', page.text).group(1)
        reader = StreamReader(on_b, f"/p/{pid}/chat/stream",
                              {"channel_id": cid, "after": after})
        time.sleep(0.7)  # B's stream is open and waiting
        latencies = []
        for text in ("Hello from worker A", "Second from worker A"):
            sent = time.monotonic()
            posted = on_a.post(f"/p/{pid}/chat/channels/{cid}/messages", data={"body": text},
                               headers={"HX-Request": "true", "X-CSRFToken": token})
            assert posted.status_code == 200, a.log_tail()
            arrived = reader.wait_for(text, 3)
            assert arrived is not None, f"{text!r} not on B's stream: {b.log_tail()}"
            latencies.append(arrived - sent)
        reader.join(10)
        assert reader.status == 200
        assert all(latency < 1 for latency in latencies), latencies
        ids = [event_id for _, event_id, _, _ in reader.events]
        assert ids == sorted(set(ids))  # in order, each once

        # Reconnecting to A with Last-Event-ID after the first: only the second comes again.
        first_id = next(i for _, i, _, d in reader.events if "Hello from worker A" in d)
        again = StreamReader(on_a, f"/p/{pid}/chat/stream", {"channel_id": cid, "after": 0},
                             headers={"Last-Event-ID": str(first_id)})
        assert again.wait_for("Second from worker A", 3) is not None
        again.join(10)
        assert not any("Hello from worker A" in d for _, _, _, d in again.events)
