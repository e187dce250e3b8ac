"""Where a key page's time goes: each page of bench/run's list, in-process, one request at a
time, on the scale data: milliseconds (median of --requests), SQL statements a request, and the
time spent in the database; `--profile NAME` adds cProfile's heaviest functions for the pages
whose name holds NAME, `--statements NAME` prints their SQL.

    .venv/bin/python bench/profile_pages.py                       # SQLite, scale 0.1
    .venv/bin/python bench/profile_pages.py --profile "gap view" --requests 5
    .venv/bin/python bench/profile_pages.py --database-url postgresql://postgres@127.0.0.1:5432/bench_scale_0.1

No server and no network: what is left is the app's own cost (routing, the per-request user
and membership lookups, queries, the ORM, templates), which is what point 4 of issue 17 asks
to find. The data is bench/scale_data.py's (run bench/run or scale_data.py first).
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import create_engine, event, text

sys.path.insert(0, os.path.dirname(__file__))
import load_bench  # noqa: E402
import scale_data  # noqa: E402

from workspace.config import normalise_database_url  # noqa: E402


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--profile", action="append", default=[])
    parser.add_argument("--statements", action="append", default=[])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="cProfile's order: tottime...")
    return parser.parse_args(argv)


def signed_in_client(app, email: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"email": email, "password": scale_data.PASSWORD,
                                         "csrf_token": token})
    if answer.status_code != 302:
        raise SystemExit(f"log-in refused for {email}: {answer.status_code}")
    page = client.get("/account").get_data(as_text=True)
    client.csrf = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    return client


def call(client, request):
    method, path, form, htmx = request[:4]
    headers = {"X-CSRFToken": client.csrf}
    if htmx:
        headers["HX-Request"] = "true"
    return client.open(path, method=method, data=form or None, headers=headers)


def main(argv) -> int:
    args = parse(argv)
    url = args.database_url or load_bench.default_urls(args.scale)["sqlite"]
    os.environ.update(DATABASE_URL=url, SECRET_KEY="profile-pages",
                      FLASK_RATELIMIT_ENABLED="false")
    from workspace import create_app
    from workspace.extensions import db

    engine = create_engine(normalise_database_url(url))
    with engine.connect() as connection:
        partnerships = connection.execute(text("SELECT count(*) FROM partnership")).scalar()
        people = {kind: load_bench.find_people(connection,
                                               load_bench.pool_emails(kind, 1, partnerships))
                  for kind in ("lead", "teacher", "practitioner", "editor")}
        for person in [p for group in people.values() for p in group]:
            load_bench.fill_in(connection, person, datetime.now(UTC))
        qualifications = list(connection.execute(text(
            "SELECT id FROM catalogue_item WHERE is_qualification AND stable_id LIKE 'SYN-%' "
            "ORDER BY id LIMIT 50")).scalars())
    engine.dispose()
    pools = load_bench.Pools(qualifications=qualifications, **people)

    app = create_app()
    statements: list[tuple[str, float]] = []
    started: dict[int, float] = {}
    with app.app_context():
        dbengine = db.engine

    @event.listens_for(dbengine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    @event.listens_for(dbengine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, time.perf_counter() - started.pop(id(cursor), 0)))

    clients = {kind: signed_in_client(app, group[0].email) for kind, group in people.items()}
    print(f"{url}  ({args.requests} requests a page, one at a time)")
    print(f"{'page':28} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
          f"{'SQL ms':>8}")
    for page in load_bench.PAGES:
        if args.only and not any(o in page.name for o in args.only):
            continue
        person = getattr(pools, page.pool)[0]
        requests = page.requests(person, 0, pools)
        client = clients[page.pool]
        if page.kind == "read":
            call(client, requests[0])  # warm the caches of the first request
        times, counts, sql, status = [], [], [], set()
        profiler = cProfile.Profile() if any(p in page.name for p in args.profile) else None
        for n in range(args.requests):
            request = requests[n % len(requests)]
            statements.clear()
            if profiler:
                profiler.enable()
            began = time.perf_counter()
            answer = call(client, request)
            times.append((time.perf_counter() - began) * 1000)
            if profiler:
                profiler.disable()
            status.add(answer.status_code)
            counts.append(len(statements))
            sql.append(sum(t for _, t in statements) * 1000)
        times.sort()
        print(f"{page.name:28} {'/'.join(map(str, sorted(status))):>6} "
              f"{statistics.median(times):>10.1f} {times[int(len(times) * .95) - 1]:>8.1f} "
              f"{statistics.median(counts):>8.0f} {statistics.median(sql):>8.1f}")
        if any(s in page.name for s in args.statements):
            for statement, spent in statements:
                print(f"    {spent * 1000:7.2f} ms  {' '.join(statement.split())[:300]}")
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
