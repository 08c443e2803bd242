"""Benchmark: the office's dashboard and main lists on a generated county, per page.

Run from the repository root: `.venv/bin/python bench/dashboard.py` (`--only pg|sqlite`;
`--reuse` keeps a county already generated in the same database, e.g. by bench/public_pages.py;
`--explain` prints the key lines of EXPLAIN ANALYZE of each page's slowest statements on
PostgreSQL). The last line printed is one JSON object (figure, value, unit, baseline, ratio,
goal, per_db).

The county of bench/_county.py (PostgreSQL: the database `pub13bench`, DASHBENCH_URL overrides
it; SQLite: a temporary file), with the office's current work on top: the inspections planned
from 2025-11-20 on are open or waiting for review (about 5,000: planned, in progress,
submitted), "today" is 2025-12-20. Two office users sign in: the county's administrator and the
administrator of township 1. Each page (the dashboard `/`, `/inspections/`, `/orders/`,
`/register/units/`, `/register/villages/`) is asked for through the test client in one process,
interleaved with a bare Flask route on the same app (baseline: the framework's own cost per
request) and one plain SQL aggregate (the inspections of the county counted by status); median
of RUNS. Also shown per page: its statements and the milliseconds spent in them.
Goal: every page <= 15 ms on county data. The machine's load average is printed beside.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench._databases import pg_available  # noqa: E402
from bench._timing import interleaved_times  # noqa: E402
from bench.ranking import build, make_app  # noqa: E402
from hygiene.extensions import db  # noqa: E402

PG_URL = os.environ.get("DASHBENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/pub13bench")
RUNS, GOAL_MS = 15, 15.0
TODAY = date(2025, 12, 20)
PAGES = ("/", "/inspections/", "/orders/", "/register/units/", "/register/villages/")
PASSWORD = "bench-pw-123456"
AGGREGATE = sa.text("SELECT status, count(*) FROM inspection GROUP BY status")


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def prepare(app, reuse: bool) -> None:
    """The county (unless reused: then brought to the newest migration), its open work, two users."""
    from flask_migrate import upgrade

    with app.app_context():
        ready = reuse and sa.inspect(db.engine).has_table("township") and db.session.scalar(
            sa.text("SELECT count(*) FROM inspection")) == 100_000
        db.session.remove()
        if ready:
            upgrade()
    if not ready:
        built = build(app)
        print(f"   generated {built['inspections']:,} inspections in {built['generate_s']:.0f} s", flush=True)
    with app.app_context():
        db.session.execute(sa.text(
            "UPDATE inspection SET status = CASE WHEN id % 3 = 0 THEN 'submitted' WHEN id % 3 = 1 THEN 'planned' "
            "ELSE 'in_progress' END, published_at = NULL WHERE planned_date >= :day"), {"day": date(2025, 11, 20)})
        _user("bench_county", township_id=None)
        _user("bench_township", township_id=1)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":   # as autovacuum would after the updates
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        db.session.remove()


def _user(username: str, *, township_id: int | None) -> None:
    from hygiene.accounts.models import User

    user = db.session.scalar(sa.select(User).where(User.username == username)) or User(
        username=username, display_name=username, role="admin", township_id=township_id)
    user.set_password(PASSWORD)
    db.session.add(user)


def signed_in(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"sign-in of {username} failed: {response.status_code}"
    return client


def statements(app, work) -> tuple[int, float, list[tuple[float, str, object]]]:
    """(statements, ms in them, the slowest three (ms, SQL, parameters)) of one call of `work`."""
    log: list = []

    def before(conn, _cursor, _statement, _parameters, _context, _many):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(conn, _cursor, statement, parameters, _context, _many):
        log.append(((time.perf_counter() - conn.info["bench_started"].pop()) * 1000, statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        work()
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    return len(log), sum(t for t, _, _ in log), sorted(log, key=lambda x: -x[0])[:3]


def explain(app, slowest) -> list[str]:
    """The key lines of EXPLAIN ANALYZE of the statements: each plan node's first line."""
    lines = []
    with app.app_context():
        conn = db.session.connection()
        for ms, statement, params in slowest:
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, COSTS OFF) " + statement, params).scalars().all()
            lines.append(f"{ms:.1f} ms: {' '.join(statement.split())[:140]}")
            lines += [f"    {line.strip()}" for line in plan
                      if any(k in line for k in ("Scan", "Sort", "Aggregate", "Limit", "Execution Time"))][:8]
        db.session.rollback()
    return lines


def measure_user(app, username: str, *, plans: bool) -> dict:
    """Each page's median time for one signed-in user, beside the bare route and the aggregate."""
    client = signed_in(app, username)
    works = {page: (lambda p=page: _ok(client.get(p), p)) for page in PAGES}
    works["bare"] = lambda: client.get("/bench-bare")

    def aggregate():
        with app.app_context():
            db.session.execute(AGGREGATE).all()
            db.session.remove()

    works["aggregate"] = aggregate
    med = {k: statistics.median(v) * 1000 for k, v in interleaved_times(works, RUNS).items()}
    pages = {}
    for page in PAGES:
        n, ms, slowest = statements(app, works[page])
        pages[page] = {"ms": round(med[page], 1), "statements": n, "sql_ms": round(ms, 1),
                       "over_bare_ms": round(med[page] - med["bare"], 1)}
        if plans:   # printed below, left out of the JSON line
            pages[page]["plan"] = explain(app, slowest)
    print(f"   {username}: bare route {med['bare']:.1f} ms, aggregate {med['aggregate']:.1f} ms", flush=True)
    for page, r in pages.items():
        flag = "ok" if r["ms"] <= GOAL_MS else "OVER"
        print(f"     {page:22s} {r['ms']:6.1f} ms ({flag}; goal <= {GOAL_MS:.0f})  "
              f"{r['statements']:2d} statements, {r['sql_ms']:5.1f} ms in SQL", flush=True)
        for line in r.pop("plan", []):
            print(f"        {line}", flush=True)
    return {"pages": pages, "bare_ms": round(med["bare"], 2), "aggregate_ms": round(med["aggregate"], 2)}


def run_database(name: str, url: str, args) -> dict:
    import time_machine

    print(f"== {name} ({load()})", flush=True)
    app = make_app(url)
    prepare(app, args.reuse)
    app.add_url_rule("/bench-bare", "bench_bare", view_func=lambda: "ok")
    with time_machine.travel(TODAY, tick=True):
        result = {username: measure_user(app, username, plans=args.explain and name == "postgresql")
                  for username in ("bench_county", "bench_township")}
    print(f"   measured ({load()})", flush=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return result


def _ok(response, page):
    assert response.status_code == 200, (page, response.status_code)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("pg", "sqlite"))
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    scratch = Path(os.environ.get("PUBBENCH_DIR") or tempfile.mkdtemp(prefix="dashbench-"))
    targets = []
    if args.only != "sqlite" and pg_available(PG_URL):
        targets.append(("postgresql", PG_URL))
    if args.only != "pg":
        targets.append(("sqlite", f"sqlite:///{scratch / 'county.db'}"))
    try:
        per_db = {name: run_database(name, url, args) for name, url in targets}
    finally:
        if not os.environ.get("PUBBENCH_DIR"):
            shutil.rmtree(scratch, ignore_errors=True)
    main_db = "postgresql" if "postgresql" in per_db else "sqlite"
    county = per_db[main_db]["bench_county"]
    worst_page, worst = max(county["pages"].items(), key=lambda kv: kv[1]["ms"])
    print(json.dumps({
        "figure": "office_page_worst_county_admin", "value": worst["ms"], "unit": "ms", "page": worst_page,
        "baseline": county["bare_ms"], "ratio": round(worst["ms"] / GOAL_MS, 3), "database": main_db,
        "goal": f"every office page <= {GOAL_MS:.0f} ms on county data (ratio: worst page / goal)",
        "per_db": per_db,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
