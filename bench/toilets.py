"""Benchmark: the toilet renovation boards of a generated county, against a plain aggregate.

Run from the repository root: `.venv/bin/python bench/toilets.py` (`--only pg|sqlite`). The last
line printed is one JSON object (figure, value, unit, baseline, ratio, goal, per_db).

The county: 20 townships × 25 villages, each with its 2026 task (quota 40-70, deadline 31
October) and 30 to 60 household toilets spread over every stage (accepted ones dated over the
year, so the four-week pace varies), plus 2 public toilet projects and follow-up problems on a tenth
of the accepted toilets (the board counts the open ones); written by Core executemany.
PostgreSQL uses the database `toiletbench` only (TOILETBENCH_URL overrides it); SQLite a
temporary file. Statistics are gathered after loading (VACUUM ANALYZE, as autovacuum would).

(a) boards, as the pages call them: the township board of one township (25 villages, its
    county-admin twin over all 500 villages) and one village's board (progress and stages);
    each with its forecasts, in a constant number of queries.
(b) baseline: one plain `GROUP BY village, stage` count over every household toilet of the county.
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
from datetime import UTC, date, datetime, timedelta
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

PG_URL = os.environ.get("TOILETBENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/toiletbench")
TOWNSHIPS, VILLAGES_PER_TOWNSHIP, RUNS = 20, 25, 7
VILLAGES = TOWNSHIPS * VILLAGES_PER_TOWNSHIP
TODAY, DEADLINE = date(2026, 9, 15), date(2026, 10, 31)
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
STAGES = ("surveyed", "planned", "building", "completed", "failed", "accepted", "paid", "excluded")
STAGE_WEIGHTS = (8, 8, 12, 6, 2, 40, 20, 4)
AGGREGATE = sa.text("SELECT village_id, stage, count(*) FROM household_toilet GROUP BY village_id, stage")


def make_app(url: str):
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url,
                                                 "UPLOAD_DIR": tempfile.mkdtemp(prefix="toiletbench-up-")})
    return create_app(config)


def build(app, seed: int = 2026) -> dict[str, int]:
    """Drop everything, migrate, write the county; returns the row counts."""
    from flask_migrate import upgrade

    from hygiene.places.models import Household, Township, Village
    from hygiene.toilets.models import HouseholdToilet, PublicToiletProject, ToiletProblem, ToiletTask

    rng = random.Random(seed)
    common = {"active": True, "created_at": STAMP, "updated_at": STAMP}
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        households, toilets, public, problems = [], [], [], []
        for v in range(1, VILLAGES + 1):
            township = (v - 1) // VILLAGES_PER_TOWNSHIP + 1
            for _ in range(rng.randint(30, 60)):
                hid = len(households) + 1
                households.append({**common, "id": hid, "village_id": v, "group_name": f"{hid % 5 + 1}组",
                                   "head_name": f"户主{hid:06d}", "phone": "", "address": ""})
                stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
                accepted = (TODAY - timedelta(days=rng.randrange(200))) if stage in ("accepted", "paid") else None
                toilets.append({"id": hid, "township_id": township, "village_id": v, "task_id": v,
                                "household_id": hid, "toilet_type": "three_compartment", "attached": False,
                                "demonstration": False, "stage": stage, "stage_on": accepted or date(2026, 5, 1),
                                "completed_on": accepted, "accepted_on": accepted, "failed_reasons": [],
                                "reworks": 0, "subsidy_amount": None, "subsidy_paid_on": None, "note": "",
                                "created_at": STAMP, "request_key": None})
                if accepted is not None and rng.random() < 0.1:  # a tenth of the accepted have a follow-up problem
                    problems.append({"id": len(problems) + 1, "township_id": township, "village_id": v,
                                     "toilet_id": hid, "kind": "leak", "source": "report", "note": "", "fix_note": "",
                                     "status": rng.choice(("reported", "in_hand", "fixed")), "past_fixes": [],
                                     "reported_on": accepted, "created_at": STAMP, "request_key": None})
            public += [{"id": len(public) + n + 1, "township_id": township, "village_id": v, "task_id": v,
                        "name": f"公厕{v}-{n}", "location": "", "work": "repair",
                        "stage": rng.choice(("planned", "building", "accepted")), "stage_on": date(2026, 6, 1),
                        "failed_reasons": [], "reworks": 0, "note": "", "created_at": STAMP,
                        "request_key": None} for n in range(2)]
        with db.engine.begin() as conn:
            conn.execute(sa.insert(Township), [{**common, "id": t, "name": f"第{t:02d}镇", "kind": "township",
                                                "contact_name": "", "contact_phone": ""}
                                               for t in range(1, TOWNSHIPS + 1)])
            conn.execute(sa.insert(Village), [{**common, "id": v, "township_id": (v - 1) // VILLAGES_PER_TOWNSHIP + 1,
                                               "name": f"{v:03d}村", "kind": "village", "contact_name": "",
                                               "contact_phone": ""} for v in range(1, VILLAGES + 1)])
            conn.execute(sa.insert(ToiletTask), [
                {"id": v, "township_id": (v - 1) // VILLAGES_PER_TOWNSHIP + 1, "village_id": v, "year": 2026,
                 "household_quota": rng.randint(40, 70), "public_quota": 2, "deadline": DEADLINE,
                 "subsidy_rates": {"three_compartment": "1200.00"}, "note": "", "created_at": STAMP,
                 "updated_at": STAMP} for v in range(1, VILLAGES + 1)])
            conn.execute(sa.insert(Household), households)
            conn.execute(sa.insert(HouseholdToilet), toilets)
            conn.execute(sa.insert(PublicToiletProject), public)
            conn.execute(sa.insert(ToiletProblem), problems)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.dialect.name == "postgresql":
                for table in ("township", "village", "toilet_task", "household", "household_toilet",
                              "public_toilet_project", "toilet_problem"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT max(id) FROM {table}))")
                conn.exec_driver_sql("VACUUM ANALYZE")
        return {"villages": VILLAGES, "toilets": len(toilets), "public": len(public), "problems": len(problems)}


def measure(app) -> dict:
    from hygiene.access.roles import Role
    from hygiene.access.scope import Scope
    from hygiene.places.models import Village
    from hygiene.toilets.board import township_board, village_board

    township, county = Scope(Role.ADMIN, township_id=1), Scope.county()
    statements: dict[str, int] = {}
    with app.app_context():
        village = db.session.get(Village, 1)
        works = {
            "township_board": lambda: township_board(scope=township, year=2026, today=TODAY),
            "county_board": lambda: township_board(scope=county, year=2026, today=TODAY),
            "village_board": lambda: village_board(scope=township, village=village, year=2026, today=TODAY),
            "aggregate": lambda: db.session.execute(AGGREGATE).all(),
        }
        times = interleaved_times(works, runs=RUNS)
        for name, work in works.items():
            statements[name] = statements_of(db.engine, work)
        board = township_board(scope=county, year=2026, today=TODAY)
        db.session.rollback()
    return {"times": {k: statistics.median(v) for k, v in times.items()}, "statements": statements,
            "villages_on_county_board": len(board.villages), "behind": board.behind}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("pg", "sqlite"))
    args = parser.parse_args()
    urls = {}
    if args.only != "pg":
        urls["sqlite"] = f"sqlite:///{tempfile.mkdtemp(prefix='toiletbench-')}/bench.db"
    if args.only != "sqlite" and pg_available(PG_URL):
        urls["postgresql"] = PG_URL
    per_db = {}
    for name, url in urls.items():
        app = make_app(url)
        counts = build(app)
        result = measure(app)
        t = result["times"]
        ratio = max(t["county_board"], t["village_board"]) / t["aggregate"]
        print(f"== {name}: {counts}")
        for key, seconds in t.items():
            print(f"  {key:15s} {seconds * 1000:8.2f} ms  ({result['statements'][key]} statements)")
        print(f"  villages on the county board {result['villages_on_county_board']}, behind {result['behind']}")
        per_db[name] = {"township_board_ms": round(t["township_board"] * 1000, 2),
                        "county_board_ms": round(t["county_board"] * 1000, 2),
                        "village_board_ms": round(t["village_board"] * 1000, 2),
                        "aggregate_ms": round(t["aggregate"] * 1000, 2), "ratio": round(ratio, 2),
                        "statements": result["statements"]}
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    main_db = "postgresql" if "postgresql" in per_db else "sqlite"
    headline = per_db[main_db]
    print(json.dumps({"figure": "toilet_boards_county", "value": headline["county_board_ms"], "unit": "ms",
                      "baseline": headline["aggregate_ms"], "ratio": headline["ratio"], "database": main_db,
                      "goal": "<= 3x aggregate, < 100 ms, constant queries", "per_db": per_db}))


if __name__ == "__main__":
    main()
