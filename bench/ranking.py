"""Benchmark: a year's village ranking of a generated county, and the public ranking page.

Run from the repository root: `.venv/bin/python bench/ranking.py` (`--only pg|sqlite`;
`--explain` prints EXPLAIN ANALYZE of the ranking's statements on PostgreSQL; `--try-indexes`
then times (a) again with the covering indexes proposed for the ranking, and drops them). The
last line printed is one JSON object (figure, value, unit, baseline, ratio, goal, per_db,
public_rps, bare_rps).

The county (bench/_county.py): 20 townships × 25 villages, 5,000 units, 100,000 published
inspections of 2025 with 2,000,000 answers, 20,000 rectification orders; the schema is made by
the migrations, the rows by Core executemany (while generating only: SQLite without fsync,
PostgreSQL without foreign-key triggers). PostgreSQL uses the database `rankbench` only
(RANKBENCH_URL overrides it); SQLite a temporary file. Statistics are gathered after loading
(VACUUM ANALYZE, as autovacuum would); SQLite gets no ANALYZE, as the app never runs one.

(a) ranking: `ranking_compute` of the 2025 villages of one township, and of all 20 (the county);
    also the county for one month (2025-03), where an index on the period helps most.
(b) baseline: one plain SQL aggregate of the answers per village for the whole county, on the
    same session; also shown, the same aggregate over inspection scores (what the ranking reads).
    Warm, interleaved, median of 5.
(c) throughput: the year ranking of township 1 is published, the app is served by werkzeug
    (threaded) in a subprocess with a bare route added, and 8 keep-alive client threads request
    the public page, then the bare route, for 5 s each after a 1 s warm-up. The public views keep
    each page's bytes in the database once rendered (rankings/public/pages.py), so the page as
    served is one lookup; the page asked with a query the views never keep (?bench=1) measures it
    rendered every time. bench/public_pages.py measures the kept pages in more detail.
The machine's load average is printed: other work on it slows every figure.
"""
from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench._databases import pg_available  # noqa: E402
from bench._timing import interleaved_times, timed  # noqa: E402
from config import TestConfig  # noqa: E402
from hygiene import create_app  # noqa: E402
from hygiene.extensions import db  # noqa: E402

PG_URL = os.environ.get("RANKBENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/rankbench")
RUNS, WORKERS, SECONDS, WARM_SECONDS = 5, 8, 5.0, 1.0
YEAR, MONTH = "2025", "2025-03"
AGGREGATE = sa.text(
    "SELECT i.village_id, avg(a.earned), count(*) FROM answer a JOIN inspection i ON i.id = a.inspection_id "
    "WHERE i.status = 'published' AND i.planned_date BETWEEN :start AND :end GROUP BY i.village_id")
INSPECTION_AGGREGATE = sa.text(
    "SELECT village_id, avg(score), count(*) FROM inspection "
    "WHERE status = 'published' AND planned_date BETWEEN :start AND :end GROUP BY village_id")


PROPOSED_INDEXES = {   # what the ranking's two grouped queries read, so no table row is visited
    "postgresql": (
        "CREATE INDEX bench_inspection_rank ON inspection (township_id, status, planned_date) "
        "INCLUDE (target_kind, village_id, unit_id, score)",
        "CREATE INDEX bench_order_rank ON rectification_order (township_id, deadline) "
        "INCLUDE (target_kind, village_id, unit_id, status, overdue_at)"),
    "sqlite": (
        "CREATE INDEX bench_inspection_rank ON inspection "
        "(township_id, status, planned_date, target_kind, village_id, unit_id, score)",
        "CREATE INDEX bench_order_rank ON rectification_order "
        "(township_id, deadline, target_kind, village_id, unit_id, status, overdue_at)"),
}


def make_app(url: str, **settings):
    """The application on `url`, with the test settings (no mail, fast hashes)."""
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url,
                                                 "UPLOAD_DIR": tempfile.mkdtemp(prefix="rankbench-up-"),
                                                 **settings})
    return create_app(config)


def build(app) -> dict:
    """Drop everything, migrate, generate the county; returns counts and the seconds it took."""
    from flask_migrate import upgrade

    from bench._county import county_build

    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        started = time.perf_counter()
        with _fast_writes(db.engine):
            counts = county_build()
        generated = time.perf_counter() - started
        _after_load(db.engine)
        return {**counts, "generate_s": generated, "analyze_s": time.perf_counter() - started - generated}


@contextmanager
def _fast_writes(engine):
    """While generating only: SQLite without fsync; PostgreSQL without the per-row foreign-key
    triggers (session_replication_role, superusers only; the ids are consistent by construction)."""
    setting = {"sqlite": "PRAGMA synchronous=OFF"}.get(engine.dialect.name)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            if conn.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar():
                setting = "SET session_replication_role = replica"

    def apply(dbapi_connection, _record, _proxy):
        dbapi_connection.execute(setting)

    if setting:
        sa.event.listen(engine, "checkout", apply)
    try:
        yield
    finally:
        if setting:
            sa.event.remove(engine, "checkout", apply)
        db.session.remove()
        engine.dispose()            # the next connections start with the usual settings


def _after_load(engine) -> None:
    """Advance the id sequences (ids were given) and gather statistics, as autovacuum would."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            for table in ("township", "village", "unit", "household", "cleaner", "inspection", "answer",
                          "rectification_order"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))")
            conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def townships() -> list[int]:
    from hygiene.places.models import Township

    return list(db.session.scalars(sa.select(Township.id).order_by(Township.id)))


def rank_townships(ids: list[int], period):
    """Compute the villages ranking of each township; return the last one."""
    from hygiene.rankings.components import Subject
    from hygiene.rankings.services import ranking_compute

    return [ranking_compute(subject=Subject(tid, "villages"), period=period) for tid in ids][-1]




@contextmanager
def statement_log(engine):
    """Record (statement, parameters, seconds) of every statement run inside the block."""
    log: list[tuple] = []

    def before(conn, _cursor, _statement, _parameters, _context, _many):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, _cursor, statement, parameters, _context, _many):
        log.append((statement, parameters, time.perf_counter() - conn.info.pop("bench_started")))

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        yield log
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)


def statement_kind(statement: str) -> str:
    text = " ".join(statement.split()).lower()
    for table, kind in (("from ranking_settings", "settings"), ("from rectification_order", "rectification"),
                        ("from inspection", "inspection_mean"), ("from village", "candidates")):
        if table in text:
            return kind
    return "other"


def measure(app) -> dict:
    """Ranking of one township and of the county against the plain aggregates, medians of 5."""
    from hygiene.core.periods import parse_period

    period, month = parse_period(YEAR), parse_period(MONTH)
    bounds = {"start": period.start, "end": period.end}
    with app.app_context():
        ids = townships()
        times = interleaved_times({
            "rank_one": lambda: rank_townships(ids[:1], period),
            "rank_county": lambda: rank_townships(ids, period),
            "rank_county_month": lambda: rank_townships(ids, month),
            "aggregate_answers": lambda: db.session.execute(AGGREGATE, bounds).all(),
            "aggregate_inspections": lambda: db.session.execute(INSPECTION_AGGREGATE, bounds).all(),
        }, runs=RUNS)
        with statement_log(db.engine) as log:
            total = timed(lambda: rank_townships(ids, period))
        sample = rank_townships(ids[:1], period)
        db.session.rollback()
    split: dict[str, float] = {}
    for statement, _params, seconds in log:
        split[statement_kind(statement)] = split.get(statement_kind(statement), 0.0) + seconds
    split["rest"] = total - sum(split.values())
    ranked = sum(1 for r in sample.rows if r.rank)
    return {"times": times, "split": split, "statements": len(log), "profiled_s": total,
            "township_rows": len(sample.rows), "township_ranked": ranked}


def with_indexes(app) -> dict[str, list[float]]:
    """Time (a) and (b) again with the proposed covering indexes, then drop them."""
    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for ddl in PROPOSED_INDEXES[conn.dialect.name]:
            conn.exec_driver_sql(ddl)
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("VACUUM ANALYZE inspection")
            conn.exec_driver_sql("VACUUM ANALYZE rectification_order")
    try:
        return measure(app)["times"]
    finally:
        with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in ("bench_inspection_rank", "bench_order_rank"):
                conn.exec_driver_sql(f"DROP INDEX {name}")


def explain(app) -> None:
    """Print EXPLAIN (ANALYZE, BUFFERS) of each statement one township's ranking runs (PostgreSQL)."""
    from hygiene.core.periods import parse_period

    with app.app_context():
        ids = townships()
        with statement_log(db.engine) as log:
            rank_townships(ids[:1], parse_period(YEAR))
        conn = db.session.connection()
        for statement, params, _seconds in log:
            print(f"--- {statement_kind(statement)}: {' '.join(statement.split())[:300]}")
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).scalars()
            print("\n".join(f"    {line}" for line in plan))
        db.session.rollback()


def publish(app) -> int:
    """Publish township 1's 2025 villages ranking; return the township id."""
    from hygiene.access.scope import Scope
    from hygiene.clock import now_utc
    from hygiene.core.periods import parse_period
    from hygiene.rankings.components import Subject
    from hygiene.rankings.services import ranking_publish

    with app.app_context():
        tid = townships()[0]
        ranking_publish(scope=Scope.county(), actor_id=None, subject=Subject(tid, "villages"),
                        period=parse_period(YEAR), today=date(2026, 6, 1), now=now_utc())
        db.session.commit()
    return tid


def serve(url: str, page_cache: str) -> None:
    """In a subprocess: serve the app, plus a bare route, with werkzeug (threaded); print the port."""
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # no access log for either route
    app = make_app(url, **({} if page_cache == "default" else {"PUBLIC_PAGE_CACHE_SECONDS": int(page_cache)}))
    app.add_url_rule("/bench-bare", "bench_bare", view_func=lambda: "ok")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


def get(port: int, path: str) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def public_path(port: int, tid: int) -> tuple[str | None, str]:
    """The public page to measure: /public/<tid>/, else /public/<tid>/<period>/ (one redirect followed)."""
    tried = []
    for path in (f"/public/{tid}/", f"/public/{tid}/{YEAR}/"):
        status, headers, body = get(port, path)
        if status in (301, 302, 303, 307, 308) and headers.get("Location", "").startswith("/"):
            path, (status, headers, body) = headers["Location"], get(port, headers["Location"])
        tried.append(f"{path} -> {status}")
        if status == 200:
            return path, f"{path} ({len(body)} bytes)"
    return None, "public page not available yet (" + ", ".join(tried) + ")"


def hammer(port: int, path: str, seconds: float) -> tuple[float, dict]:
    """Requests per second of WORKERS keep-alive clients asking for `path` for `seconds`."""
    from bench._served import hammer as served_hammer

    return served_hammer(port, path, seconds)


@contextmanager
def server(url: str, page_cache: str = "default"):
    """A werkzeug server of the app in a subprocess; yields its port."""
    process = subprocess.Popen([sys.executable, __file__, "--serve", url, page_cache], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        yield int(process.stdout.readline())
    finally:
        process.terminate()
        process.wait(10)


def measured(port: int, path: str) -> tuple[float, dict]:
    hammer(port, path, WARM_SECONDS)
    return hammer(port, path, SECONDS)


def throughput(url: str, tid: int) -> dict:
    """The public page as served, the bare route and the page rendered every time, on one server."""
    result = {"public_rps": None, "public_codes": None, "uncached_rps": None, "uncached_codes": None}
    with server(url) as port:
        path, note = public_path(port, tid)
        result |= {"public_path": path, "public_note": note}
        if path:
            result["public_rps"], result["public_codes"] = measured(port, path)
        result["bare_rps"], result["bare_codes"] = measured(port, "/bench-bare")
        if path:
            result["uncached_rps"], result["uncached_codes"] = measured(port, path + "?bench=1")
    return result


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_database(name: str, url: str, args) -> dict:
    print(f"== {name}: {url} ({load()})", flush=True)
    app = make_app(url)
    built = build(app)
    print(f"   generated {built['inspections']:,} inspections, {built['answers']:,} answers, "
          f"{built['orders']:,} orders in {built['generate_s']:.1f} s "
          f"(+ {built['analyze_s']:.1f} s checkpoint/VACUUM ANALYZE)", flush=True)
    timings = measure(app)
    if args.explain and name == "postgresql":
        explain(app)
    indexed = with_indexes(app) if args.try_indexes else None
    tid = publish(app)
    served = throughput(url, tid)
    print(f"   measured ({load()})", flush=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {**built, **timings, **served, "indexed": indexed}


def summarise(name: str, r: dict) -> dict:
    med = {k: statistics.median(v) for k, v in r["times"].items()}
    ratio = med["rank_county"] / med["aggregate_answers"]
    print_times(r["times"])
    print(f"   county ranking / answers aggregate = {ratio:.2f}; / scores aggregate = "
          f"{med['rank_county'] / med['aggregate_inspections']:.2f}  (goal < 1 s and <= 3x)")
    indexed = None
    if r["indexed"]:
        print("   with the proposed covering indexes (bench_inspection_rank, bench_order_rank):")
        print_times(r["indexed"])
        indexed = {k: round(statistics.median(v), 4) for k, v in r["indexed"].items()}
    split = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in sorted(r["split"].items(), key=lambda kv: -kv[1]))
    print(f"   one profiled county run, {r['profiled_s'] * 1000:.0f} ms, {r['statements']} statements: {split} "
          "(rest: Python, ORM, ranking maths; on SQLite also stepping through rows)")
    print(f"   township 1: {r['township_rows']} villages listed, {r['township_ranked']} ranked")
    bare = r["bare_rps"]
    print(f"   (c) bare route /bench-bare: {bare:.0f} req/s {r['bare_codes']}")
    print(f"   (c) public page {r['public_note']}:")
    for label, key in (("as served (kept page)", "public"), ("rendered every time (?bench=1)", "uncached")):
        if r[f"{key}_rps"]:
            print(f"       {label:30s} {r[f'{key}_rps']:6.0f} req/s {r[f'{key}_codes']}; "
                  f"/ bare = {r[f'{key}_rps'] / bare:.2f} (goal >= 0.5)")
    return {"generate_s": round(r["generate_s"], 1), "rank_one_s": round(med["rank_one"], 4),
            "rank_county_s": round(med["rank_county"], 4), "rank_county_month_s": round(med["rank_county_month"], 4),
            "aggregate_s": round(med["aggregate_answers"], 4),
            "aggregate_scores_s": round(med["aggregate_inspections"], 4), "ratio": round(ratio, 3),
            "split_ms": {k: round(v * 1000, 1) for k, v in r["split"].items()},
            "with_proposed_indexes_s": indexed, "public_path": r["public_path"],
            "public_uncached_rps": round(r["uncached_rps"], 1) if r["uncached_rps"] else None}


def print_times(times: dict[str, list[float]]) -> None:
    for label, key in (("(a) rank 1 township", "rank_one"), ("(a) rank 20 townships", "rank_county"),
                       ("    20 townships, a month", "rank_county_month"),
                       ("(b) aggregate of answers", "aggregate_answers"),
                       ("    aggregate of scores", "aggregate_inspections")):
        runs = " ".join(f"{t * 1000:.0f}" for t in times[key])
        print(f"   {label:26s} median {statistics.median(times[key]) * 1000:8.1f} ms   runs (ms): {runs}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("pg", "sqlite"))
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--try-indexes", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="rankbench-"))
    targets = []
    if args.only != "sqlite" and pg_available(PG_URL):
        targets.append(("postgresql", PG_URL))
    if args.only != "pg":
        targets.append(("sqlite", f"sqlite:///{scratch / 'county.db'}"))
    try:
        raw = {name: run_database(name, url, args) for name, url in targets}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"bench took {time.perf_counter() - started:.0f} s; {os.cpu_count()} cores; "
          f"client and server share them")
    per_db = {}
    for name, r in raw.items():
        print(f"== {name}")
        per_db[name] = summarise(name, r)
    main_db = "postgresql" if "postgresql" in per_db else "sqlite"
    headline = per_db[main_db]
    print(json.dumps({
        "figure": "ranking_year_county", "value": headline["rank_county_s"], "unit": "s",
        "baseline": headline["aggregate_s"], "ratio": headline["ratio"], "database": main_db,
        "goal": "< 1 s and <= 3x aggregate; public page >= 0.5x bare route rps", "per_db": per_db,
        "public_rps": {k: round(r["public_rps"], 1) if r["public_rps"] else None for k, r in raw.items()},
        "bare_rps": {k: round(r["bare_rps"], 1) for k, r in raw.items()},
    }, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3])
    else:
        main()
