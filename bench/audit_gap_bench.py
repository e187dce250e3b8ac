"""The audit gap view, its CSV and the audit report with many needs and provision records.

Builds a database per size N (SQLite, PostgreSQL or both) holding one audit with N needs and
N provision records, each in a ward of its own (bulk inserted), then times, as a signed-in lead
through Flask's test client, the gap page, its htmx fragment, the gap CSV, the report and a
cell's drill-down: server-side time, from the WSGI call to the rendered response, with the
process's objects frozen once the app is loaded, as gunicorn.conf.py has each worker do. Prints
median, p95 and max per address and size and exits non-zero when a p95 reaches 300 ms.

    .venv/bin/python bench/audit_gap_bench.py                    # N = 1,000, 2,000 and 5,000
    .venv/bin/python bench/audit_gap_bench.py --sizes 5000 --db postgresql --requests 40
    .venv/bin/python bench/audit_gap_bench.py --sizes 1000 --requests 1 --warmup 0
    .venv/bin/python bench/audit_gap_bench.py --sizes 5000 --profile fragment
"""

import argparse
import cProfile
import gc
import logging
import os
import pstats
import statistics
import sys
import time
from datetime import date

from catalogue_bench import server_version, start_afresh
from chat_bench import drop_database
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert, text

from workspace import create_app
from workspace.config import normalise_database_url
from workspace.extensions import db
from workspace.models.audits import (
    AgePhase,
    ArtForm,
    Need,
    NeedSource,
    Priority,
    Provision,
    ProvisionGroup,
)
from workspace.models.partnerships import PartnershipKind
from workspace.services.accounts import users
from workspace.services.audits import records
from workspace.services.partnerships import membership

TARGET_MS = 300.0
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/bench_audit_gap"
PASSWORD = "benchmark password 2026"
EMAIL = "lead@bench.example.org"
HTMX = {"HX-Request": "true"}
ADDRESSES = {"page": ("/gaps", {}), "fragment": ("/gaps", HTMX), "csv": ("/gaps.csv", {}),
             "report": ("/report", {}),
             # a cell's drill-down (the htmx fragment a click on the heatmap asks for)
             "cell": ("/gaps/cell?rows=ward&cols=group&ward=Ward+00007&group=all", HTMX)}
# Children in a record: small ones (protected), unknown, zero and larger, in turn.
CHILDREN = [3, None, 12, 1, 40, 0, 7, 4, 150, 25]


def make_app(url: str) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
                       "SECRET_KEY": "benchmark", "WTF_CSRF_ENABLED": False,
                       "RATELIMIT_ENABLED": False, "MAIL_SERVER": None,
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def migrate() -> None:
    logging.disable(logging.INFO)
    try:
        upgrade()
    finally:
        logging.disable(logging.NOTSET)


def _need_rows(audit, groups: list, n: int) -> list[dict]:
    phases, forms, priorities = list(AgePhase), list(ArtForm), list(Priority)
    return [{"partnership_id": audit.partnership_id, "audit_id": audit.id,
             "source": NeedSource.IMPORT, "respondent_organisation": f"School {i}",
             "target_group_id": groups[i % (len(groups) + 1) - 1].id
             if i % (len(groups) + 1) else None,
             "phase": phases[i % len(phases)], "art_form": forms[i % len(forms)],
             "ward": f"Ward {i:05d}", "priority": priorities[i % len(priorities)],
             "children": CHILDREN[i % len(CHILDREN)], "description": f"Need {i}"}
            for i in range(n)]


def _provision_rows(audit, lead, n: int) -> list[dict]:
    phases, forms = list(AgePhase), list(ArtForm)
    return [{"partnership_id": audit.partnership_id, "audit_id": audit.id,
             "provider_name": f"Provider {i}", "activity": "Workshops",
             "art_form": forms[(i + i // 3) % len(forms)], "phase": phases[i % len(phases)],
             "ward": f"Ward {i:05d}", "children_reached": CHILDREN[(i + 3) % len(CHILDREN)],
             "settings_reached": 1, "created_by_id": lead.id} for i in range(n)]


def populate(n: int) -> tuple[int, int]:
    """A lead, a partnership, an audit, N needs and N provision records (half of them for
    one or two target groups); returns the partnership's and the audit's ids."""
    lead = users.register_user(EMAIL, "Bench Lead", PASSWORD)
    partnership = membership.create_partnership(
        lead, name="Benchmark Partnership", kind=PartnershipKind.CEP, place="Benchtown",
        lead_organisation="Bench Council")
    audit = records.create_audit(partnership, lead, records.AuditFields(
        title="Benchmark audit", period_start=date(2026, 9, 1), period_end=date(2027, 7, 31)),
        minimum_threshold=5)
    groups = records.list_target_groups(partnership)
    db.session.execute(insert(Need), _need_rows(audit, groups, n))
    db.session.execute(insert(Provision), _provision_rows(audit, lead, n))
    ids = sorted(p.id for p in records.list_provision(audit))
    links = [{"provision_id": pid, "target_group_id": groups[k % len(groups)].id}
             for i, pid in enumerate(ids) if i % 2 for k in range(i, i + 1 + i % 3 // 2)]
    db.session.execute(insert(ProvisionGroup), links)
    db.session.commit()
    return partnership.id, audit.id


def build(url: str, n: int) -> Flask:
    start_afresh(url)
    app = make_app(url)
    with app.app_context():
        migrate()
        started = time.perf_counter()
        app.config["BENCH_IDS"] = populate(n)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(f"  N = {n:,}: built in {time.perf_counter() - started:.1f} s ({server_version()})")
        db.session.remove()
    return app


def signed_in_client(app: Flask):
    client = app.test_client()
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302, "benchmark login failed"
    return client


def timed_get(client, url: str, headers: dict) -> float:
    started = time.perf_counter()
    response = client.get(url, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def bench_size(url: str, n: int, args) -> bool:
    app = build(url, n)
    partnership_id, audit_id = app.config["BENCH_IDS"]
    base = f"/p/{partnership_id}/audits/{audit_id}"
    client = signed_in_client(app)
    if not args.no_freeze:
        gc.collect()
        gc.freeze()  # as gunicorn.conf.py does in each worker once the app is loaded
    ok = True
    for name in args.only or ADDRESSES:
        path, headers = ADDRESSES[name]
        if args.profile == name:
            profile(client, base + path, headers)
        for _ in range(args.warmup):
            timed_get(client, base + path, headers)
        times = [timed_get(client, base + path, headers) for _ in range(args.requests)]
        worst = p95(times)
        ok &= worst < TARGET_MS
        mark = "ok" if worst < TARGET_MS else f"OVER {TARGET_MS:.0f} ms"
        print(f"  {n:>6,} {name:9} {len(times):4} {statistics.median(times):10.1f} "
              f"{worst:10.1f} {max(times):10.1f}  {mark}", flush=True)
    with app.app_context():
        db.engine.dispose()
    gc.unfreeze()
    if not url.startswith("sqlite") and not args.keep:
        drop_database(url)
    return ok


def profile(client, url: str, headers: dict) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url, headers=headers)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(25)


def load_average() -> str:
    try:
        return " ".join(f"{n:.2f}" for n in os.getloadavg())
    except OSError:
        return "unknown"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 2_000, 5_000])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--requests", type=int, default=20, help="timed, per address")
    parser.add_argument("--warmup", type=int, default=2, help="untimed, per address")
    parser.add_argument("--only", choices=list(ADDRESSES), action="append",
                        help="time only these addresses (repeatable)")
    parser.add_argument("--profile", choices=list(ADDRESSES),
                        help="print a cProfile of one request to this address first")
    parser.add_argument("--postgresql-url", help=f"default {DEFAULT_PG} (dropped and made "
                        "again for each size)",
                        default=os.environ.get("BENCH_POSTGRESQL_URL", DEFAULT_PG))
    parser.add_argument("--no-freeze", action="store_true",
                        help="leave the garbage collector as it is without gunicorn.conf.py")
    parser.add_argument("--keep", action="store_true",
                        help="keep the PostgreSQL database of the last size")
    return parser.parse_args(argv)


def databases(args) -> list[tuple[str, str]]:
    chosen = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    return [(name, args.postgresql_url if name == "postgresql"
             else "sqlite:////tmp/audit_gap_bench_{n}.sqlite") for name in chosen]


def main(argv: list[str]) -> int:
    args = parse(argv)
    print(f"Load average before: {load_average()}")
    print(f"  {'N':>6} {'address':9} {'n':>4} {'median':>10} {'p95':>10} {'max':>10}  (ms)")
    ok = True
    for name, url in databases(args):
        print(f"{name}:")
        for n in args.sizes:
            ok &= bench_size(url.format(n=n), n, args)
    print(f"Load average after: {load_average()}")
    print("\nAll under 300 ms." if ok else "\nSome p95 reached 300 ms (see OVER above).")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
