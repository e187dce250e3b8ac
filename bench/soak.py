"""A soak run: mixed traffic against gunicorn on PostgreSQL, one worker killed mid-run, then
checks that no acknowledged write was lost and that CPD capacity stayed exact.

    .venv/bin/python bench/soak.py                      # 3 minutes of traffic
    .venv/bin/python bench/soak.py --quick              # 35 s of traffic, a minute or so in all
    .venv/bin/python bench/soak.py --minutes 10 --clients 16 --workers 4

It makes a scratch database (`bench_soak`, dropped at the end unless `--keep`), migrates it
with `flask db upgrade`, seeds a partnership (a lead, 40 members, a CPD network with 3
sessions of 5 places, the chat channels), starts gunicorn (gunicorn.conf.py, 3 workers) on a
free loopback port and logs everyone in. Then, for `--minutes`:

- `--clients` threads, each acting for its own members in turn (so one person's writes are
  made one at a time, in a known order), view the overview, the CPD index, a session page and
  the general channel, sign up for and give up places on the small sessions (htmx POSTs, as
  the sign-up card makes them) and post chat messages (the composer's htmx POST), each
  write written down in a client-side ledger with its answer;
- `--streams` live chat streams (`chat.stream`, Server-Sent Events) stay open, are closed and
  reopened with Last-Event-ID as browsers do, and collect the chat messages they are sent;
- a monitor reads the number of booked places of each session every second;
- half way through one gunicorn worker is killed with SIGKILL; gunicorn's master starts
  another.

Afterwards (gunicorn stopped): every sign-up, cancellation and chat post answered with
success must be in the database (the ledger against the rows), no session may hold more
booked places than its capacity (at the end, or at any second of the run), nobody may wait
while a place is free or hold two bookings of one session, the waiting list must be first
come first served, every stream must have received every acknowledged message once, and no
request may fail except those the killed worker had in hand. The exit status is 1 when a
check fails, 130 on Ctrl-C; gunicorn, its workers and the client threads are stopped and the
database is dropped in every case.
"""

import argparse
import itertools
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path
from types import SimpleNamespace

import httpx
from chat_bench import (
    HTMX,
    PASSWORD,
    SECRET,
    USER_AGENT,
    drop_database,
    login,
    machine,
    recreate_database,
    start_gunicorn,
    stop_gunicorn,
)
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from workspace import create_app
from workspace.config import normalise_database_url
from workspace.extensions import db
from workspace.models import Booking, ChatEvent, Message, Notification
from workspace.models.cpd import BookingStatus
from workspace.models.partnerships import PartnershipKind, Role
from workspace.services.accounts import users
from workspace.services.chat import messages
from workspace.services.cpd import sessions as cpd
from workspace.services.partnerships import membership

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/bench_soak"
TOKEN = re.compile(r"soak-\d+-\d+-end")
FRAME_ID = re.compile(r"(?m)^id: *(\d+)")
FRAME_EVENT = re.compile(r"(?m)^event: *(\S+)")
# A request that failed without an answer (reset, closed) and was under way at the kill may
# have been the killed worker's: it had accepted the connection and died with it.
KILL_SLACK = 0.5  # seconds either side of the kill, for the clocks of threads and processes
KINDS = ("signup", "withdraw", "post")  # the writes
SIGN_UP_DONE = ("You have a place", "You are number")


# --- the data -------------------------------------------------------------------------------


@dataclass
class Seeded:
    partnership_id: int
    channel_id: int
    session_ids: list[int]
    capacity: int
    members: dict[str, int]  # email -> user id


def migrate(url: str) -> None:
    """The app's own migrations, as `make serve-many` runs them."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "workspace", "db", "upgrade"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError("flask db upgrade failed:\n" + done.stderr[-3000:])


def seed(url: str, members: int, sessions: int, capacity: int) -> Seeded:
    """A lead, members, a CPD network with small sessions a month ahead, the channels."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
                      "SECRET_KEY": SECRET, "MAIL_SERVER": None,
                      # cheap hashes: logging in forty people is not what we measure
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        lead = users.register_user("lead@soak.example.org", "Soak Lead", PASSWORD)
        partnership = membership.create_partnership(
            lead, name="Soak Partnership", kind=PartnershipKind.CEP, place="Soaktown",
            lead_organisation="Soak Council")
        invitation = membership.create_invitation(partnership, lead, Role.MEMBER)
        emails = {}
        for n in range(members):
            user = users.register_user(f"member{n}@soak.example.org", f"Soak Member {n}",
                                       PASSWORD)
            membership.accept_invitation(invitation.token, user)
            emails[user.email] = user.id
        network = cpd.create_network(partnership, name="Primary music", coordinator=lead)
        day = date.today() + timedelta(days=30)
        ids = [cpd.schedule_session(partnership, network, cpd.SessionFields(
            title=f"Soak session {n + 1}", day=day + timedelta(days=n),
            start=clock_time(16), end=clock_time(18), capacity=capacity)).id
            for n in range(sessions)]
        messages.ensure_channels(partnership)
        seeded = Seeded(partnership.id, messages.general_channel(partnership).id, ids,
                        capacity, emails)
        db.session.remove()
        db.engine.dispose()
    return seeded


# --- what the clients saw -------------------------------------------------------------------


@dataclass
class Call:
    kind: str
    started: float  # time.time(), comparable with the server's timestamps
    ended: float
    status: int | None = None
    error: str | None = None  # the exception's name when no answer came

    @property
    def failed(self) -> bool:
        return self.error is not None or (self.status or 0) >= 500


@dataclass
class Write:
    """One entry of the ledger: a write asked for, and what the answer said of it."""

    kind: str  # "signup", "withdraw", "post"
    user_id: int
    key: int | str  # the session's id, or the message's token
    seq: int
    call: Call
    outcome: str  # "ok", "refused" (a 4xx answer saying why), "unknown" (no answer, or 5xx)
    fresh: bool = False  # a sign-up by someone the client knew held no active booking


@dataclass
class Soak:
    calls: list[Call] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    unexpected: Counter = field(default_factory=Counter)
    seq: itertools.count = field(default_factory=itertools.count)
    clients_stop: threading.Event = field(default_factory=threading.Event)
    streams_stop: threading.Event = field(default_factory=threading.Event)
    received: list[Counter] = field(default_factory=list)  # per stream: token -> times
    reloads: int = 0
    stream_opens: int = 0
    stream_ends: int = 0  # ended by the server (CHAT_STREAM_SECONDS)
    booked_max: dict[int, int] = field(default_factory=dict)
    monitor_reads: int = 0
    kill: dict = field(default_factory=dict)
    started: float = 0.0
    ended: float = 0.0


@dataclass
class Person:
    email: str
    user_id: int
    http: httpx.Client
    token: str
    state: dict[int, str] = field(default_factory=dict)  # session id -> active/none/unknown


def request(soak: Soak, person: Person, kind: str, method: str, path: str,
            **kwargs) -> tuple[Call, httpx.Response | None]:
    call = Call(kind, time.time(), 0.0)
    try:
        response = person.http.request(method, path, **kwargs)
        call.status = response.status_code
    except httpx.TransportError as error:
        response, call.error = None, type(error).__name__
    call.ended = time.time()
    soak.calls.append(call)
    return call, response


def expect(soak: Soak, call: Call, response: httpx.Response | None, *allowed: int) -> None:
    if response is not None and call.status < 500 and call.status not in allowed:
        soak.unexpected[f"{call.kind} answered {call.status}"] += 1


# --- the clients ----------------------------------------------------------------------------


def view(path: str, kind: str):
    def action(soak: Soak, person: Person, seeded: Seeded, rng: random.Random) -> None:
        call, response = request(soak, person, kind, "GET", path.format(
            p=seeded.partnership_id, c=seeded.channel_id, s=rng.choice(seeded.session_ids)))
        expect(soak, call, response, 200)
    return action


def book_or_give_up(soak: Soak, person: Person, seeded: Seeded, rng: random.Random) -> None:
    """Sign up when the person holds no place, give it up when they do; after an answer
    that never came, either."""
    session_id = rng.choice(seeded.session_ids)
    known = person.state.get(session_id, "none")
    state = rng.choice(["none", "active"]) if known == "unknown" else known
    kind = "signup" if state == "none" else "withdraw"
    path = f"/p/{seeded.partnership_id}/cpd/sessions/{session_id}/{kind}"
    call, response = request(soak, person, kind, "POST", path,
                             headers={**HTMX, "X-CSRFToken": person.token})
    outcome, person.state[session_id] = answer(kind, response)
    if outcome == "refused" and not (kind == "withdraw" and "not booked" in response.text):
        soak.unexpected[f"{kind} refused ({call.status})"] += 1
    soak.writes.append(Write(kind, person.user_id, session_id, next(soak.seq), call, outcome,
                             fresh=kind == "signup" and known == "none"))


def answer(kind: str, response: httpx.Response | None) -> tuple[str, str]:
    """The write's outcome, and what the client now knows of its booking."""
    if response is None or response.status_code >= 500:
        return "unknown", "unknown"
    if response.status_code != 200:
        return "refused", "none" if kind == "withdraw" else "unknown"
    if kind == "withdraw":
        return "ok", "none"
    if any(words in response.text for words in SIGN_UP_DONE):
        return "ok", "active"
    return "refused", "unknown"


def post_message(soak: Soak, person: Person, seeded: Seeded, rng: random.Random) -> None:
    """A message through the composer (htmx); its token finds it in the ledger and rows."""
    token = f"soak-{person.user_id}-{next(soak.seq)}-end"
    path = f"/p/{seeded.partnership_id}/chat/channels/{seeded.channel_id}/messages"
    call, response = request(soak, person, "post", "POST", path,
                             data={"body": f"Soak message {token}"},
                             headers={**HTMX, "X-CSRFToken": person.token})
    if response is None or response.status_code >= 500:
        outcome = "unknown"
    elif response.status_code == 200 and token in response.text:
        outcome = "ok"
    else:
        outcome = "refused"
        soak.unexpected[f"post refused ({call.status})"] += 1
    soak.writes.append(Write("post", person.user_id, token, next(soak.seq), call, outcome))


ACTIONS = [
    (view("/p/{p}/", "overview"), 15),
    (view("/p/{p}/cpd/", "cpd index"), 15),
    (view("/p/{p}/cpd/sessions/{s}", "session page"), 15),
    (view("/p/{p}/chat/channels/{c}", "channel page"), 10),
    (book_or_give_up, 30),
    (post_message, 15),
]


def client(soak: Soak, people: list[Person], seeded: Seeded, seed_value: int,
           pause: float) -> None:
    """One thread acting for its own people, one request at a time."""
    rng = random.Random(seed_value)
    actions, weights = zip(*ACTIONS, strict=True)
    while not soak.clients_stop.is_set():
        rng.choices(actions, weights)[0](soak, rng.choice(people), seeded, rng)
        soak.clients_stop.wait(rng.uniform(0, pause))


# --- the live streams -----------------------------------------------------------------------


@dataclass
class Tab:
    """A browser tab showing the general channel: its stream, reopened as browsers do."""

    cookie: str
    path: str
    hold: tuple[float, float]
    last_id: str | None = None
    received: Counter = field(default_factory=Counter)  # message token -> times received
    opens: int = 0
    ended_by_server: int = 0
    cut: int = 0
    reloads: int = 0
    retries: int = 0  # `retry:` frames in the stream being read, the last frame one or not
    last_was_retry: bool = False

    def take(self, frame: str) -> None:
        self.last_was_retry = frame.startswith("retry:")
        self.retries += self.last_was_retry
        if (found := FRAME_ID.search(frame)) is not None:
            self.last_id = found.group(1)
        event = FRAME_EVENT.search(frame)
        name = event.group(1) if event else ""
        if name == "reload":
            self.reloads += 1
        elif name == "chat":
            self.received.update(set(TOKEN.findall(frame)))


def watch(soak: Soak, tab: Tab, address: tuple[str, int], rng: random.Random) -> None:
    """Open the stream, read it for a while (or until the server ends it), close, reopen
    with Last-Event-ID after a pause like the browser's retry."""
    while not soak.streams_stop.is_set():
        call = Call("stream", time.time(), 0.0)
        sock = None
        try:
            sock = socket.create_connection(address, timeout=10)
            sock.settimeout(0.5)
            sock.sendall(stream_request(tab, address))
            read_stream(soak, tab, sock, call, time.monotonic() + rng.uniform(*tab.hold))
        except OSError as error:  # reset, refused, timed out: the stream failed
            call.error = type(error).__name__
        finally:
            if sock is not None:
                sock.close()
            call.ended = time.time()
            soak.calls.append(call)
        soak.streams_stop.wait(rng.uniform(0.2, 1.0))


def stream_request(tab: Tab, address: tuple[str, int]) -> bytes:
    resume = f"Last-Event-ID: {tab.last_id}\r\n" if tab.last_id else ""
    return (f"GET {tab.path} HTTP/1.0\r\nHost: {address[0]}:{address[1]}\r\n"
            f"Cookie: {tab.cookie}\r\nUser-Agent: {USER_AGENT}\r\n"
            f"Accept: text/event-stream\r\n{resume}\r\n").encode()


def read_stream(soak: Soak, tab: Tab, sock: socket.socket, call: Call, until: float) -> None:
    buffer, head = b"", None
    while not soak.streams_stop.is_set():
        if head is not None and time.monotonic() >= until:
            return  # the tab closes (a page left): it reopens with Last-Event-ID
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            if head is None:
                raise ConnectionAbortedError("closed before answering")
            if not (tab.retries >= 2 and tab.last_was_retry):
                tab.cut += 1  # no closing `retry:`: the worker went away mid-stream
                raise ConnectionAbortedError("closed mid-stream")
            tab.ended_by_server += 1
            return
        buffer += chunk
        if head is None:
            if b"\r\n\r\n" not in buffer:
                continue
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            call.status = int(head.split(b" ", 2)[1])
            if call.status != 200:
                if call.status < 500:
                    soak.unexpected[f"stream answered {call.status}"] += 1
                return
            tab.opens += 1
            tab.retries, tab.last_was_retry = 0, False
        *frames, buffer = buffer.split(b"\n\n")
        for frame in frames:
            tab.take(frame.decode("utf-8", "replace"))


# --- the monitor and the kill ---------------------------------------------------------------


def monitor(soak: Soak, engine) -> None:
    """The most places booked on each session, read once a second while the traffic runs."""
    while not soak.streams_stop.wait(1.0):
        try:
            with Session(engine) as session:
                rows = session.execute(
                    select(Booking.session_id, func.count()).where(
                        Booking.status == BookingStatus.BOOKED).group_by(Booking.session_id))
                for session_id, booked in rows:
                    soak.booked_max[session_id] = max(soak.booked_max.get(session_id, 0),
                                                      booked)
            soak.monitor_reads += 1
        except Exception as error:  # a read that fails is reported, the run goes on
            soak.unexpected[f"monitor: {type(error).__name__}"] += 1


def processes_under(parent: int) -> dict[int, str]:
    """The child processes of `parent`: pid -> start time (so that a reused pid is told
    apart from the process we saw)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found[int(entry)] = fields[19]
    return found


def kill_one_worker(soak: Soak, master: int, workers: int, rng: random.Random,
                    seen: dict[int, str]) -> None:
    """SIGKILL one worker; note when the master has forked its replacement."""
    before = processes_under(master)
    seen.update(before)
    victim = rng.choice(sorted(before))
    soak.kill.update(pid=victim, at=time.time(), workers_before=len(before))
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = processes_under(master)
        seen.update(now)
        new = set(now) - set(before)
        if new and victim not in now and len(now) >= workers:
            soak.kill.update(replacement=min(new), replaced_after=time.time() - soak.kill["at"])
            return
        time.sleep(0.05)


# --- the run --------------------------------------------------------------------------------


def log_in(base: str, seeded: Seeded) -> list[Person]:
    """Everyone signed in, a few at a time."""
    with ThreadPoolExecutor(8) as pool:
        sessions = list(pool.map(lambda email: login(base, email), seeded.members))
    return [Person(email, user_id, httpx.Client(base_url=base, cookies=cookies, timeout=30,
                                                headers={"User-Agent": USER_AGENT}), token)
            for (email, user_id), (cookies, token) in zip(seeded.members.items(), sessions,
                                                           strict=True)]


def cookie_header(person: Person) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in person.http.cookies.jar)


def start_threads(soak: Soak, base: str, people: list[Person], seeded: Seeded, args,
                  engine) -> tuple[list[threading.Thread], list[threading.Thread], list[Tab]]:
    host, port = base.removeprefix("http://").split(":")
    path = (f"/p/{seeded.partnership_id}/chat/stream?channel_id={seeded.channel_id}"
            f"&after=0")
    tabs = [Tab(cookie_header(people[n % len(people)]), path, (5.0, 30.0))
            for n in range(args.streams)]
    background = [threading.Thread(target=monitor, args=(soak, engine), daemon=True)]
    background += [threading.Thread(target=watch, daemon=True, args=(
        soak, tab, (host, int(port)), random.Random(args.seed + 1000 + n)))
        for n, tab in enumerate(tabs)]
    for thread in background:
        thread.start()
    deadline = time.monotonic() + 15
    while any(tab.opens == 0 for tab in tabs) and time.monotonic() < deadline:
        time.sleep(0.1)
    clients = [threading.Thread(target=client, daemon=True, args=(
        soak, people[n::args.clients], seeded, args.seed + n, args.pause))
        for n in range(min(args.clients, len(people)))]
    for thread in clients:
        thread.start()
    return clients, background, tabs


def run_traffic(soak: Soak, base: str, people: list[Person], seeded: Seeded, args,
                master: int, engine, seen: dict[int, str]) -> list[Tab]:
    """The mixed traffic for the run's length, the kill half way; every thread stopped at
    the end, on Ctrl-C too."""
    clients, background = [], []
    try:
        soak.started = time.time()
        clients, background, tabs = start_threads(soak, base, people, seeded, args, engine)
        seconds = args.minutes * 60
        time.sleep(max(0.0, soak.started + seconds * args.kill_at - time.time()))
        kill_one_worker(soak, master, args.workers, random.Random(args.seed), seen)
        time.sleep(max(0.0, soak.started + seconds - time.time()))
        soak.clients_stop.set()
        join(clients, 40)
        soak.ended = time.time()
        wait_delivered(soak, tabs, 10)
        return tabs
    finally:
        soak.clients_stop.set()
        soak.streams_stop.set()
        join(clients, 40)
        join(background, 5)


def join(threads: list[threading.Thread], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


def acknowledged(soak: Soak, kind: str) -> list[Write]:
    return [w for w in soak.writes if w.kind == kind and w.outcome == "ok"]


def wait_delivered(soak: Soak, tabs: list[Tab], seconds: float) -> None:
    """Give the streams a moment to receive the last messages posted."""
    tokens = {w.key for w in acknowledged(soak, "post")}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(tokens <= set(tab.received) for tab in tabs):
            return
        time.sleep(0.1)


def stop_server(process: subprocess.Popen | None, seen: dict[int, str]) -> None:
    """Stop gunicorn; then any worker we saw that outlived it (same pid, same start)."""
    if process is None:
        return
    seen.update(processes_under(process.pid))
    stop_gunicorn(process)
    for pid, started in seen.items():
        try:
            with open(f"/proc/{pid}/stat") as handle:
                still = handle.read().rsplit(")", 1)[1].split()[19] == started
        except OSError:
            continue
        if still:
            os.kill(pid, signal.SIGKILL)


# --- the checks -----------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    figure: str
    ok: bool | None = True  # None: a figure to read, not a check


def counted(calls: list[Call]) -> str:
    counts = Counter(f"{c.kind} {c.error or c.status}" for c in calls)
    return "".join([f"{len(calls)}", ": " if counts else "",
                    ", ".join(f"{what} x{n}" for what, n in counts.most_common())])


def at_kill(call: Call, kill: dict) -> bool:
    """No answer (reset, closed), and under way when the worker died."""
    at = kill.get("at")
    return (at is not None and call.error is not None
            and call.started <= at + KILL_SLACK and call.ended >= at - KILL_SLACK)


def check_requests(soak: Soak) -> list[Check]:
    failed = [c for c in soak.calls if c.failed]
    killed = [c for c in failed if at_kill(c, soak.kill)]
    others = [c for c in failed if not at_kill(c, soak.kill)]
    unexpected = ", ".join(f"{what} x{n}" for what, n in soak.unexpected.most_common())
    kill = soak.kill
    replaced = (f"a new worker (pid {kill['replacement']}) forked "
                f"{kill['replaced_after']:.2f} s later" if "replacement" in kill
                else "NOT replaced within 30 s")
    return [
        Check("worker killed", f"pid {kill.get('pid')} of {kill.get('workers_before')}, "
              f"SIGKILL at {kill.get('at', soak.started) - soak.started:.1f} s; {replaced}",
              "replacement" in kill),
        Check("failed requests at the kill (the killed worker's)", counted(killed), None),
        Check("other failed requests (5xx, or no answer at another time)", counted(others),
              not others),
        Check("unexpected answers (4xx, refusals)",
              f"{sum(soak.unexpected.values())}{': ' + unexpected if unexpected else ''}",
              not soak.unexpected),
    ]


def session_link(seeded: Seeded, session_id: int) -> str:
    return f"/p/{seeded.partnership_id}/cpd/sessions/{session_id}"


def last_booking_writes(soak: Soak) -> dict[tuple[int, int], Write]:
    """Each person's last booking write on each session that may have changed something."""
    last: dict[tuple[int, int], Write] = {}
    for write in soak.writes:
        if write.kind in ("signup", "withdraw") and write.outcome != "refused":
            key = (write.key, write.user_id)
            if key not in last or write.seq > last[key].seq:
                last[key] = write
    return last


def holds(write: Write, booking: Booking | None) -> bool:
    """Does the row say what this acknowledged write made it say?"""
    if booking is None:
        return False
    if write.kind == "withdraw":
        return booking.status == BookingStatus.CANCELLED
    if booking.status == BookingStatus.CANCELLED:
        return False
    # A fresh sign-up set the request time: the row must hold this request's, not an older.
    asked = booking.requested_at.timestamp()
    return not write.fresh or write.call.started - 1 <= asked <= write.call.ended + 1


def lost_booking_states(soak: Soak, rows: dict) -> tuple[int, int, int]:
    """(lost, checked, left open by a last write that had no answer)."""
    lost = checked = unanswered = 0
    for key, write in last_booking_writes(soak).items():
        if write.outcome != "ok":
            unanswered += 1
            continue
        checked += 1
        lost += not holds(write, rows.get(key))
    return lost, checked, unanswered


def lost_sign_up_notices(session: Session, soak: Soak, seeded: Seeded) -> int:
    """Each acknowledged fresh sign-up told its person (booked or waiting) in the same
    transaction: its notification must be there."""
    found = {(user, link): n for user, link, n in session.execute(
        select(Notification.user_id, Notification.link, func.count()).where(
            Notification.kind.in_(["booking_confirmed", "booking_waiting"]))
        .group_by(Notification.user_id, Notification.link))}
    asked = Counter((w.user_id, session_link(seeded, w.key))
                    for w in acknowledged(soak, "signup") if w.fresh)
    return sum(max(0, n - found.get(key, 0)) for key, n in asked.items())


def lost_card_events(session: Session, soak: Soak) -> int:
    """Each acknowledged booking change published a card event in its transaction."""
    found = dict(session.execute(select(ChatEvent.ref, func.count()).where(
        ChatEvent.kind == "card").group_by(ChatEvent.ref)).all())
    asked = Counter(f"cpd-{w.key}" for w in soak.writes if w.outcome == "ok" and (
        w.kind == "withdraw" or (w.kind == "signup" and w.fresh)))
    return sum(max(0, n - found.get(ref, 0)) for ref, n in asked.items())


def lost_posts(session: Session, soak: Soak, seeded: Seeded) -> tuple[int, int, int]:
    """(acknowledged messages not stored, tokens stored more than once, unanswered posts
    that were stored all the same)."""
    stored = Counter(token for body in session.scalars(
        select(Message.body).where(Message.channel_id == seeded.channel_id))
        for token in set(TOKEN.findall(body)))
    acked = {w.key for w in acknowledged(soak, "post")}
    unanswered = {w.key for w in soak.writes if w.kind == "post" and w.outcome == "unknown"}
    return (len(acked - set(stored)), sum(n > 1 for n in stored.values()),
            len(unanswered & set(stored)))


def check_writes(session: Session, soak: Soak, seeded: Seeded, rows: dict) -> list[Check]:
    asked = Counter((w.kind, w.outcome) for w in soak.writes)
    states, checked, unanswered = lost_booking_states(soak, rows)
    notices = lost_sign_up_notices(session, soak, seeded)
    events = lost_card_events(session, soak)
    posts, twice, kept = lost_posts(session, soak, seeded)
    lost = states + notices + events + posts
    return [
        Check("writes acknowledged", "sign-ups {:,}, cancellations {:,}, chat posts {:,} "
              "(no answer: {}, {}, {}; of those posts, {} stored)".format(
                  *(asked[kind, "ok"] for kind in KINDS),
                  *(asked[kind, "unknown"] for kind in KINDS), kept), None),
        Check("acknowledged writes lost",
              f"{lost}: booking rows {states} of {checked} people x sessions "
              f"({unanswered} left open by an unanswered last write), sign-up notices "
              f"{notices}, card events {events}, chat posts {posts} of "
              f"{asked['post', 'ok']:,}", lost == 0),
        Check("chat posts stored twice", str(twice), twice == 0),
    ]


def fifo_breaks(session: Session, seeded: Seeded, rows: dict) -> list[float]:
    """For each person still waiting who asked before someone promoted off the same list:
    how much earlier they asked, in seconds. First come, first served: none."""
    promoted_at = defaultdict(list)
    for user_id, link, created in session.execute(
            select(Notification.user_id, Notification.link, Notification.created_at).where(
                Notification.kind == "booking_promoted")):
        promoted_at[user_id, link].append(created)
    breaks = []
    for session_id in seeded.session_ids:
        link = session_link(seeded, session_id)
        mine = [b for (s, _), b in rows.items() if s == session_id]
        promoted = [b for b in mine if b.status == BookingStatus.BOOKED and any(
            at >= b.requested_at for at in promoted_at[b.user_id, link])]
        breaks += [(p.requested_at - w.requested_at).total_seconds()
                   for w in mine if w.status == BookingStatus.WAITING
                   for p in promoted if w.requested_at < p.requested_at]
    return breaks


def check_capacity(session: Session, soak: Soak, seeded: Seeded, rows: dict) -> list[Check]:
    ids, capacity = seeded.session_ids, seeded.capacity
    booked = Counter(s for (s, _), b in rows.items() if b.status == BookingStatus.BOOKED)
    waiting = Counter(s for (s, _), b in rows.items() if b.status == BookingStatus.WAITING)
    seen = [soak.booked_max.get(s, 0) for s in ids]
    beside_free = [s for s in ids if waiting[s] and booked[s] < capacity]
    doubles = session.scalar(select(func.count()).select_from(
        select(Booking.session_id).where(
            Booking.status.in_([BookingStatus.BOOKED, BookingStatus.WAITING]))
        .group_by(Booking.session_id, Booking.user_id).having(func.count() > 1).subquery()))
    breaks = fifo_breaks(session, seeded, rows)
    return [
        Check(f"booked places, at the end (capacity {capacity})",
              ", ".join(str(booked[s]) for s in ids), all(booked[s] <= capacity for s in ids)),
        Check("booked places, most seen while running",
              f"{', '.join(map(str, seen))} ({soak.monitor_reads} reads, one a second)",
              all(n <= capacity for n in seen) and soak.monitor_reads > 0),
        Check("waiting lists at the end", ", ".join(str(waiting[s]) for s in ids)
              + f"; waiting beside a free place: {len(beside_free)}", not beside_free),
        Check("waiting list order (still waiting, asked before someone promoted)",
              f"{len(breaks)}" + (f" (by at most {max(breaks):.3f} s)" if breaks else ""),
              not breaks),
        Check("people with two active bookings of a session", str(doubles), doubles == 0),
    ]


def check_streams(soak: Soak, tabs: list[Tab]) -> Check:
    acked = {w.key for w in acknowledged(soak, "post")}
    missing = sum(len(acked - set(tab.received)) for tab in tabs)
    twice = sum(n - 1 for tab in tabs for n in tab.received.values() if n > 1)
    reloads = sum(tab.reloads for tab in tabs)
    return Check("live streams: every acknowledged message received once by each",
                 f"{len(tabs)} tabs, {sum(t.opens for t in tabs)} streams opened "
                 f"({sum(t.ended_by_server for t in tabs)} ended by the server, "
                 f"{sum(t.cut for t in tabs)} cut, the rest closed by the tab); "
                 f"missing {missing}, twice {twice}, "
                 f"told to reload {reloads}", not (missing or twice or reloads))


def check(url: str, soak: Soak, seeded: Seeded, tabs: list[Tab]) -> list[Check]:
    engine = create_engine(normalise_database_url(url))
    try:
        with Session(engine) as session:
            rows = {(b.session_id, b.user_id): b for b in session.scalars(
                select(Booking).where(Booking.session_id.in_(seeded.session_ids)))}
            return [*check_requests(soak), *check_writes(session, soak, seeded, rows),
                    *check_capacity(session, soak, seeded, rows), check_streams(soak, tabs)]
    finally:
        engine.dispose()


# --- the report -----------------------------------------------------------------------------


def milliseconds(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def traffic_rows(soak: Soak, args) -> list[Check]:
    seconds = soak.ended - soak.started
    calls = [c for c in soak.calls if c.started <= soak.ended]
    kinds = defaultdict(list)
    for call in calls:
        if call.kind != "stream" and not call.failed:
            kinds[call.kind].append(call.ended - call.started)
    return [
        Check("run", f"{seconds:.0f} s of traffic; gunicorn {args.workers} workers x "
              f"{args.threads} threads on PostgreSQL; {args.clients} clients acting for "
              f"{args.members} members, {args.streams} live streams", None),
        Check("requests", f"{len(calls):,} in {seconds:.1f} s: {len(calls) / seconds:.1f} a "
              "second (streams counted once each)", None),
        *[Check(kind, f"{len(values):,}: {milliseconds(values)}", None)
          for kind, values in sorted(kinds.items())],
    ]


def report(rows: list[Check]) -> bool:
    print("\n| what | figure | check |\n| --- | --- | --- |")
    for row in rows:
        verdict = "" if row.ok is None else ("ok" if row.ok else "**FAILED**")
        print(f"| {row.name} | {row.figure} | {verdict} |")
    failed = [row.name for row in rows if row.ok is False]
    print("\nFAILED: " + "; ".join(failed) if failed else "\nEvery check passed.")
    return not failed


# --- main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=3, help="traffic, in minutes (3)")
    parser.add_argument("--quick", action="store_true",
                        help="35 s of traffic, about a minute in all")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--threads", type=int, default=64, help="threads a worker (64)")
    parser.add_argument("--clients", type=int, default=10, help="client threads (10)")
    parser.add_argument("--streams", type=int, default=6, help="live chat streams (6)")
    parser.add_argument("--members", type=int, default=40, help="members (40)")
    parser.add_argument("--sessions", type=int, default=3, help="CPD sessions (3)")
    parser.add_argument("--capacity", type=int, default=5, help="places a session (5)")
    parser.add_argument("--pause", type=float, default=0.1,
                        help="most seconds a client waits between requests (0.1)")
    parser.add_argument("--stream-seconds", type=int, default=20,
                        help="CHAT_STREAM_SECONDS for the server (20)")
    parser.add_argument("--kill-at", type=float, default=0.5,
                        help="when to kill a worker, as a share of the run (0.5)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
    parser.add_argument("--postgresql-url", default=os.environ.get(
        "BENCH_POSTGRESQL_URL", DEFAULT_PG), help="the database is dropped and made again")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.quick:
        args.minutes = 35 / 60
    if make_url(args.postgresql_url).host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the soak run stays on this machine: give a loopback database address")
    return args


def interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Steps:
    """How long each step took, for the log."""

    def __init__(self) -> None:
        self.last, self.done = time.monotonic(), []

    def __call__(self, name: str) -> None:
        now = time.monotonic()
        self.done.append(f"{name} {now - self.last:.1f} s")
        self.last = now

    def __str__(self) -> str:
        return ", ".join(self.done)


def soak_run(args, url: str, seen: dict, people: list, log_path: Path) -> list[Check]:
    """Everything between making the database and dropping it; gunicorn is stopped before
    the checks read the database, so that nothing is still being written."""
    process = None
    step = Steps()
    try:
        migrate(url)
        step("migrations")
        seeded = seed(url, args.members, args.sessions, args.capacity)
        step("seed")
        process, base = start_gunicorn(url, SimpleNamespace(
            workers=args.workers, threads=args.threads, stream_seconds=args.stream_seconds),
            log_path)
        seen.update(processes_under(process.pid))
        step("gunicorn up")
        people += log_in(base, seeded)
        step("log-ins")
        soak = Soak()
        engine = create_engine(normalise_database_url(url))
        try:
            tabs = run_traffic(soak, base, people, seeded, args, process.pid, engine, seen)
        finally:
            engine.dispose()
        step("traffic")
        stop_server(process, seen)
        step("gunicorn stopped")
        rows = traffic_rows(soak, args) + check(url, soak, seeded, tabs)
        step("checks")
        print(f"Steps: {step}")
        return rows
    finally:
        stop_server(process, seen)


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, interrupt)
    url = args.postgresql_url
    print(f"Machine: {machine()}; load average before: {load()}")
    print(f"Soak: {args.minutes * 60:.0f} s, database {make_url(url).database}")
    log_path = Path(f"/tmp/soak_gunicorn_{os.getpid()}.log")
    seen: dict[int, str] = {}
    people: list[Person] = []
    rows = None
    recreate_database(url)
    try:
        rows = soak_run(args, url, seen, people, log_path)
    except KeyboardInterrupt:
        pass
    finally:
        for person in people:
            person.http.close()
        if not args.keep:
            drop_database(url)
    if rows is None:
        print("Interrupted: gunicorn, its workers and the clients are stopped; "
              f"database {'kept' if args.keep else 'dropped'}.")
        sys.exit(130)
    errors = log_path.read_text(errors="replace").count("Traceback")
    rows.append(Check("server log", f"{errors} tracebacks; {log_path}", None))
    rows.append(Check("load average after", load(), None))
    sys.exit(0 if report(rows) else 1)


if __name__ == "__main__":
    main()
