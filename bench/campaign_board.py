"""Benchmark: a campaign's board (who is done, late, open) on a generated county, against a plain
aggregate of the same tasks in the same run.

Run from the repository root: `.venv/bin/python bench/campaign_board.py` (`--only pg|sqlite`). The
last line printed is one JSON object (figure, value, unit, baseline, ratio, goal, per_db).

The county: 20 townships × 25 villages, 4 units per village. A county-wide Hygiene Month campaign
gives every village two tasks (大扫除, 宣传栏) and every unit one (6,000 tasks over 2,500 places);
each township also runs nine campaigns of its own (its calendar: 180 campaigns, 54,000 tasks), so
the board reads one campaign among many. Tasks are done, late or open at random. Written by Core
executemany. PostgreSQL uses the database `campaignbench` only (CAMPAIGNBENCH_URL overrides it);
SQLite a temporary file. Statistics are gathered after loading (VACUUM ANALYZE).

(a) the board as the campaign page calls it: the county admin's board of the county campaign
    (2,500 rows) and a township admin's board of it (125 rows), one statement each whatever the
    number of places; and the county's campaign list page (20 campaigns and their progress, two).
(b) baseline: one plain `GROUP BY village_id, unit_id, status` count of the county campaign's tasks.
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

PG_URL = os.environ.get("CAMPAIGNBENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/campaignbench")
TOWNSHIPS, VILLAGES_PER_TOWNSHIP, UNITS_PER_VILLAGE, OWN_CAMPAIGNS, RUNS = 20, 25, 4, 9, 7
VILLAGES = TOWNSHIPS * VILLAGES_PER_TOWNSHIP
TODAY = date(2026, 4, 20)
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
AGGREGATE = sa.text("SELECT village_id, unit_id, status, count(*) FROM campaign_task WHERE campaign_id = 1 "
                    "GROUP BY village_id, unit_id, status")


def make_app(url: str):
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url,
                                                 "UPLOAD_DIR": tempfile.mkdtemp(prefix="campaignbench-up-")})
    return create_app(config)


def _task(rng, tid: int, campaign: int, township: int, village: int, unit: int | None, title: str) -> dict:
    due = TODAY + timedelta(days=rng.randint(-10, 10))
    done = rng.random() < 0.6
    return {"id": tid, "campaign_id": campaign, "township_id": township, "village_id": village, "unit_id": unit,
            "place_key": f"unit:{unit}" if unit else f"village:{village}", "title": title, "due_on": due,
            "status": "done" if done else "open", "done_on": due if done else None, "done_note": "",
            "reopened": 0, "reopen_note": "", "created_at": STAMP}


def build(app, seed: int = 2026) -> dict[str, int]:
    """Drop everything, migrate, write the county; returns the row counts."""
    from flask_migrate import upgrade

    from hygiene.campaigns.models import Campaign, CampaignTask
    from hygiene.places.models import Township, Unit, Village

    rng = random.Random(seed)
    common = {"active": True, "created_at": STAMP, "updated_at": STAMP}
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        township_of = {v: (v - 1) // VILLAGES_PER_TOWNSHIP + 1 for v in range(1, VILLAGES + 1)}
        units = [{**common, "id": u, "village_id": (u - 1) // UNITS_PER_VILLAGE + 1, "name": f"单位{u:05d}",
                  "category": "catering", "address": "", "contact_name": "", "contact_phone": ""}
                 for u in range(1, VILLAGES * UNITS_PER_VILLAGE + 1)]
        campaigns = [{"id": 1, "township_id": 1, "name": "第38个爱国卫生月", "starts_on": date(2026, 4, 1),
                      "ends_on": date(2026, 4, 30), "description": "", "status": "active", "created_at": STAMP}]
        campaigns += [{"id": 1 + n, "township_id": (n - 1) // OWN_CAMPAIGNS + 1, "name": f"活动{n}",
                       "starts_on": date(2026, 1 + (n % 9), 1), "ends_on": date(2026, 1 + (n % 9), 25),
                       "description": "", "status": "active", "created_at": STAMP}
                      for n in range(1, TOWNSHIPS * OWN_CAMPAIGNS + 1)]
        tasks: list[dict] = []
        for campaign in campaigns:
            villages = range(1, VILLAGES + 1) if campaign["id"] == 1 else [
                v for v in range(1, VILLAGES + 1) if township_of[v] == campaign["township_id"]]
            for v in villages:
                for title in ("大扫除", "宣传栏更新"):
                    tasks.append(_task(rng, len(tasks) + 1, campaign["id"], township_of[v], v, None, title))
                for u in range((v - 1) * UNITS_PER_VILLAGE + 1, v * UNITS_PER_VILLAGE + 1):
                    tasks.append(_task(rng, len(tasks) + 1, campaign["id"], township_of[v], v, u, "门前三包"))
        with db.engine.begin() as conn:
            conn.execute(sa.insert(Township), [{**common, "id": t, "name": f"第{t:02d}镇", "kind": "township",
                                                "contact_name": "", "contact_phone": ""}
                                               for t in range(1, TOWNSHIPS + 1)])
            conn.execute(sa.insert(Village), [{**common, "id": v, "township_id": township_of[v], "name": f"{v:03d}村",
                                               "kind": "village", "contact_name": "", "contact_phone": ""}
                                              for v in range(1, VILLAGES + 1)])
            conn.execute(sa.insert(Unit), units)
            conn.execute(sa.insert(Campaign), campaigns)
            conn.execute(sa.insert(CampaignTask), tasks)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.dialect.name == "postgresql":
                for table in ("township", "village", "unit", "campaign", "campaign_task"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT max(id) FROM {table}))")
                conn.exec_driver_sql("VACUUM ANALYZE")
        return {"villages": VILLAGES, "units": len(units), "campaigns": len(campaigns), "tasks": len(tasks)}


def measure(app) -> dict:
    from hygiene.access.roles import Role
    from hygiene.access.scope import Scope
    from hygiene.campaigns import queries
    from hygiene.campaigns.models import Campaign

    township, county = Scope(Role.ADMIN, township_id=1), Scope.county()
    statements: dict[str, int] = {}
    with app.app_context():
        campaign = db.session.get(Campaign, 1)
        works = {
            "county_board": lambda: queries.board(scope=county, campaign=campaign, today=TODAY),
            "township_board": lambda: queries.board(scope=township, campaign=campaign, today=TODAY),
            "campaign_list": lambda: queries.progress_of_campaigns(
                scope=county, today=TODAY,
                campaign_ids=[c.id for c in db.session.scalars(queries.campaign_list(scope=county, year=2026).limit(20))]),
            "aggregate": lambda: db.session.execute(AGGREGATE).all(),
        }
        times = interleaved_times(works, runs=RUNS)
        for name, work in works.items():
            statements[name] = statements_of(db.engine, work)
        rows = queries.board(scope=county, campaign=campaign, today=TODAY)
        total = queries.board_total(rows)
        db.session.rollback()
    return {"times": {k: statistics.median(v) for k, v in times.items()}, "statements": statements,
            "places": len(rows), "done": total.done, "late": total.late, "open": total.open}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("pg", "sqlite"))
    args = parser.parse_args()
    urls = {}
    if args.only != "pg":
        urls["sqlite"] = f"sqlite:///{tempfile.mkdtemp(prefix='campaignbench-')}/bench.db"
    if args.only != "sqlite" and pg_available(PG_URL):
        urls["postgresql"] = PG_URL
    per_db = {}
    for name, url in urls.items():
        app = make_app(url)
        counts = build(app)
        result = measure(app)
        t = result["times"]
        ratio = t["county_board"] / t["aggregate"]
        print(f"== {name}: {counts}")
        for key, seconds in t.items():
            print(f"  {key:15s} {seconds * 1000:8.2f} ms  ({result['statements'][key]} statements)")
        print(f"  places on the county board {result['places']}: done {result['done']}, late {result['late']}, "
              f"open {result['open']}")
        per_db[name] = {"county_board_ms": round(t["county_board"] * 1000, 2),
                        "township_board_ms": round(t["township_board"] * 1000, 2),
                        "campaign_list_ms": round(t["campaign_list"] * 1000, 2),
                        "aggregate_ms": round(t["aggregate"] * 1000, 2), "ratio": round(ratio, 2),
                        "statements": result["statements"]}
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    main_db = "postgresql" if "postgresql" in per_db else "sqlite"
    headline = per_db[main_db]
    print(json.dumps({"figure": "campaign_board_county", "value": headline["county_board_ms"], "unit": "ms",
                      "baseline": headline["aggregate_ms"], "ratio": headline["ratio"], "database": main_db,
                      "goal": "<= 3x aggregate, < 100 ms, one statement", "per_db": per_db}))


if __name__ == "__main__":
    main()
