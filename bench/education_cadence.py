"""Benchmark: the health-education cadence flags of a generated county, against a plain aggregate.

Run from the repository root: `.venv/bin/python bench/education_cadence.py` (`--only pg|sqlite`).
The last line printed is one JSON object (figure, value, unit, baseline, ratio, goal, per_db).

The county: 20 townships × 25 villages, each with two years of activities (a board and a lecture
most months, a column most quarters, consultations now and then; about one month in twelve
missed), written by Core executemany. PostgreSQL uses the database `edubench` only (EDUBENCH_URL
overrides it); SQLite a temporary file. Statistics are gathered after loading (VACUUM ANALYZE).

(a) flags, as the cadence page and the reminder job call them: one township's 25 villages and the
    county admin's 500, each in a constant number of statements (the counts per village, kind and
    month aggregated in SQL, then the township targets), the rule applied in Python.
(b) baseline: one plain `GROUP BY village, kind` count of the year's activities over the county.
Warm, interleaved, median of 7.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench._databases import pg_available  # noqa: E402
from bench._timing import interleaved_times, statements_of  # noqa: E402
from config import TestConfig  # noqa: E402
from hygiene import create_app  # noqa: E402
from hygiene.extensions import db  # noqa: E402

PG_URL = os.environ.get("EDUBENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/edubench")
TOWNSHIPS, VILLAGES_PER_TOWNSHIP, RUNS = 20, 25, 7
VILLAGES = TOWNSHIPS * VILLAGES_PER_TOWNSHIP
TODAY = date(2026, 11, 26)
STAMP = datetime(2025, 1, 1, tzinfo=UTC)
AGGREGATE = sa.text("SELECT village_id, kind, count(*) FROM education_activity "
                    "WHERE held_on BETWEEN '2026-01-01' AND '2026-11-26' GROUP BY village_id, kind")


def make_app(url: str):
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url,
                                                 "UPLOAD_DIR": tempfile.mkdtemp(prefix="edubench-up-")})
    return create_app(config)


def _activities(rng: random.Random, village: int, township: int) -> list[dict]:
    rows = []
    for year in (2025, 2026):
        for month in range(1, 13):
            if date(year, month, 1) > TODAY:
                break
            kinds = ["board", "lecture"] + (["column"] if month % 3 == 2 else []) + (
                ["consultation"] if rng.random() < 0.3 else [])
            for kind in kinds:
                if rng.random() < 1 / 12:   # a month missed
                    continue
                day = date(year, month, rng.randint(1, 20))
                if day <= TODAY:
                    rows.append({"township_id": township, "village_id": village, "unit_id": None, "kind": kind,
                                 "held_on": day, "topic": "健康知识", "attendance": None, "note": "",
                                 "recorded_by_id": None, "created_at": STAMP, "request_key": None})
    return rows


def build(app, seed: int = 2026) -> dict[str, int]:
    """Drop everything, migrate, write the county; returns the row counts."""
    from flask_migrate import upgrade

    from hygiene.education.models import EducationActivity
    from hygiene.places.models import Township, Village

    rng = random.Random(seed)
    common = {"active": True, "created_at": STAMP, "updated_at": STAMP}
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        activities = [row for v in range(1, VILLAGES + 1)
                      for row in _activities(rng, v, (v - 1) // VILLAGES_PER_TOWNSHIP + 1)]
        with db.engine.begin() as conn:
            conn.execute(sa.insert(Township), [{**common, "id": t, "name": f"第{t:02d}镇", "kind": "township",
                                                "contact_name": "", "contact_phone": ""}
                                               for t in range(1, TOWNSHIPS + 1)])
            conn.execute(sa.insert(Village), [{**common, "id": v, "township_id": (v - 1) // VILLAGES_PER_TOWNSHIP + 1,
                                               "name": f"{v:03d}村", "kind": "village", "contact_name": "",
                                               "contact_phone": ""} for v in range(1, VILLAGES + 1)])
            conn.execute(sa.insert(EducationActivity), activities)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.dialect.name == "postgresql":
                for table in ("township", "village", "education_activity"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT max(id) FROM {table}))")
                conn.exec_driver_sql("VACUUM ANALYZE")
        return {"villages": VILLAGES, "activities": len(activities)}


def measure(app) -> dict:
    from hygiene.access.roles import Role
    from hygiene.access.scope import Scope
    from hygiene.education.queries import cadence
    from hygiene.education.status import FLAGGED

    township, county = Scope(Role.ADMIN, township_id=1), Scope.county()
    statements: dict[str, int] = {}
    with app.app_context():
        works = {
            "township_flags": lambda: cadence(scope=township, subject_kind="village", year=2026, today=TODAY),
            "county_flags": lambda: cadence(scope=county, subject_kind="village", year=2026, today=TODAY),
            "aggregate": lambda: db.session.execute(AGGREGATE).all(),
        }
        times = interleaved_times(works, runs=RUNS)
        for name, work in works.items():
            statements[name] = statements_of(db.engine, work)
        rows = cadence(scope=county, subject_kind="village", year=2026, today=TODAY)
        db.session.rollback()
    return {"times": {k: statistics.median(v) for k, v in times.items()}, "statements": statements,
            "villages": len(rows), "flagged": sum(r.state in FLAGGED for r in rows)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("pg", "sqlite"))
    args = parser.parse_args()
    urls = {}
    if args.only != "pg":
        urls["sqlite"] = f"sqlite:///{tempfile.mkdtemp(prefix='edubench-')}/bench.db"
    if args.only != "sqlite" and pg_available(PG_URL):
        urls["postgresql"] = PG_URL
    per_db = {}
    for name, url in urls.items():
        app = make_app(url)
        counts = build(app)
        result = measure(app)
        t = result["times"]
        ratio = t["county_flags"] / t["aggregate"]
        print(f"== {name}: {counts}")
        for key, seconds in t.items():
            print(f"  {key:15s} {seconds * 1000:8.2f} ms  ({result['statements'][key]} statements)")
        print(f"  villages {result['villages']}, flagged {result['flagged']}")
        per_db[name] = {"township_flags_ms": round(t["township_flags"] * 1000, 2),
                        "county_flags_ms": round(t["county_flags"] * 1000, 2),
                        "aggregate_ms": round(t["aggregate"] * 1000, 2), "ratio": round(ratio, 2),
                        "statements": result["statements"]}
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    main_db = "postgresql" if "postgresql" in per_db else "sqlite"
    headline = per_db[main_db]
    print(json.dumps({"figure": "education_cadence_county", "value": headline["county_flags_ms"], "unit": "ms",
                      "baseline": headline["aggregate_ms"], "ratio": headline["ratio"], "database": main_db,
                      "goal": "<= 3x aggregate, < 100 ms, constant queries", "per_db": per_db}))


if __name__ == "__main__":
    main()
