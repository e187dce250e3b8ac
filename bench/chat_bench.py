"""Chat delivery latency with many connected clients, and posting throughput, against the app
served by gunicorn (gunicorn.conf.py) on PostgreSQL.

Makes its own database (dropped at the end), a partnership with members and its channels,
starts gunicorn, logs in, opens N Server-Sent Events streams on the general channel (the
page's `chat.stream`), then:

1. latency: posts messages one at a time through the composer's route (`chat.post`, as htmx
   does) and times, for every client, from sending the POST to receiving the message on the
   stream: median, p95, max over all deliveries, and the share under a second;
2. throughput: P posters post as fast as they are answered for T seconds while the clients
   listen: messages accepted a second, and the delivery latency under that load;
3. with --flood F: one member opens F more streams at once (a runaway tab, or someone with
   bad intent) while the N clients stay connected, and `/healthz` and a page (the
   partnership overview) are timed: they must stay under 100 ms p95. The per-person cap
   (CHAT_STREAMS_PER_PERSON) refuses the member's streams beyond it with 429.

    .venv/bin/python bench/chat_bench.py                          # 200 clients, 4 workers
    .venv/bin/python bench/chat_bench.py --clients 50 --messages 20 --post-seconds 5
    .venv/bin/python bench/chat_bench.py --workers 2 --threads 128 --posters 4
    .venv/bin/python bench/chat_bench.py --flood 100 --messages 10 --post-seconds 3

A stream that ends (CHAT_STREAM_SECONDS) reconnects with Last-Event-ID, as browsers do; a
message received twice by a client or not at all is counted and reported.
"""

import argparse
import asyncio
import logging
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from workspace import create_app
from workspace.config import normalise_database_url
from workspace.extensions import db
from workspace.models.partnerships import PartnershipKind, Role
from workspace.services.accounts import users
from workspace.services.chat import messages
from workspace.services.partnerships import membership

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/bench_chat"
PASSWORD = "benchmark password 2026"
SECRET = "chat-benchmark-secret"
HTMX = {"HX-Request": "true"}
# Flask-Login's "strong" session protection ties a session to the User-Agent: one for all.
USER_AGENT = "workspace-chat-bench"


# --- the database ---------------------------------------------------------------------------


def recreate_database(url: str) -> None:
    target = make_url(normalise_database_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def drop_database(url: str) -> None:
    target = make_url(normalise_database_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


@dataclass
class Setup:
    partnership_id: int
    channel_id: int
    viewers: list[str]
    posters: list[str]


def populate(url: str, viewers: int, posters: int) -> Setup:
    """Migrate; a partnership, its channels, and members to read and to post."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
                      "SECRET_KEY": SECRET, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "MAIL_SERVER": None,
                      # cheap hashes: logging in a few dozen people is not what we time
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        logging.disable(logging.INFO)
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        lead = users.register_user("lead@bench.example.org", "Bench Lead", PASSWORD)
        partnership = membership.create_partnership(
            lead, name="Benchmark Partnership", kind=PartnershipKind.CEP, place="Benchtown",
            lead_organisation="Bench Council")
        invitation = membership.create_invitation(partnership, lead, Role.MEMBER)
        emails = {"viewer": [], "poster": []}
        for kind, count in (("viewer", viewers), ("poster", posters)):
            for n in range(count):
                email = f"{kind}{n}@bench.example.org"
                user = users.register_user(email, f"Bench {kind.title()} {n}", PASSWORD)
                membership.accept_invitation(invitation.token, user)
                emails[kind].append(email)
        messages.ensure_channels(partnership)
        channel = messages.general_channel(partnership)
        setup = Setup(partnership.id, channel.id, emails["viewer"], emails["poster"])
        db.session.remove()
        db.engine.dispose()
    return setup


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, args, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, WORKERS=str(args.workers),
               THREADS=str(args.threads), BIND=f"127.0.0.1:{port}", ACCESSLOG="",
               FLASK_RATELIMIT_ENABLED="false", PYTHONPATH=str(ROOT))
    if args.stream_seconds:
        env["FLASK_CHAT_STREAM_SECONDS"] = str(args.stream_seconds)
    log = open(log_path, "wb")  # noqa: SIM115 - the server's output, kept for a failure
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         "--no-control-socket", "workspace:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(base + "/login", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    sys.exit("gunicorn did not start:\n" + log_path.read_text()[-3000:])


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def login(base: str, email: str) -> tuple[httpx.Cookies, str]:
    """A signed-in session's cookies and its CSRF token."""
    with httpx.Client(base_url=base, timeout=30, headers={"User-Agent": USER_AGENT}) as http:
        page = http.get("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        response = http.post("/login", data={"email": email, "password": PASSWORD,
                                             "csrf_token": token})
        if response.status_code != 302:
            sys.exit(f"log-in failed for {email}: {response.status_code}")
        page = http.get("/", follow_redirects=True)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', page.text).group(1)
        return http.cookies, token


# --- the clients ----------------------------------------------------------------------------


@dataclass
class Run:
    sent: dict[int, float] = field(default_factory=dict)      # message number -> POST sent
    received: dict[int, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    clients: int = 0
    duplicates: int = 0
    connected: int = 0
    reconnects: int = 0
    errors: list[str] = field(default_factory=list)
    stop: bool = False


FRAME_ID = re.compile(rb"(?m)^id: *(\d+)")
BYTES_TOKEN = re.compile(rb"benchmsg-(\d+)-end")


async def listen(n: int, base: str, cookie: str, path: str, run: Run,
                 ready: asyncio.Event, clients: int) -> None:
    """One browser tab: the channel's stream, reconnecting with Last-Event-ID as browsers do.

    Plain asyncio streams and an HTTP/1.0 request (no chunked framing): the benchmark's own
    reading must stay cheap, as it shares the machine with the server it measures.
    """
    host, port = base.removeprefix("http://").split(":")
    last_id: bytes | None = None
    first = True
    while not run.stop:
        writer = None
        try:
            reader, writer = await asyncio.open_connection(host, int(port))
            extra = b"Last-Event-ID: " + last_id + b"\r\n" if last_id else b""
            request = (f"GET {path} HTTP/1.0\r\nHost: {host}\r\nCookie: {cookie}\r\n"
                       f"User-Agent: {USER_AGENT}\r\nAccept: text/event-stream\r\n")
            writer.write(request.encode() + extra + b"\r\n")
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith((b"HTTP/1.0 200", b"HTTP/1.1 200")):
                run.errors.append(f"stream answered {head.split(b' ')[1].decode()}")
                await asyncio.sleep(1)
                continue
            if first:
                first = False
                run.connected += 1
                if run.connected == clients:
                    ready.set()
            else:
                run.reconnects += 1
            buffer = b""
            while not run.stop:
                chunk = await reader.read(65536)
                if not chunk:
                    break  # the stream ended (CHAT_STREAM_SECONDS): reconnect
                buffer += chunk
                *frames, buffer = buffer.split(b"\n\n")
                now = time.monotonic()
                for frame in frames:
                    if (found := FRAME_ID.search(frame)) is not None:
                        last_id = found.group(1)
                    for match in BYTES_TOKEN.finditer(frame):
                        mine = run.received[int(match.group(1))]
                        if n in mine:
                            run.duplicates += 1
                        else:
                            mine[n] = now
        except (OSError, asyncio.IncompleteReadError) as error:
            if not run.stop:
                run.errors.append(f"stream: {type(error).__name__}")
                await asyncio.sleep(0.5)
        finally:
            if writer is not None:
                writer.close()


async def post(http: httpx.AsyncClient, url: str, token: str, number: int, run: Run) -> bool:
    run.sent[number] = time.monotonic()
    response = await http.post(url, data={"body": f"Benchmark message benchmsg-{number}-end"},
                               headers={**HTMX, "X-CSRFToken": token})
    if response.status_code != 200:
        run.errors.append(f"post answered {response.status_code}")
        del run.sent[number]
        return False
    return True


async def wait_delivered(run: Run, numbers: list[int], clients: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(len(run.received.get(n, ())) >= clients for n in numbers if n in run.sent):
            return
        await asyncio.sleep(0.05)


def latencies(run: Run, numbers: list[int]) -> tuple[list[float], int]:
    """Every delivery's latency in seconds, and how many deliveries never came."""
    values, expected = [], 0
    for number in numbers:
        if number not in run.sent:
            continue
        sent = run.sent[number]
        values.extend(at - sent for at in run.received.get(number, {}).values())
        expected += run.clients
    return values, expected - len(values)


def summary(values: list[float], missing: int) -> str:
    if not values:
        return f"no deliveries ({missing} missing)"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    under = sum(v < 1 for v in values) / (len(values) + missing)
    return (f"{len(values):,} deliveries: median {statistics.median(values) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms, "
            f"under 1 s {under:.1%}, missing {missing}")


async def bench(base: str, setup: Setup, sessions: dict[str, tuple], args) -> dict:
    run = Run(clients=args.clients)
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    timeout = httpx.Timeout(30, read=None)
    viewers = ["; ".join(f"{c.name}={c.value}" for c in sessions[email][0].jar)
               for email in setup.viewers]
    posters = [(httpx.AsyncClient(base_url=base, cookies=sessions[email][0], limits=limits,
                                  timeout=timeout, headers={"User-Agent": USER_AGENT}),
                sessions[email][1])
               for email in setup.posters]
    stream_path = (f"/p/{setup.partnership_id}/chat/stream?channel_id={setup.channel_id}"
                   f"&after={args.after}")
    post_url = f"/p/{setup.partnership_id}/chat/channels/{setup.channel_id}/messages"
    ready = asyncio.Event()
    started = time.monotonic()
    listeners = [asyncio.create_task(listen(n, base, viewers[n % len(viewers)], stream_path,
                                            run, ready, args.clients))
                 for n in range(args.clients)]
    try:
        await asyncio.wait_for(ready.wait(), 60)
    except TimeoutError:
        sys.exit(f"only {run.connected} of {args.clients} streams opened in 60 s: "
                 f"{run.errors[:5]}")
    connect_seconds = time.monotonic() - started
    await asyncio.sleep(1)

    # 1. Latency: one message at a time.
    number = 0
    single = []
    http, token = posters[0]
    for _ in range(args.messages):
        number += 1
        if await post(http, post_url, token, number, run):
            single.append(number)
        await asyncio.sleep(args.interval)
    await wait_delivered(run, single, args.clients, 10)

    # 2. Throughput: P posters as fast as they are answered, for T seconds.
    loaded: list[int] = []
    accepted = 0
    end = time.monotonic() + args.post_seconds

    async def poster(http: httpx.AsyncClient, token: str) -> None:
        nonlocal number, accepted
        while time.monotonic() < end:
            number += 1
            mine = number
            if await post(http, post_url, token, mine, run):
                accepted += 1
                loaded.append(mine)

    load_started = time.monotonic()
    await asyncio.gather(*(poster(http, token) for http, token in posters))
    load_seconds = time.monotonic() - load_started
    await wait_delivered(run, loaded, args.clients, 15)

    # 3. A flood of one member's streams while the clients stay connected.
    flooded = await flood(base, setup, sessions, args, stream_path) if args.flood else None

    run.stop = True
    for task in listeners:
        task.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)
    for client, _ in posters:
        await client.aclose()
    return {"run": run, "single": single, "loaded": loaded, "accepted": accepted,
            "load_seconds": load_seconds, "connect_seconds": connect_seconds,
            "flood": flooded}


async def flood_stream(base: str, cookie: str, path: str, tally: dict,
                       stop: asyncio.Event) -> None:
    """One more stream of the flooding member: held open until the end, or refused."""
    host, port = base.removeprefix("http://").split(":")
    writer = None
    try:
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write((f"GET {path} HTTP/1.0\r\nHost: {host}\r\nCookie: {cookie}\r\n"
                      f"User-Agent: {USER_AGENT}\r\nAccept: text/event-stream\r\n\r\n")
                     .encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = head.split(b" ")[1].decode()
        tally[status] = tally.get(status, 0) + 1
        while not stop.is_set():
            try:
                if not await asyncio.wait_for(reader.read(65536), 1):
                    break
            except TimeoutError:
                continue
    except (OSError, asyncio.IncompleteReadError) as error:
        tally[type(error).__name__] = tally.get(type(error).__name__, 0) + 1
    finally:
        if writer is not None:
            writer.close()


async def timed(http: httpx.AsyncClient, path: str, times: int) -> tuple[list[float], int]:
    """Sequential requests: each one's seconds, and how many did not answer 200."""
    values, bad = [], 0
    for _ in range(times):
        started = time.monotonic()
        response = await http.get(path)
        values.append(time.monotonic() - started)
        bad += response.status_code != 200
    return values, bad


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


async def flood(base: str, setup, sessions: dict, args, path: str) -> dict:
    """Phase 3: the flooding member's streams, and pages timed meanwhile."""
    email = setup.posters[-1]
    cookie = "; ".join(f"{c.name}={c.value}" for c in sessions[email][0].jar)
    tally: dict[str, int] = {}
    stop = asyncio.Event()
    tasks = [asyncio.create_task(flood_stream(base, cookie, path, tally, stop))
             for _ in range(args.flood)]
    deadline = time.monotonic() + 30
    while sum(tally.values()) < args.flood and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    async with httpx.AsyncClient(base_url=base, cookies=sessions[setup.posters[0]][0],
                                 timeout=30, headers={"User-Agent": USER_AGENT}) as http:
        health, health_bad = await timed(http, "/healthz", args.flood_requests)
        page, page_bad = await timed(http, f"/p/{setup.partnership_id}/",
                                     args.flood_requests)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"tally": tally, "health": health, "health_bad": health_bad, "page": page,
            "page_bad": page_bad}


def machine() -> str:
    return (f"{platform.node()}: {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200, help="SSE clients (200)")
    parser.add_argument("--viewers", type=int, default=40,
                        help="members the clients are logged in as, in turn (40: the app "
                             "opens at most CHAT_STREAMS_PER_PERSON, 8, streams a person)")
    parser.add_argument("--messages", type=int, default=40,
                        help="messages posted one at a time for latency (40)")
    parser.add_argument("--interval", type=float, default=0.25,
                        help="seconds between those messages (0.25)")
    parser.add_argument("--posters", type=int, default=8,
                        help="concurrent posters for throughput (8)")
    parser.add_argument("--post-seconds", type=float, default=10,
                        help="how long they post (10)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--threads", type=int, default=80,
                        help="threads a worker (80: gunicorn.conf.py keeps a quarter of them "
                             "for pages, so 4 x 60 streams hold the 200 clients)")
    parser.add_argument("--stream-seconds", type=int, default=0,
                        help="CHAT_STREAM_SECONDS for the server (default: the app's)")
    parser.add_argument("--postgresql-url", default=os.environ.get("BENCH_POSTGRESQL_URL",
                                                                   DEFAULT_PG))
    parser.add_argument("--flood", type=int, default=0,
                        help="streams one member opens at once in phase 3 (0: no phase 3)")
    parser.add_argument("--flood-requests", type=int, default=60,
                        help="requests timed each for /healthz and a page meanwhile (60)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    args.after = 0
    streams = args.workers * (args.threads - max(8, args.threads // 4))
    if streams < args.clients or -(-args.clients // args.viewers) > 8:
        print(f"Warning: {args.workers} workers x {args.threads} threads hold {streams} streams "
              f"and {args.viewers} viewers at most {args.viewers * 8}: streams past that are "
              "refused (503 or 429) and retry, which the figures then include.")

    print(f"Machine: {machine()}")
    print(f"Load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"Server: gunicorn gthread, {args.workers} workers x {args.threads} threads; "
          f"{args.clients} SSE clients; database {make_url(args.postgresql_url).database}")
    url = args.postgresql_url
    recreate_database(url)
    process = None
    try:
        setup = populate(url, args.viewers, args.posters)
        log_path = Path(f"/tmp/chat_bench_gunicorn_{os.getpid()}.log")
        process, base = start_gunicorn(url, args, log_path)
        sessions = {email: login(base, email) for email in [*setup.viewers, *setup.posters]}
        result = asyncio.run(bench(base, setup, sessions, args))
    finally:
        if process is not None:
            stop_gunicorn(process)
        if not args.keep:
            drop_database(url)

    run: Run = result["run"]
    print(f"Streams: {args.clients} open in {result['connect_seconds']:.1f} s; "
          f"{run.reconnects} reconnections; {run.duplicates} duplicate deliveries")
    values, missing = latencies(run, result["single"])
    print(f"Latency, {len(result['single'])} messages one at a time "
          f"(every {args.interval} s), POST sent -> event received by each client:")
    print(f"  {summary(values, missing)}")
    rate = result["accepted"] / result["load_seconds"]
    print(f"Throughput, {args.posters} concurrent posters for {result['load_seconds']:.1f} s "
          f"while {args.clients} clients listen: {result['accepted']} messages accepted, "
          f"{rate:.1f} messages/s")
    values, missing = latencies(run, result["loaded"])
    print(f"  delivery under that load: {summary(values, missing)}")
    flooded = result["flood"]
    if flooded:
        tally = ", ".join(f"{status} x{n}" for status, n in sorted(flooded["tally"].items()))
        print(f"Flood, one member opening {args.flood} streams while {args.clients} clients "
              f"stay connected: answers {tally}")
        for name in ("health", "page"):
            label = "/healthz" if name == "health" else "partnership overview"
            values = flooded[name]
            print(f"  {label}: {len(values)} requests, median "
                  f"{statistics.median(values) * 1000:.0f} ms, p95 {p95(values) * 1000:.0f} ms,"
                  f" max {max(values) * 1000:.0f} ms, not 200: {flooded[name + '_bad']}")
    if run.errors:
        counts: dict[str, int] = defaultdict(int)
        for error in run.errors:
            counts[error] += 1
        print("Errors: " + ", ".join(f"{e} x{n}" for e, n in counts.items()))
    print(f"Load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"gunicorn log: {log_path}")
    _, missing = latencies(run, [*result["single"], *result["loaded"]])
    single, _ = latencies(run, result["single"])
    if missing or run.duplicates or not single or sorted(single)[int(0.95 * len(single))] >= 1:
        print("FAILED: a message was missed or duplicated, or one-at-a-time p95 reached 1 s")
        sys.exit(1)
    if flooded and (flooded["health_bad"] or flooded["page_bad"]):
        print("FAILED: a page did not answer 200 during the flood")
        sys.exit(1)


if __name__ == "__main__":
    main()
