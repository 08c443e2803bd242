"""Benchmark: issue 12's three county reads (the campaign board, the education cadence flags and the
year-end target assessment), each against a plain aggregate of the same records in the same run.

Run from the repository root: `.venv/bin/python bench/campaigns.py` (`--only pg|sqlite`). The last
line printed is one JSON object: the worst figure as the headline (figure, value, unit, baseline,
ratio, goal) and every figure per database under "figures".

The county: 20 townships × 25 villages, 4 units per village, written by Core executemany.
- Campaigns: a county-wide Hygiene Month campaign gives every village two tasks (大扫除, 宣传栏)
  and every unit one (6,000 tasks over 2,500 places); each township runs nine campaigns of its
  own (180 campaigns, 54,000 tasks), done, late or open at random. Board date 2026-04-20.
- Health education: every village has two years of activities (a board and a lecture most months,
  a column most quarters, consultations now and then; about one month in twelve missed). Cadence
  date 2026-11-26.
- The year-end assessment: bench/assessment.py's county (30 published inspections per village in
  2026, its toilet task and toilets, a target of each of the township's 6 pest rounds, a signed
  letter with the three targets), built by that script's own helpers.
The counts the boards read are filled by the same code the migration runs (counts.rebuild).
PostgreSQL uses the database `campaignsbench` only (CAMPAIGNSBENCH_URL overrides it); SQLite a
temporary file. Statistics are gathered after loading (VACUUM ANALYZE, as autovacuum would).

Figures (the county admin's, 500 villages), with a township admin's (25 villages) beside them to
show the statements do not grow with the villages:
(a) campaign_board: the board of the county campaign (2,500 places), as the campaign page calls it;
    baseline: one plain `GROUP BY village_id, unit_id, status` of that campaign's tasks.
(b) education_cadence: the flags of the 500 villages, as the cadence page and the reminders call
    them; baseline: one plain `GROUP BY village_id, kind` of the year's activities.
(c) assessment: hygiene.letters.queries.assessment_board for the year with its "measured at" (what the
    page calls; it reads the letters' kept measurements); baseline: one plain `GROUP BY village_id` of
    the year's published inspections. Beside it, refresh_ms / refresh_statements: what the
    letters_measure job (every 10 minutes) costs to measure every open letter of the county live and
    write the values: the price of the board's speed, paid off the page.
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

from bench import assessment  # noqa: E402
from bench._databases import pg_available  # noqa: E402
from bench._timing import interleaved_times, statements_of  # noqa: E402
from config import TestConfig  # noqa: E402
from hygiene import create_app  # noqa: E402
from hygiene.extensions import db  # noqa: E402

PG_URL = os.environ.get("CAMPAIGNSBENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/campaignsbench")
TOWNSHIPS, VILLAGES_PER_TOWNSHIP, UNITS_PER_VILLAGE, OWN_CAMPAIGNS, RUNS = 20, 25, 4, 9, 7
VILLAGES = TOWNSHIPS * VILLAGES_PER_TOWNSHIP
BOARD_DAY, CADENCE_DAY, YEAR = date(2026, 4, 20), date(2026, 11, 26), 2026
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
GOAL = "<= 3x aggregate, < 100 ms, constant statements"
AGGREGATES = {
    "campaign_board": sa.text("SELECT village_id, unit_id, status, count(*) FROM campaign_task WHERE campaign_id = 1 "
                              "GROUP BY village_id, unit_id, status"),
    "education_cadence": sa.text("SELECT village_id, kind, count(*) FROM education_activity "
                                 "WHERE held_on BETWEEN '2026-01-01' AND '2026-11-26' GROUP BY village_id, kind"),
    "assessment": assessment.AGGREGATE,
}
assert (assessment.TOWNSHIPS, assessment.VILLAGES_PER_TOWNSHIP) == (TOWNSHIPS, VILLAGES_PER_TOWNSHIP)


def make_app(url: str):
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url,
                                                 "UPLOAD_DIR": tempfile.mkdtemp(prefix="campaignsbench-up-")})
    return create_app(config)


def township_of(village: int) -> int:
    return (village - 1) // VILLAGES_PER_TOWNSHIP + 1


def _task(rng: random.Random, tid: int, campaign: int, village: int, unit: int | None, title: str) -> dict:
    due = BOARD_DAY + timedelta(days=rng.randint(-10, 10))
    done = rng.random() < 0.6
    return {"id": tid, "campaign_id": campaign, "township_id": township_of(village), "village_id": village,
            "unit_id": unit, "place_key": f"unit:{unit}" if unit else f"village:{village}", "title": title,
            "due_on": due, "status": "done" if done else "open", "done_on": due if done else None, "done_note": "",
            "reopened": 0, "reopen_note": "", "created_at": STAMP}


def _campaigns(rng: random.Random) -> dict:
    from hygiene.campaigns.models import Campaign, CampaignTask
    from hygiene.places.models import Unit

    common = {"active": True, "created_at": STAMP, "updated_at": STAMP}
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
            v for v in range(1, VILLAGES + 1) if township_of(v) == campaign["township_id"]]
        for v in villages:
            for title in ("大扫除", "宣传栏更新"):
                tasks.append(_task(rng, len(tasks) + 1, campaign["id"], v, None, title))
            for u in range((v - 1) * UNITS_PER_VILLAGE + 1, v * UNITS_PER_VILLAGE + 1):
                tasks.append(_task(rng, len(tasks) + 1, campaign["id"], v, u, "门前三包"))
    return {Unit: units, Campaign: campaigns, CampaignTask: tasks}


def _activities(rng: random.Random) -> dict:
    from hygiene.education.models import EducationActivity

    rows = []
    for village in range(1, VILLAGES + 1):
        for year in (2025, 2026):
            for month in range(1, 13):
                if date(year, month, 1) > CADENCE_DAY:
                    break
                kinds = ["board", "lecture"] + (["column"] if month % 3 == 2 else []) + (
                    ["consultation"] if rng.random() < 0.3 else [])
                for kind in kinds:
                    day = date(year, month, rng.randint(1, 20))
                    if rng.random() < 1 / 12 or day > CADENCE_DAY:   # a month missed
                        continue
                    rows.append({"township_id": township_of(village), "village_id": village, "unit_id": None,
                                 "kind": kind, "held_on": day, "topic": "健康知识", "attendance": None, "note": "",
                                 "recorded_by_id": None, "created_at": STAMP, "request_key": None})
    return {EducationActivity: rows}


def build(app, seed: int = 2026) -> dict[str, int]:
    """Drop everything, migrate, write the county, fill the kept counts; returns the row counts."""
    from flask_migrate import upgrade

    from hygiene.campaigns import counts as campaign_counts
    from hygiene.education import counts as education_counts
    from hygiene.letters.measure import refresh_all_open

    rng = random.Random(seed)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        version_id = assessment._checklist()
        tables = {**assessment._register(), **assessment._inspections(rng, version_id), **assessment._toilets(rng),
                  **assessment._rounds(rng), **assessment._letters(), **_campaigns(rng), **_activities(rng)}
        with db.engine.begin() as conn:
            for model, rows in tables.items():
                for start in range(0, len(rows), 10_000):
                    conn.execute(sa.insert(model), rows[start:start + 10_000])
            made = {"campaign_place_count": campaign_counts.rebuild(conn),
                    "education_month_count": education_counts.rebuild(conn)}
        with db.engine.begin() as conn:
            made["letter_target_measured"] = refresh_all_open(conn)   # as the migration and the job fill them
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("VACUUM ANALYZE")
        return {model.__tablename__: len(rows) for model, rows in tables.items()} | made


def measure(app) -> dict:
    from hygiene.access.roles import Role
    from hygiene.access.scope import Scope
    from hygiene.campaigns import queries as campaigns
    from hygiene.campaigns.models import Campaign
    from hygiene.education.queries import cadence
    from hygiene.education.status import FLAGGED
    from hygiene.letters.queries import assessment_board, measured_as_of

    scopes = {"township": Scope(Role.ADMIN, township_id=1), "county": Scope.county()}
    with app.app_context():
        campaign = db.session.get(Campaign, 1)
        reads = {
            "campaign_board": lambda scope: campaigns.board(scope=scope, campaign=campaign, today=BOARD_DAY),
            "education_cadence": lambda scope: cadence(scope=scope, subject_kind="village", year=YEAR,
                                                       today=CADENCE_DAY),
            "assessment": lambda scope: _board_page(assessment_board(scope=scope, year=YEAR), measured_as_of),
        }
        result = {}
        for figure, read in reads.items():
            aggregate = AGGREGATES[figure]
            works = {"county": lambda read=read: read(scopes["county"]),
                     "township": lambda read=read: read(scopes["township"]),
                     "aggregate": lambda aggregate=aggregate: db.session.execute(aggregate).all()}
            times = {k: statistics.median(v) for k, v in interleaved_times(works, runs=RUNS).items()}
            statements = {k: statements_of(db.engine, work) for k, work in works.items()}
            rows = read(scopes["county"])
            result[figure] = {"times": times, "statements": statements, "rows": len(rows)}
            db.session.rollback()
        flags = cadence(scope=scopes["county"], subject_kind="village", year=YEAR, today=CADENCE_DAY)
        result["education_cadence"]["flagged"] = sum(row.state in FLAGGED for row in flags)
        total = campaigns.board_total(campaigns.board(scope=scopes["county"], campaign=campaign, today=BOARD_DAY))
        result["campaign_board"]["done_late_open"] = (total.done, total.late, total.open)
        db.session.rollback()
        result["assessment"]["refresh"] = refresh_cost()
    return result


def _board_page(rows: list, as_of) -> list:
    """What the assessment page reads: the board and when its figures were measured."""
    as_of(rows)
    return rows


def refresh_cost() -> dict:
    """What the letters_measure job costs (not the page): measuring every open letter of the county
    live and writing the values, committed, median of RUNS; and its statements."""
    from hygiene.letters.measure import refresh_measurements

    def run() -> None:
        refresh_measurements(township_id=None, year=YEAR, now=datetime.now(UTC))
        db.session.commit()

    times = interleaved_times({"refresh": run}, runs=RUNS)["refresh"]
    return {"ms": round(statistics.median(times) * 1000, 2), "statements": statements_of(db.engine, run)}


def figures_of(result: dict) -> dict:
    found = {}
    for figure, r in result.items():
        t = r["times"]
        found[figure] = {"county_ms": round(t["county"] * 1000, 2), "township_ms": round(t["township"] * 1000, 2),
                         "aggregate_ms": round(t["aggregate"] * 1000, 2),
                         "ratio": round(t["county"] / t["aggregate"], 2), "statements": r["statements"],
                         "rows": r["rows"]}
        if "refresh" in r:   # the job's own cost, beside the page's figure (not a ratio to the aggregate)
            found[figure]["refresh_ms"], found[figure]["refresh_statements"] = (r["refresh"]["ms"],
                                                                                r["refresh"]["statements"])
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("pg", "sqlite"))
    args = parser.parse_args()
    urls = {}
    if args.only != "pg":
        urls["sqlite"] = f"sqlite:///{tempfile.mkdtemp(prefix='campaignsbench-')}/bench.db"
    if args.only != "sqlite" and pg_available(PG_URL):
        urls["postgresql"] = PG_URL
    per_db: dict[str, dict] = {}
    for name, url in urls.items():
        app = make_app(url)
        counts = build(app)
        result = measure(app)
        per_db[name] = figures_of(result)
        print(f"== {name}: {counts}")
        for figure, f in per_db[name].items():
            print(f"  {figure:18s} county {f['county_ms']:7.2f} ms ({f['statements']['county']} statements), "
                  f"township {f['township_ms']:6.2f} ms ({f['statements']['township']}), "
                  f"aggregate {f['aggregate_ms']:6.2f} ms: {f['ratio']}x")
        print(f"  assessment refresh (the letters_measure job) {per_db[name]['assessment']['refresh_ms']:7.2f} ms "
              f"({per_db[name]['assessment']['refresh_statements']} statements)")
        print(f"  campaign board done/late/open {result['campaign_board']['done_late_open']}, "
              f"villages flagged {result['education_cadence']['flagged']}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    main_db = "postgresql" if "postgresql" in per_db else "sqlite"
    worst = max(per_db[main_db], key=lambda figure: per_db[main_db][figure]["ratio"])
    headline = per_db[main_db][worst]
    print(json.dumps({"figure": "campaigns", "value": headline["county_ms"], "unit": "ms",
                      "baseline": headline["aggregate_ms"], "ratio": headline["ratio"], "goal": GOAL,
                      "worst": worst, "database": main_db, "figures": per_db}, ensure_ascii=False))


if __name__ == "__main__":
    main()
