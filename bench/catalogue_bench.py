"""Catalogue search and item-page latency at scale, on SQLite and PostgreSQL.

Builds (or with --reuse, keeps) a database holding a synthetic catalogue, then times requests
through Flask's test client as a signed-in user: server-side time, from the WSGI call to the
rendered response, without a network or a browser. Prints median, p95 and max per scenario and
exits non-zero when a search p95 reaches 50 ms, an item-page p95 100 ms or an analysis-page
(Common Core coverage by role, cluster or qualification; gaps) p95 200 ms.

    .venv/bin/python bench/catalogue_bench.py                 # 20,000 + 200,000, both databases
    .venv/bin/python bench/catalogue_bench.py --smoke         # 200 + 2,000, a quick check
    .venv/bin/python bench/catalogue_bench.py --db sqlite --reuse --requests 500
    .venv/bin/python bench/catalogue_bench.py --reuse --only analysis --requests 50
"""

import argparse
import logging
import math
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from workspace import create_app
from workspace.config import normalise_database_url
from workspace.extensions import db
from workspace.models import CatalogueItem, Cluster, ClusterSet, Component, ItemRole, JobRole
from workspace.services.accounts import users
from workspace.services.catalogue import analysis, synthetic
from workspace.services.catalogue.seed import load_catalogue_seed

TARGETS_MS = {"search": 50.0, "item": 100.0, "analysis": 200.0}
KINDS = {"search": "ALL SEARCH", "item": "ALL ITEM PAGES", "analysis": "ALL ANALYSIS PAGES"}
PASSWORD = "benchmark password 2026"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/bench_catalogue"
HTMX = {"HX-Request": "true"}
# What people type, keystroke by keystroke, in the search box.
TYPED = ["mus", "musi", "music", "music e", "music educ", "music education", "saf", "safeg",
         "safeguard", "safeguarding children", "lev", "level", "level 3", "level 3 c",
         "level 3 cert", "level 3 certificate in supporting", "dan", "dance", "early years",
         "drama for teen", "inclusive", "transitions", "supporting music learning",
         "a/6", "a/60", "a/601", "a/601/2", "syn-q0001", "600/1", "zzq"]


@dataclass
class Scenario:
    name: str
    kind: str  # "search", "item" or "analysis"
    urls: list[str]
    headers: dict = field(default_factory=dict)
    timings: list[float] = field(default_factory=list)
    by_url: dict[str, list[float]] = field(default_factory=dict)


# --- building the database ----------------------------------------------------------------


def make_app(url: str) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
                       "SECRET_KEY": "benchmark", "WTF_CSRF_ENABLED": False,
                       "RATELIMIT_ENABLED": False, "MAIL_SERVER": None})


def migrate() -> None:
    """flask db upgrade, without Alembic's lines in the report."""
    logging.disable(logging.INFO)
    try:
        upgrade()
    finally:
        logging.disable(logging.NOTSET)


def recreate_postgresql(url: str) -> None:
    target = make_url(normalise_database_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def synthetic_count(url: str) -> int | None:
    """Synthetic items in the database, or None when it does not exist or has no schema."""
    try:
        engine = create_engine(normalise_database_url(url))
        with engine.connect() as connection:
            count = connection.scalar(text(
                "SELECT count(*) FROM catalogue_item WHERE stable_id LIKE 'SYN-%'"))
        engine.dispose()
        return count
    except Exception:  # noqa: BLE001 - a missing database or table both mean "build it"
        return None


def start_afresh(url: str) -> None:
    """No database at `url` any more but an empty one (an SQLite file is removed)."""
    if url.startswith("sqlite"):
        path = make_url(url).database
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    else:
        recreate_postgresql(url)


def build(url: str, qualifications: int, modules: int) -> float:
    """A fresh database at this scale; returns the seconds the generator took."""
    start_afresh(url)
    app = make_app(url)
    with app.app_context():
        migrate()
        load_catalogue_seed()
        made = synthetic.generate_catalogue(qualifications, modules)
        db.engine.dispose()
    print(f"  generated in {made.seconds:.1f} s: "
          + ", ".join(f"{n:,} {name}" for name, n in made.counts.items()))
    return made.seconds


def ensure_database(url: str, args) -> float | None:
    wanted = args.qualifications + args.modules
    if args.reuse and synthetic_count(url) == wanted:
        print(f"  reusing {url} ({wanted:,} synthetic items)")
        app = make_app(url)
        with app.app_context():
            migrate()  # indexes added since the database was built
            db.engine.dispose()
        return None
    return build(url, args.qualifications, args.modules)


# --- what to ask ----------------------------------------------------------------------------


def browse(params: dict) -> str:
    return "/catalogue/?" + urlencode(params)


def busiest_role() -> int:
    """The role with the most qualifications attached."""
    return db.session.scalar(select(ItemRole.job_role_id).group_by(ItemRole.job_role_id)
                             .order_by(func.count().desc()).limit(1))


def filter_combinations() -> list[dict]:
    """Filters people pick, alone and with words; ids are read from the database."""
    role = busiest_role()
    rare_role = db.session.scalar(select(JobRole.id).order_by(JobRole.id.desc()).limit(1))
    cluster = db.session.scalar(select(Cluster.id).order_by(Cluster.position).limit(1))
    item_type = "RQF certificate"
    return [
        {"level": 3}, {"kind": "qualification"}, {"kind": "module", "level": 2},
        {"item_type": item_type}, {"role": role}, {"role": rare_role}, {"cluster": cluster},
        {"area": 3}, {"key": "y"}, {"status": "current"}, {"status": "closed"},
        {"status": "withdrawn"}, {"sort": "level"}, {"sort": "level_desc"},
        {"sort": "updated"}, {"page": 7}, {"q": "music", "level": 3},
        {"q": "dance", "kind": "qualification", "sort": "level"},
        {"q": "safeguarding", "area": 3}, {"q": "music", "role": role},
        {"q": "level 3", "cluster": cluster, "status": "current"},
        {"q": "drama", "key": "y"}, {"q": "a/6", "kind": "module", "page": 3},
        {"kind": "qualification", "role": role, "status": "current", "sort": "level"},
        {"q": "early years", "item_type": item_type, "level": 3},
    ]


def sample_ids(rng: random.Random, is_qualification: bool, n: int) -> list[int]:
    ids = list(db.session.scalars(select(CatalogueItem.id).where(
        CatalogueItem.is_qualification.is_(is_qualification),
        CatalogueItem.stable_id.like("SYN-%"))))
    return rng.sample(ids, min(n, len(ids)))


def most_shared_modules(n: int) -> list[int]:
    return list(db.session.scalars(
        select(Component.child_id).group_by(Component.child_id)
        .order_by(func.count().desc()).limit(n)))


def analysis_url(view: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"/catalogue/analysis/{view}" + (f"?{query}" if query else "")


def page_numbers(model) -> range:
    """Every page of the analysis rows of `model` (roles or clusters)."""
    count = db.session.scalar(select(func.count(model.id)))
    return range(1, math.ceil(count / analysis.PER_PAGE) + 1)


def analysis_pages() -> dict[str, list[str]]:
    """The coverage pages (roles, clusters, qualifications) and the gap page, as their forms,
    pagers and links ask: key only and all qualifications, every page, each cluster set, a
    cluster's roles, a role's qualifications."""
    sets = [None, *db.session.scalars(select(ClusterSet.id).order_by(ClusterSet.id))]
    clusters = list(db.session.scalars(select(Cluster.id).order_by(Cluster.id)))
    includes = ["key", "all"]
    return {
        "roles": [analysis_url("coverage", rows="roles", include=include, page=page)
                  for include in includes for page in page_numbers(JobRole)]
        + [analysis_url("coverage", rows="roles", include=include, cluster_id=cluster)
           for include in includes for cluster in clusters],
        "clusters": [analysis_url("coverage", rows="clusters", include=include,
                                  cluster_set_id=cluster_set, page=page)
                     for include in includes for cluster_set in sets
                     for page in page_numbers(Cluster)],
        "gaps": [analysis_url("gaps", cluster_set_id=cluster_set, threshold=threshold)
                 for cluster_set in sets for threshold in (None, 2, 20)],
        "qualifications": [analysis_url("coverage", rows="qualifications", include=include,
                                        job_role_id=role, page=page)
                           for include in includes for role in (None, busiest_role())
                           for page in (1, 2, 40)],
    }


def scenarios(rng: random.Random) -> list[Scenario]:
    combos = filter_combinations()
    item = "/catalogue/items/{}".format
    pages = analysis_pages()
    return [
        Scenario("search: typing, page", "search", [browse({"q": q}) for q in TYPED]),
        Scenario("search: typing, htmx", "search", [browse({"q": q}) for q in TYPED], HTMX),
        Scenario("search: filters, page", "search", [browse(c) for c in combos]),
        Scenario("search: filters, htmx", "search", [browse(c) for c in combos], HTMX),
        Scenario("item: qualification", "item", [item(i) for i in sample_ids(rng, True, 200)]),
        Scenario("item: module", "item", [item(i) for i in sample_ids(rng, False, 200)]),
        Scenario("item: most shared modules", "item", [item(i) for i in most_shared_modules(25)]),
        *[Scenario(f"analysis: {name}, {how}", "analysis", urls, headers)
          for name, urls in pages.items()
          for how, headers in (("page", {}), ("htmx", HTMX))],
    ]


# --- timing ---------------------------------------------------------------------------------


def signed_in_client(app: Flask):
    with app.app_context():
        email = "bench@example.org"
        if users.get_user_by_email(email) is None:
            users.register_user(email, "Benchmark Reader", PASSWORD)
        db.session.remove()
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, "benchmark login failed"
    return client


def timed_get(client, scenario: Scenario, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url, headers=scenario.headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def run(client, plan: list[Scenario], requests: int, warmup: int, seed: int) -> None:
    """Warm up, then the scenarios' requests interleaved in a shuffled order, so a burst of
    other work on the machine spreads over all of them rather than landing on one."""
    for scenario in plan:
        for n in range(warmup):
            timed_get(client, scenario, scenario.urls[n % len(scenario.urls)])
    turns = [(scenario, scenario.urls[n % len(scenario.urls)])
             for scenario in plan for n in range(requests)]
    random.Random(seed).shuffle(turns)
    for scenario, url in turns:
        elapsed = timed_get(client, scenario, url)
        scenario.timings.append(elapsed)
        scenario.by_url.setdefault(url, []).append(elapsed)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def row(name: str, values: list[float], target: float | None) -> tuple[str, bool]:
    worst = p95(values)
    ok = target is None or worst < target
    mark = "" if target is None else ("ok" if ok else f"OVER {target:.0f} ms")
    return (f"  {name:32} {len(values):6} {statistics.median(values):9.1f} {worst:9.1f} "
            f"{max(values):9.1f}  {mark}", ok)


def report(title: str, results: list[Scenario]) -> bool:
    print(f"\n{title}\n  {'scenario':32} {'n':>6} {'median':>9} {'p95':>9} {'max':>9}  (ms)")
    all_ok = True
    for scenario in results:
        line, ok = row(scenario.name, scenario.timings, target_of(scenario.kind))
        print(line)
        all_ok &= ok
    for kind, label in KINDS.items():
        values = [t for s in results if s.kind == kind for t in s.timings]
        if not values:
            continue
        line, ok = row(label, values, target_of(kind))
        print(line)
        all_ok &= ok
    return all_ok


def report_slowest(results: list[Scenario], count: int) -> None:
    """The addresses with the slowest median, to say where a missed target comes from."""
    rows = sorted(((statistics.median(times), max(times), s.name, url) for s in results
                   for url, times in s.by_url.items()), reverse=True)[:count]
    print("  slowest addresses (median, max ms):")
    for median, worst, name, url in rows:
        print(f"    {median:7.1f} {worst:7.1f}  {name[:24]:24} {url}")


def target_of(kind: str) -> float:
    return TARGETS_MS[kind]


def bench_database(label: str, url: str, args) -> bool:
    print(f"\n== {label}: {url}")
    ensure_database(url, args)
    print(f"  load average before timing: {load_average()}")
    app = make_app(url)
    client = signed_in_client(app)
    with app.app_context():
        plan = [s for s in scenarios(random.Random(args.seed))
                if not args.only or s.kind in args.only]
        version = server_version()
        db.session.remove()
    run(client, plan, args.requests, args.warmup, args.seed)
    with app.app_context():
        db.engine.dispose()
    print(f"  load average after timing: {load_average()}")
    if args.slowest:
        report_slowest(plan, args.slowest)
    return report(f"{label} {version}, {args.qualifications:,} qualifications + "
                  f"{args.modules:,} modules, {args.requests} timed requests per scenario",
                  plan)


def server_version() -> str:
    if db.engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    return "PostgreSQL " + db.session.scalar(text("SHOW server_version")).split()[0]


# --- the machine ----------------------------------------------------------------------------


def load_average() -> str:
    """Other work on the machine inflates the figures; say how much there was."""
    try:
        return " ".join(f"{n:.2f}" for n in os.getloadavg())
    except OSError:
        return "unknown"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    ram = ""
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle
                       if line.startswith("model name"))
        with open("/proc/meminfo") as handle:
            kib = int(next(line.split()[1] for line in handle if line.startswith("MemTotal")))
        ram = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{ram}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--qualifications", type=int, default=20_000)
    parser.add_argument("--modules", type=int, default=200_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200, help="timed, per scenario")
    parser.add_argument("--warmup", type=int, default=20, help="untimed, per scenario")
    parser.add_argument("--seed", type=int, default=1, help="for the sample of items")
    parser.add_argument("--slowest", type=int, default=0, metavar="N",
                        help="also list the N addresses with the slowest median")
    parser.add_argument("--only", choices=list(KINDS), action="append",
                        help="time only these kinds of page (repeatable)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database that already holds this many synthetic items")
    parser.add_argument("--smoke", action="store_true",
                        help="quick: 200 qualifications, 2,000 modules, 30 requests")
    parser.add_argument("--sqlite-path", default=None,
                        help="default /tmp/catalogue_bench_<qualifications>_<modules>.sqlite")
    parser.add_argument("--postgresql-url",
                        default=os.environ.get("BENCH_POSTGRESQL_URL", DEFAULT_PG))
    args = parser.parse_args(argv)
    if args.smoke:
        args.qualifications, args.modules, args.requests = 200, 2_000, 30
        args.warmup = min(args.warmup, 5)
    args.sqlite_path = args.sqlite_path or \
        f"/tmp/catalogue_bench_{args.qualifications}_{args.modules}.sqlite"
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    print(f"Machine: {machine()}")
    ok = True
    if args.db in ("sqlite", "both"):
        ok &= bench_database("SQLite", f"sqlite:///{args.sqlite_path}", args)
    if args.db in ("postgresql", "both"):
        ok &= bench_database("PostgreSQL", args.postgresql_url, args)
    print("\nAll targets met." if ok else "\nSome targets were missed (see OVER above).")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
