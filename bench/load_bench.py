"""Key pages under load, against the stack's own limit: what bench/run runs (see README.md).

For each database (SQLite, PostgreSQL): makes or reuses the scale data (scale_data.py), starts
the app and the reference page (fortunes.py) under gunicorn with gunicorn.conf.py on loopback,
logs in pools of leads, teachers, practitioners and catalogue editors, and drives each page at
each concurrency (load.py), the reference page before and after the app's pages. Writes
bench/RESULTS.md: the machine, the data, per page and database the requests per second, median
and p95 latency and the share of the reference page's requests per second, and the targets of
issue 17. Everything it started is stopped at the end, on failure, on Ctrl-C or SIGTERM, and
when --time-limit passes.
"""

import argparse
import contextlib
import os
import platform
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import fortunes
import gunicorn
import httpx
import load
import report
import scale_data
from load import USER_AGENT, Caller, Result, drive, prepare
from sqlalchemy import bindparam, create_engine, text

from workspace.config import normalise_database_url

ROOT = Path(__file__).resolve().parents[1]
SECRET = "load-benchmark-secret"
SEARCHES = ["music", "music educ", "level 3 cert", "dance", "safeguarding", "early years",
            "singing", "a/6"]


class Stopped(Exception):
    """Ctrl-C, SIGTERM or the time limit: stop what was started and leave."""


def stop_on(signum, _frame):
    load.STOP.set()
    raise Stopped(signal.Signals(signum).name)


# --- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """gunicorn (master and workers in a process group of their own) on a loopback port."""

    name: str
    process: subprocess.Popen
    port: int
    log: Path

    @classmethod
    def start(cls, name: str, app: str, url: str, args, ready_path: str) -> "Server":
        port = free_port()
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, BIND=f"127.0.0.1:{port}",
                   ACCESSLOG="", FLASK_RATELIMIT_ENABLED="false",
                   PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "bench")]))
        env.update({k: str(v) for k, v in (("WORKERS", args.workers),
                                           ("THREADS", args.threads)) if v})
        log = Path(f"/tmp/load_bench_{name}_{os.getpid()}.log")
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
             "--no-control-socket", app], cwd=ROOT, env=env, stdout=log.open("wb"),
            stderr=subprocess.STDOUT, start_new_session=True)
        server = cls(name, process, port, log)
        try:
            server.wait_ready(ready_path)
        except BaseException:  # Ctrl-C too: nothing is left running
            server.stop()
            raise
        return server

    def wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}{path}", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start:\n" + self.log.read_text()[-3000:])

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers."""
        pids = [self.process.pid]
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids += [int(pid) for pid in children.read_text().split()]
        total = 0
        for pid in pids:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, limit: float = 60.0) -> float:
        """Wait until the workers use under a tenth of a core (requests a previous page left
        unanswered are still being served); returns the seconds waited."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            before = self.cpu_seconds()
            time.sleep(0.5)
            if self.cpu_seconds() - before < 0.05:
                break
        return time.monotonic() - started

    def stop(self) -> None:
        """SIGTERM to its process group, SIGKILL after 20 s."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# --- people and what they look at -----------------------------------------------------------


@dataclass
class Person:
    email: str
    user_id: int
    partnership_id: int
    caller: Caller = field(default_factory=Caller)
    channel_id: int = 0
    network_ids: list[int] = field(default_factory=list)
    session_ids: list[int] = field(default_factory=list)   # in their partnership
    bookable_ids: list[int] = field(default_factory=list)  # to come, and no place held
    audit_id: int = 0


def pool_emails(kind: str, size: int, partnerships: int) -> list[str]:
    """Emails of `size` people of a kind, spread over the partnerships (scale_data.py)."""
    if kind == "editor":
        return [f"editor.p{n + 1}@{scale_data.DOMAIN}" for n in range(min(size, partnerships))]
    per = scale_data.LEADS if kind == "lead" else size
    return [f"{kind}{i // partnerships + 1}.p{i % partnerships + 1}@{scale_data.DOMAIN}"
            for i in range(min(size, per * partnerships))]


def find_people(connection, emails: list[str]) -> list[Person]:
    rows = connection.execute(text(
        "SELECT u.email, u.id, m.partnership_id FROM \"user\" u "
        "JOIN membership m ON m.user_id = u.id WHERE u.email IN :emails"
    ).bindparams(bindparam("emails", expanding=True)), {"emails": emails}).all()
    found = {email: Person(email, uid, pid) for email, uid, pid in rows}
    return [found[email] for email in emails if email in found]


def fill_in(connection, person: Person, now: datetime) -> None:
    """What the pages ask about: the person's channel, networks, sessions and an audit."""
    one, params = connection.execute, {"pid": person.partnership_id, "uid": person.user_id,
                                       "now": now}
    person.channel_id = one(text("SELECT id FROM channel WHERE partnership_id = :pid AND "
                                 "kind = 'general'"), params).scalar()
    person.network_ids = list(one(text(
        "SELECT network_id FROM network_member WHERE user_id = :uid ORDER BY network_id"),
        params).scalars())
    person.session_ids = list(one(text(
        "SELECT id FROM cpd_session WHERE partnership_id = :pid ORDER BY id"),
        params).scalars())
    person.bookable_ids = list(one(text(
        "SELECT s.id FROM cpd_session s WHERE s.partnership_id = :pid AND s.starts_at > :now "
        "AND s.status = 'scheduled' AND NOT EXISTS (SELECT 1 FROM booking b WHERE "
        "b.session_id = s.id AND b.user_id = :uid AND b.status != 'cancelled') ORDER BY s.id"),
        params).scalars())
    person.audit_id = one(text("SELECT min(id) FROM audit WHERE partnership_id = :pid"),
                          params).scalar() or 0


def sign_in(base: str, person: Person) -> None:
    """Log in through the form; keep the session's cookies and CSRF token (read from a light
    page's <body hx-headers>)."""
    with httpx.Client(base_url=base, timeout=60, headers={"User-Agent": USER_AGENT}) as http:
        page = http.get("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        answer = http.post("/login", data={"email": person.email, "csrf_token": token,
                                           "password": scale_data.PASSWORD})
        if answer.status_code != 302:
            raise RuntimeError(f"log-in refused for {person.email}: {answer.status_code}")
        page = http.get("/account")
        token = re.search(r'"X-CSRFToken": "([^"]+)"', page.text).group(1)
        person.caller = Caller("; ".join(f"{k}={v}" for k, v in http.cookies.items()), token)


def log_in(base: str, people: list[Person]) -> None:
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda person: sign_in(base, person), people))


@dataclass
class Pools:
    lead: list[Person]
    teacher: list[Person]
    practitioner: list[Person]
    editor: list[Person]
    qualifications: list[int]


def make_pools(url: str, base: str, args, partnerships: int) -> Pools:
    engine = create_engine(normalise_database_url(url))
    sizes = {"lead": args.pool, "teacher": max(args.concurrency), "practitioner": args.pool,
             "editor": args.pool}
    now = datetime.now(UTC)
    with engine.connect() as connection:
        pools = {kind: find_people(connection, pool_emails(kind, size, partnerships))
                 for kind, size in sizes.items()}
        for person in [p for people in pools.values() for p in people]:
            fill_in(connection, person, now)
        qualifications = list(connection.execute(text(
            "SELECT id FROM catalogue_item WHERE is_qualification AND stable_id LIKE 'SYN-%' "
            "ORDER BY id")).scalars())
    engine.dispose()
    random.Random(1).shuffle(qualifications)
    log_in(base, [p for people in pools.values() for p in people])
    return Pools(qualifications=qualifications[:200], **pools)


# --- the pages ------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    kind: str   # "read", "write" or "reference"
    pool: str   # which people ask for it ("" for nobody)
    requests: object  # (person, client number, pools) -> [(method, path, form, htmx[, label])]
    labels: tuple[str, ...] = ()  # reported apart, when one page's requests are of several kinds


def _cycle(values: list, start: int, count: int = 50) -> list:
    return [values[(start + n) % len(values)] for n in range(count)] if values else []


def _signups(person: Person) -> list[tuple]:
    """Sign up for a session, give the place up, on to the next session: each client can go
    on for as long as it is asked, and every request changes something."""
    base = f"/p/{person.partnership_id}/cpd/sessions"
    return [request for sid in person.bookable_ids for request in (
        ("POST", f"{base}/{sid}/signup", {}, True, "sign-up"),
        ("POST", f"{base}/{sid}/withdraw", {}, True, "cancellation"))]


PAGES = [
    Page("home: lead", "read", "lead", lambda p, c, _: [("GET", "/", None, False)]),
    Page("home: teacher", "read", "teacher", lambda p, c, _: [("GET", "/", None, False)]),
    Page("home: practitioner", "read", "practitioner",
         lambda p, c, _: [("GET", "/", None, False)]),
    Page("home: catalogue editor", "read", "editor",
         lambda p, c, _: [("GET", "/", None, False)]),
    Page("partnership overview", "read", "teacher",
         lambda p, c, _: [("GET", f"/p/{p.partnership_id}/", None, False)]),
    Page("catalogue search", "read", "editor",
         lambda p, c, _: [("GET", f"/catalogue/?q={q.replace(' ', '+')}", None, False)
                          for q in _cycle(SEARCHES, c, len(SEARCHES))]),
    Page("qualification page", "read", "teacher",
         lambda p, c, pools: [("GET", f"/catalogue/items/{i}", None, False)
                              for i in _cycle(pools.qualifications, c * 7)]),
    Page("network's sessions", "read", "teacher",
         lambda p, c, _: [("GET", f"/p/{p.partnership_id}/cpd/networks/{n}", None, False)
                          for n in p.network_ids]),
    Page("session page", "read", "teacher",
         lambda p, c, _: [("GET", f"/p/{p.partnership_id}/cpd/sessions/{s}", None, False)
                          for s in _cycle(p.session_ids, c * 3, 10)]),
    Page("sign-up and cancellation", "write", "teacher", lambda p, c, _: _signups(p),
         ("sign-up", "cancellation")),
    Page("chat channel", "read", "teacher",
         lambda p, c, _: [("GET", f"/p/{p.partnership_id}/chat/channels/{p.channel_id}",
                           None, False)]),
    Page("chat post", "write", "teacher",
         lambda p, c, _: [("POST", f"/p/{p.partnership_id}/chat/channels/{p.channel_id}"
                           "/messages", {"body": f"Load test message {c}-{n}"}, True)
                          for n in range(200)]),
    Page("gap view", "read", "lead",
         lambda p, c, _: [("GET", f"/p/{p.partnership_id}/audits/{p.audit_id}/gaps",
                           None, False)]),
    Page("workforce view", "read", "lead",
         lambda p, c, _: [("GET", f"/p/{p.partnership_id}/workforce", None, False)]),
    Page("progress", "read", "practitioner",
         lambda p, c, _: [("GET", "/me/progress", None, False)]),
    Page("next steps", "read", "practitioner",
         lambda p, c, _: [("GET", "/me/next-steps", None, False)]),
]
REFERENCE = Page("reference (Fortunes)", "reference", "",
                 lambda p, c, _: [("GET", "/fortunes", None, False)])


def client_requests(page: Page, pools: Pools, port: int,
                    concurrency: int) -> list[list[tuple[str, bytes]]]:
    """Each client's prepared requests; client c acts for the c-th person of the pool."""
    host = f"127.0.0.1:{port}"
    people = getattr(pools, page.pool) if page.pool else [Person("", 0, 0)]
    per_client = []
    for c in range(concurrency):
        person = people[c % len(people)]
        plan = page.requests(person, c, pools) or [("GET", "/healthz", None, False)]
        per_client.append([(label[0] if label else page.name,
                            prepare(host, method, path, person.caller, form, htmx))
                           for method, path, form, htmx, *label in plan])
    return per_client


# --- the run ------------------------------------------------------------------------------


@dataclass
class Measured:
    database: str
    concurrency: int
    page: Page
    result: Result
    reference_rps: float = 0.0
    combined_rps: float | None = None  # of the whole page, when it is one of its labels
    name: str = ""

    def __post_init__(self):
        self.name = self.name or self.page.name

    @property
    def ratio(self) -> float:
        return self.result.rps / self.reference_rps if self.reference_rps else float("nan")


@dataclass
class DatabaseRun:
    name: str
    url: str
    version: str = ""
    build_seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    references: dict[int, list[float]] = field(default_factory=dict)
    over_capacity: int = -1
    measured: list[Measured] = field(default_factory=list)


def measure(page: Page, pools: Pools, server: Server, concurrency: int, args) -> Result:
    requests = client_requests(page, pools, server.port, concurrency)
    server.wait_idle()
    result = drive("127.0.0.1", server.port, requests, args.warmup, args.duration)
    if load.STOP.is_set():
        raise Stopped("signal")
    return result


def run_database(run: DatabaseRun, args, say) -> None:
    say(f"{run.name}: data at scale {args.scale}")
    run.build_seconds = scale_data.ensure(run.url, args.scale, args.rebuild, say=say)
    fortunes.ensure_table(run.url)
    run.counts, run.version = table_counts(run.url), database_version(run.url)
    partnerships = run.counts["partnership"]
    with contextlib.ExitStack() as stack:
        say(f"{run.name}: starting gunicorn (app and reference)")
        app = Server.start(f"app_{run.name}", "workspace:create_app()", run.url, args, "/login")
        stack.callback(app.stop)
        reference = Server.start(f"reference_{run.name}", "fortunes:create_app()", run.url,
                                 args, "/fortunes")
        stack.callback(reference.stop)
        pools = make_pools(run.url, f"http://127.0.0.1:{app.port}", args, partnerships)
        say(f"{run.name}: logged in " + ", ".join(
            f"{len(getattr(pools, k))} {k}s" for k in ("lead", "teacher", "practitioner",
                                                       "editor")))
        for concurrency in args.concurrency:
            measure_level(run, pools, app, reference, concurrency, args, say)
    run.over_capacity = over_capacity(run.url)


def measure_level(run: DatabaseRun, pools: Pools, app: Server, reference: Server,
                  concurrency: int, args, say) -> None:
    """The reference page, every page of the app, the reference page again."""
    before = measure(REFERENCE, pools, reference, concurrency, args)
    say(f"  {run.name} c={concurrency} reference: {before.rps:,.0f} req/s")
    results = []
    for page in PAGES:
        if args.only and not any(word in page.name for word in args.only):
            continue
        result = measure(page, pools, app, concurrency, args)
        say(f"  {run.name} c={concurrency} {page.name}: {result.rps:,.1f} req/s, "
            f"p95 {result.percentile(0.95) * 1000:,.0f} ms"
            + (f", {result.failures} failed" if result.failures else ""))
        if not page.labels:
            results.append(Measured(run.name, concurrency, page, result))
        results += [Measured(run.name, concurrency, page, result.only(label),
                             combined_rps=result.rps, name=label) for label in page.labels]
    after = measure(REFERENCE, pools, reference, concurrency, args)
    say(f"  {run.name} c={concurrency} reference again: {after.rps:,.0f} req/s")
    run.references[concurrency] = [before.rps, after.rps]
    mean = (before.rps + after.rps) / 2
    for measured in results:
        measured.reference_rps = mean
    run.measured += [Measured(run.name, concurrency, REFERENCE, before, mean), *results,
                     Measured(run.name, concurrency, REFERENCE, after, mean)]


def table_counts(url: str) -> dict[str, int]:
    tables = ["partnership", "user", "membership", "catalogue_item", "component", "network",
              "cpd_session", "booking", "audit", "provision", "need", "channel", "message",
              "enrolment"]
    engine = create_engine(normalise_database_url(url))
    with engine.connect() as connection:
        counts = {t: connection.scalar(text(f'SELECT count(*) FROM "{t}"')) for t in tables}
    engine.dispose()
    return counts


def database_version(url: str) -> str:
    if url.startswith("sqlite"):
        return f"SQLite {sqlite3.sqlite_version}"
    engine = create_engine(normalise_database_url(url))
    with engine.connect() as connection:
        version = connection.scalar(text("SHOW server_version"))
    engine.dispose()
    return f"PostgreSQL {version.split()[0]}"


def over_capacity(url: str) -> int:
    """Sessions holding more booked places than their capacity (must be none)."""
    engine = create_engine(normalise_database_url(url))
    with engine.connect() as connection:
        count = connection.scalar(text(
            "SELECT count(*) FROM cpd_session s WHERE s.capacity < (SELECT count(*) FROM "
            "booking b WHERE b.session_id = s.id AND b.status = 'booked')"))
    engine.dispose()
    return count


def default_urls(scale: float) -> dict[str, str]:
    tag = f"{scale:g}".replace(".", "_")
    return {"sqlite": f"sqlite:////tmp/bench_scale_{tag}.sqlite",
            "postgresql": f"postgresql://postgres@127.0.0.1:5432/bench_scale_{tag}"}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--duration", type=float, default=5.0,
                        help="measured seconds per page and concurrency (default 5)")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--sqlite-url", help="default sqlite:////tmp/bench_scale_<scale>.sqlite")
    parser.add_argument("--postgresql-url", default=os.environ.get("BENCH_POSTGRESQL_URL"),
                        help="default postgresql://postgres@127.0.0.1:5432/bench_scale_<scale>")
    parser.add_argument("--rebuild", action="store_true", help="make the data again")
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="threads a worker (gunicorn.conf.py's)")
    parser.add_argument("--pool", type=int, default=16, help="people logged in of each kind")
    parser.add_argument("--only", action="append", help="pages whose name holds this")
    parser.add_argument("--time-limit", type=float, default=40.0, help="minutes in all")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    args.db = args.db or ["sqlite", "postgresql"]
    urls = default_urls(args.scale)
    args.urls = {"sqlite": args.sqlite_url or urls["sqlite"],
                 "postgresql": args.postgresql_url or urls["postgresql"]}
    for url in args.urls.values():
        if not url.startswith("sqlite") and "127.0.0.1" not in url and "localhost" not in url:
            parser.error(f"not a loopback database: {url}")
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    started = time.monotonic()

    def say(line: str) -> None:
        print(f"[{time.monotonic() - started:6.0f} s] {line}", flush=True)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):
        signal.signal(signum, stop_on)
    signal.alarm(int(args.time_limit * 60))
    machine = describe_machine()
    runs = []
    try:
        for name in args.db:
            runs.append(DatabaseRun(name, args.urls[name]))
            run_database(runs[-1], args, say)
    except Stopped as stop:
        say(f"stopped ({stop}): servers stopped, no report written")
        return 130
    finally:
        signal.alarm(0)
    machine["load after"] = load_average()
    args.output.write_text(report.render(args, machine, runs, time.monotonic() - started))
    say(f"wrote {args.output}")
    return 0


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def describe_machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    ram = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "0")
    return {"cores": str(os.cpu_count()), "CPU": cpu, "RAM": f"{int(ram) / 2**20:.0f} GiB",
            "system": f"{platform.system()} {platform.release()}",
            "Python": platform.python_version(), "gunicorn": gunicorn.__version__,
            "load before": load_average(),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
