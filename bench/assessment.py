"""Benchmark: the year-end target assessment of a generated county, against a plain aggregate.

Run from the repository root: `.venv/bin/python bench/assessment.py` (`--only pg|sqlite`). The
last line printed is one JSON object (figure, value, unit, baseline, ratio, goal, per_db).

The county: 20 townships × 25 villages, each village with 30 published inspections planned in
2026 (a fifth failed), its 2026 toilet task (quota 20-40) with 30 household toilets over the
stages, and a target of each of the township's 6 pest-control rounds with its work; every village
has its signed 2026 letter with its targets. Each village has 2 units (a restaurant and an office:
1,000), each with 4 published inspections of its own, the restaurant 3 workers' health certificates
(one expired), and its signed 2026 unit letter with the unit targets. Written by Core executemany. PostgreSQL uses
the database `letterbench` only (LETTERBENCH_URL overrides it); SQLite a temporary file.
Statistics are gathered after loading (VACUUM ANALYZE, as autovacuum would).

(a) the assessment board as the page calls it: one township's (25 villages, 50 units) and the county
    admin's (500 villages' letters; and villages with units, 1,500), read from the measurements the
    letters keep (letters/measure.py, filled after loading as the job does) in one statement.
(b) baseline: one plain `GROUP BY village` count of the year's published inspections.
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
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench._databases import pg_available  # noqa: E402
from bench._timing import interleaved_times, statements_of  # noqa: E402
from config import TestConfig  # noqa: E402
from hygiene import create_app  # noqa: E402
from hygiene.extensions import db  # noqa: E402
from hygiene.pests.rounds.totals import totals_update  # noqa: E402

PG_URL = os.environ.get("LETTERBENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/letterbench")
TOWNSHIPS, VILLAGES_PER_TOWNSHIP, RUNS = 20, 25, 7
VILLAGES = TOWNSHIPS * VILLAGES_PER_TOWNSHIP
INSPECTIONS_PER_VILLAGE, TOILETS_PER_VILLAGE, ROUNDS_PER_TOWNSHIP = 30, 30, 6
YEAR = 2026
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
STAGES, STAGE_WEIGHTS = ("planned", "building", "accepted", "paid"), (2, 2, 5, 3)
AGGREGATE = sa.text("SELECT village_id, count(*) FROM inspection WHERE status = 'published' "
                    "AND planned_date BETWEEN '2026-01-01' AND '2026-12-31' GROUP BY village_id")


def make_app(url: str):
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url,
                                                 "UPLOAD_DIR": tempfile.mkdtemp(prefix="letterbench-up-")})
    return create_app(config)


def township_of(village: int) -> int:
    return (village - 1) // VILLAGES_PER_TOWNSHIP + 1


def build(app, seed: int = 2026) -> dict[str, int]:
    """Drop everything, migrate, write the county, measure the letters; returns the row counts."""
    from flask_migrate import upgrade

    from hygiene.letters.measure import refresh_all_open

    rng = random.Random(seed)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        version_id = _checklist()
        units = _units(rng, version_id, first_inspection=VILLAGES * INSPECTIONS_PER_VILLAGE + 1)
        tables = {**_register(), **units.pop("register"), **_inspections(rng, version_id), **_toilets(rng),
                  **_rounds(rng), **_letters()}
        for model, rows in units.items():   # after the villages' rows of the same tables
            tables[model] = tables.get(model, []) + rows
        with db.engine.begin() as conn:
            for model, rows in tables.items():
                conn.execute(sa.insert(model), rows)
            conn.execute(totals_update(sa.true()))   # the round targets' totals, as the migration fills them
        with db.engine.begin() as conn:
            refresh_all_open(conn)   # the letters' kept measurements, as the migration and the job fill them
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("VACUUM ANALYZE")
        return {model.__tablename__: len(rows) for model, rows in tables.items()}


def _checklist() -> int:
    from hygiene.access.scope import Scope
    from hygiene.checklists.services import template_save
    from hygiene.checklists.spec import parse_template

    spec = parse_template({"name": "基准检查表", "code": "bench", "applies_to": "village", "pass_mark": 60,
                           "sections": [{"title": "环境卫生", "items": [{"text": "检查项", "points": 100}]}]})
    version = template_save(scope=Scope.county(), actor_id=None, spec=spec)
    db.session.commit()
    return version.id


def _register() -> dict:
    from hygiene.places.models import Township, Village

    common = {"active": True, "created_at": STAMP, "updated_at": STAMP, "contact_name": "", "contact_phone": ""}
    return {Township: [{**common, "id": t, "name": f"第{t:02d}镇", "kind": "township"}
                       for t in range(1, TOWNSHIPS + 1)],
            Village: [{**common, "id": v, "township_id": township_of(v), "name": f"{v:03d}村", "kind": "village"}
                      for v in range(1, VILLAGES + 1)]}


def _inspections(rng: random.Random, version_id: int) -> dict:
    from hygiene.inspections.models import Inspection

    rows = []
    for v in range(1, VILLAGES + 1):
        for _n in range(INSPECTIONS_PER_VILLAGE):
            day = date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))
            score = Decimal(rng.choice((40, 70, 80, 90, 95)))
            moment = datetime.combine(day, datetime.min.time(), UTC)
            rows.append({"id": len(rows) + 1, "plan_id": None, "version_id": version_id, "township_id": township_of(v),
                         "village_id": v, "target_kind": "village", "target_id": v, "target_label": f"{v:03d}村",
                         "unit_id": None, "period_start": None, "planned_date": day, "due_date": day,
                         "status": "published", "score": score, "earned": score, "possible": Decimal(100),
                         "vetoed": False, "passed": score >= 60, "grade": "", "started_at": moment,
                         "submitted_at": moment, "submitted_by_id": None, "submission_key": None,
                         "published_at": moment, "published_by_id": None, "review_comment": "",
                         "created_at": moment})
    return {Inspection: rows}


def _toilets(rng: random.Random) -> dict:
    from hygiene.places.models import Household
    from hygiene.toilets.models import HouseholdToilet, ToiletTask

    tasks = [{"id": v, "township_id": township_of(v), "village_id": v, "year": YEAR,
              "household_quota": rng.randint(20, 40), "public_quota": 0, "deadline": date(YEAR, 10, 31),
              "subsidy_rates": {}, "note": "", "created_at": STAMP, "updated_at": STAMP}
             for v in range(1, VILLAGES + 1)]
    households, toilets = [], []
    for v in range(1, VILLAGES + 1):
        for _n in range(TOILETS_PER_VILLAGE):
            hid = len(households) + 1
            households.append({"id": hid, "village_id": v, "group_name": "一组", "head_name": f"户主{hid}",
                               "phone": "", "address": "", "active": True, "created_at": STAMP,
                               "updated_at": STAMP})
            stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
            on = date(YEAR, 9, 1) if stage in ("accepted", "paid") else None
            toilets.append({"id": hid, "township_id": township_of(v), "village_id": v, "task_id": v,
                            "household_id": hid, "toilet_type": "three_compartment", "attached": False,
                            "demonstration": False, "stage": stage, "stage_on": on or date(YEAR, 5, 1),
                            "completed_on": on, "accepted_on": on, "failed_reasons": [], "reworks": 0,
                            "subsidy_amount": None, "subsidy_paid_on": None, "note": "", "created_at": STAMP,
                            "request_key": None})
    return {ToiletTask: tasks, Household: households, HouseholdToilet: toilets}


def _rounds(rng: random.Random) -> dict:
    from hygiene.pests.rounds.models import PestRound, RoundTarget, RoundWork

    rounds, targets, works = [], [], []
    for t in range(1, TOWNSHIPS + 1):
        for n in range(ROUNDS_PER_TOWNSHIP):
            rid = len(rounds) + 1
            ends = date(YEAR, 2 * n + 1, 28)
            rounds.append({"id": rid, "township_id": t, "name": f"灭鼠{rid}", "pests": ["rodent"], "season": "spring",
                           "starts_on": ends - timedelta(days=20), "ends_on": ends, "method": "", "dose": "",
                           "unified_rules": [], "coverage_goal": Decimal(95), "status": "closed", "note": "",
                           "created_at": STAMP, "request_key": None})
            for v in range((t - 1) * VILLAGES_PER_TOWNSHIP + 1, t * VILLAGES_PER_TOWNSHIP + 1):
                tid = len(targets) + 1
                targets.append({"id": tid, "round_id": rid, "township_id": t, "village_id": v, "unit_id": None,
                                "place_key": f"v{v}", "households_target": 100, "area_target": None,
                                "area_unit": None})
                works.append({"id": tid, "round_id": rid, "target_id": tid, "township_id": t, "village_id": v,
                              "unit_id": None, "kind": "completion", "done_on": ends,
                              "households_covered": rng.randint(70, 100), "done_by": "", "note": "",
                              "entered_at": STAMP, "request_key": None})
    return {PestRound: rounds, RoundTarget: targets, RoundWork: works}


def _letters() -> dict:
    from hygiene.letters.kinds import default_targets
    from hygiene.letters.models import LetterTarget, TargetLetter

    letters = [{"id": v, "township_id": township_of(v), "village_id": v, "unit_id": None,
                "subject_key": f"village:{v}", "year": YEAR, "status": "signed",
                "signed_on": date(YEAR, 1, 15), "signed_by_name": "村主任", "decision_note": "",
                "created_at": STAMP} for v in range(1, VILLAGES + 1)]
    targets = [{"letter_id": v, "township_id": township_of(v), "village_id": v, "unit_id": None, "kind": kind,
                "target": value}
               for v in range(1, VILLAGES + 1) for kind, value in default_targets().items()]
    return {TargetLetter: letters, LetterTarget: targets}


def _units(rng: random.Random, version_id: int, first_inspection: int) -> dict[Any, Any]:
    """Two units a village, their inspections, the restaurants' certificates, every unit's signed letter."""
    from hygiene.food.models import HealthCertificate
    from hygiene.inspections.models import Inspection
    from hygiene.letters.kinds import default_targets
    from hygiene.letters.models import LetterTarget, TargetLetter
    from hygiene.places.models import Unit

    common = {"active": True, "created_at": STAMP, "updated_at": STAMP, "contact_name": "", "contact_phone": "",
              "address": ""}
    units, inspections, certificates, letters, targets = [], [], [], [], []
    for v in range(1, VILLAGES + 1):
        for category in ("catering", "office"):
            uid = len(units) + 1
            units.append({**common, "id": uid, "village_id": v, "name": f"{v:03d}村{category}", "category": category})
            for _n in range(4):
                day = date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))
                score = Decimal(rng.choice((55, 75, 85, 95)))
                moment = datetime.combine(day, datetime.min.time(), UTC)
                inspections.append({
                    "id": first_inspection + len(inspections), "plan_id": None, "version_id": version_id,
                    "township_id": township_of(v), "village_id": v, "target_kind": "unit", "target_id": uid,
                    "target_label": f"{v:03d}村{category}", "unit_id": uid, "period_start": None, "planned_date": day,
                    "due_date": day, "status": "published", "score": score, "earned": score,
                    "possible": Decimal(100), "vetoed": False, "passed": score >= 60, "grade": "",
                    "started_at": moment, "submitted_at": moment, "submitted_by_id": None, "submission_key": None,
                    "published_at": moment, "published_by_id": None, "review_comment": "", "created_at": moment})
            if category == "catering":
                certificates += [{"township_id": township_of(v), "village_id": v, "unit_id": uid,
                                  "worker_name": f"员工{uid}-{n}", "number": f"JK{uid:05d}{n}",
                                  "issued_on": date(YEAR - 1, 6, 1), "expires_on": date(YEAR + n - 1, 5, 31),
                                  "active": True, "created_at": STAMP, "updated_at": STAMP} for n in range(3)]
            lid = VILLAGES + uid
            letters.append({"id": lid, "township_id": township_of(v), "village_id": v, "unit_id": uid,
                            "subject_key": f"unit:{uid}", "year": YEAR, "status": "signed",
                            "signed_on": date(YEAR, 1, 15), "signed_by_name": "负责人", "decision_note": "",
                            "created_at": STAMP})
            targets += [{"letter_id": lid, "township_id": township_of(v), "village_id": v, "unit_id": uid,
                         "kind": kind, "target": value} for kind, value in default_targets("unit").items()]
    return {"register": {Unit: units}, Inspection: inspections, HealthCertificate: certificates,
            TargetLetter: letters, LetterTarget: targets}


def measure(app) -> dict:
    from hygiene.access.roles import Role
    from hygiene.access.scope import Scope
    from hygiene.letters.queries import assessment_board

    township, county = Scope(Role.ADMIN, township_id=1), Scope.county()
    statements: dict[str, int] = {}
    with app.app_context():
        works = {
            "township_board": lambda: assessment_board(scope=township, year=YEAR),
            "county_board": lambda: assessment_board(scope=county, year=YEAR, subject="village"),
            "county_board_with_units": lambda: assessment_board(scope=county, year=YEAR),
            "aggregate": lambda: db.session.execute(AGGREGATE).all(),
        }
        times = interleaved_times(works, runs=RUNS)
        for name, work in works.items():
            statements[name] = statements_of(db.engine, work)
        rows = assessment_board(scope=county, year=YEAR)
        units_measured = sum(1 for row in rows if row.subject == "unit" and row.measured_count)
        db.session.rollback()
    return {"times": {k: statistics.median(v) for k, v in times.items()}, "statements": statements,
            "letters": len(rows), "all_met": sum(1 for row in rows if row.met_count == len(row.results)),
            "units_measured": units_measured}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("pg", "sqlite"))
    args = parser.parse_args()
    urls = {}
    if args.only != "pg":
        urls["sqlite"] = f"sqlite:///{tempfile.mkdtemp(prefix='letterbench-')}/bench.db"
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
        print(f"  letters on the county board {result['letters']} ({result['units_measured']} units measured), "
              f"every target met {result['all_met']}")
        per_db[name] = {"township_board_ms": round(t["township_board"] * 1000, 2),
                        "county_board_ms": round(t["county_board"] * 1000, 2),
                        "county_board_with_units_ms": round(t["county_board_with_units"] * 1000, 2),
                        "aggregate_ms": round(t["aggregate"] * 1000, 2), "ratio": round(ratio, 2),
                        "statements": result["statements"]}
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    main_db = "postgresql" if "postgresql" in per_db else "sqlite"
    headline = per_db[main_db]
    print(json.dumps({"figure": "target_assessment_county", "value": headline["county_board_ms"], "unit": "ms",
                      "baseline": headline["aggregate_ms"], "ratio": headline["ratio"], "database": main_db,
                      "goal": "<= 3x aggregate, < 100 ms, constant queries", "per_db": per_db}))


if __name__ == "__main__":
    main()
