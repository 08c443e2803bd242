"""Benchmark: confirming a 5,000-row register import against a bulk insert of the same rows.

Run from the repository root: `.venv/bin/python bench/import_confirm.py` (`--only pg|sqlite`,
`--runs N`, default 5). The
last line printed is one JSON object (figure, value, unit, baseline, ratio, goal, per_db).

The register: 20 townships × 25 villages, made by the migrations and Core inserts, and a county
administrator. The file: 5,000 units, 10 in each of the 500 villages, in the columns of the
units template, as .xlsx (what the template is) and as .csv. PostgreSQL uses the database
`importbench` (IMPORTBENCH_URL overrides; SQLite only when it cannot be reached); SQLite a
temporary file.

(a) confirm: the file uploaded (its check and preview are not timed), then one POST of
    /register/import/confirm by the signed-in administrator, timed until its response: the rows
    the upload checked read back, checked against the register as it is now (each village name
    still the same village, in scope and active; no name taken meanwhile), the 5,000 units and
    their 5,000 audit events written, the commit.
(b) baseline: one Core executemany INSERT of the same 5,000 units' values (what the import
    writes to the unit table, without the checks and the audit trail), committed.
Before every run of either the units written by the last run (and their events) are deleted.
Runs of (a) and (b) alternate, so a busy machine slows both alike; the medians are compared.
Also printed: the statements one confirm sends through SQLAlchemy (on PostgreSQL the audit
events' COPY comes on top: it goes to psycopg directly), and the phases of an import timed by
calling the importer directly: reading the .xlsx and checking every row, as the upload does;
checking the register again, and write + commit, as the confirm does.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bench._databases import pg_available  # noqa: E402
from bench._timing import timed  # noqa: E402
from config import TestConfig  # noqa: E402
from hygiene import create_app  # noqa: E402
from hygiene.extensions import db  # noqa: E402

PG_URL = os.environ.get("IMPORTBENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/importbench")
RUNS, ROWS, TOWNSHIPS, VILLAGES_PER_TOWNSHIP = 5, 5000, 20, 25
PASSWORD = "bench-password-1"
HEADER = ["村/社区", "单位名称", "类别", "地址", "联系人", "联系电话"]
CATEGORIES = (("餐饮", "catering"), ("商店", "shop"), ("公厕", "public_toilet"), ("农贸市场", "market"))
PREFIX = "导入单位"
STAMP = datetime(2025, 1, 1, tzinfo=UTC)


def make_app(url: str):
    """The application on `url`, with the test settings (no mail, fast hashes, no CSRF)."""
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url,
                                                 "UPLOAD_DIR": tempfile.mkdtemp(prefix="importbench-up-")})
    app = create_app(config)
    app.instance_path = tempfile.mkdtemp(prefix="importbench-instance-")
    return app


def build(app) -> None:
    """Drop everything, migrate, write the townships, villages and a county administrator."""
    from flask_migrate import upgrade

    from hygiene.accounts.models import User
    from hygiene.places.models import Township, Village

    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        common = {"active": True, "created_at": STAMP, "updated_at": STAMP, "contact_name": "",
                  "contact_phone": ""}
        with db.engine.begin() as conn:
            conn.execute(sa.insert(Township), [{**common, "id": t, "name": f"第{t:02d}镇", "kind": "township"}
                                               for t in range(1, TOWNSHIPS + 1)])
            conn.execute(sa.insert(Village), [
                {**common, "id": v, "township_id": (v - 1) // VILLAGES_PER_TOWNSHIP + 1,
                 "name": village_name(v), "kind": "village"} for v in range(1, villages() + 1)])
            if conn.dialect.name == "postgresql":
                for table in ("township", "village"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT max(id) FROM {table}))")
        user = User(username="county", display_name="county", role="admin")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()


def villages() -> int:
    return TOWNSHIPS * VILLAGES_PER_TOWNSHIP


def village_name(v: int) -> str:
    return f"{(v - 1) // VILLAGES_PER_TOWNSHIP + 1:02d}镇{v:03d}村"


def unit_rows() -> list[list[str]]:
    """The file's rows under the header: 10 units in each village, every column filled."""
    return [[village_name(n % villages() + 1), f"{PREFIX}{n:04d}", CATEGORIES[n % len(CATEGORIES)][0],
             f"示例路{n}号", f"联系人{n % 97}", f"138{n:08d}"] for n in range(ROWS)]


def unit_values() -> list[dict]:
    """What the import writes to the unit table for the same rows (the baseline inserts these)."""
    return [{"village_id": n % villages() + 1, "name": f"{PREFIX}{n:04d}",
             "category": CATEGORIES[n % len(CATEGORIES)][1], "address": f"示例路{n}号",
             "contact_name": f"联系人{n % 97}", "contact_phone": f"138{n:08d}", "active": True,
             "created_at": STAMP, "updated_at": STAMP} for n in range(ROWS)]


def as_xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in (HEADER, *rows):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8-sig")


def clear(app) -> None:
    """Delete the units a run wrote and their audit events."""
    from hygiene.audit.models import AuditEvent
    from hygiene.places.models import Unit

    with app.app_context(), db.engine.begin() as conn:
        ids = sa.select(Unit.id).where(Unit.name.like(f"{PREFIX}%")).scalar_subquery()
        conn.execute(sa.delete(AuditEvent).where(AuditEvent.entity_type == "unit",
                                                 AuditEvent.entity_id.in_(ids)))
        conn.execute(sa.delete(Unit).where(Unit.name.like(f"{PREFIX}%")))


def count_units(app) -> int:
    from hygiene.places.models import Unit

    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).where(Unit.name.like(f"{PREFIX}%")))
        db.session.remove()
        return n or 0


def confirm_once(app, client, ext: str, data: bytes):
    """Upload the file (its preview, not timed), then return the confirm to time."""
    preview = client.post("/register/import/", content_type="multipart/form-data",
                          data={"kind": "units", "file": (io.BytesIO(data), f"units.{ext}")})
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', preview.text)
    if preview.status_code != 200 or token is None:
        raise SystemExit(f"the upload was refused: {preview.status_code}\n{preview.text[:2000]}")
    token = token.group(1)

    def post() -> None:
        response = client.post("/register/import/confirm", data={"kind": "units", "token": token})
        if response.status_code != 302 or not response.headers["Location"].endswith("/register/units/"):
            raise SystemExit(f"the confirm did not import: {response.status_code}\n{response.text[:2000]}")

    return post


def bulk_insert(app, values: list[dict]) -> None:
    from hygiene.places.models import Unit

    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.insert(Unit), values)


def statements_of_one_confirm(app, client, data: bytes) -> int:
    counter = [0]

    def before(*_args) -> None:
        counter[0] += 1

    with app.app_context():
        engine = db.engine
    post = confirm_once(app, client, "csv", data)
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        post()
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    return counter[0]


def phases(app, data: bytes) -> dict[str, float]:
    """One confirm's work in its parts, by calling the importer as the view does."""
    from hygiene.access.scope import Scope
    from hygiene.places import importer
    from hygiene.places.kinds import UNITS

    with app.test_request_context("/"):
        started = time.perf_counter()
        table = importer.read_table("units.xlsx", data, max_rows=ROWS)
        read = time.perf_counter()
        plan = importer.import_plan(kind=UNITS, scope=Scope.county(), table=table)
        assert plan.ok, plan.bad_rows[:3]
        kept = json.loads(json.dumps(importer.checked_rows(plan), ensure_ascii=False))
        db.session.rollback()
        checked = time.perf_counter()
        assert importer.register_agrees(kind=UNITS, scope=Scope.county(), checked=kept)
        agrees = time.perf_counter()
        importer.import_checked(kind=UNITS, scope=Scope.county(), actor_id=None, checked=kept)
        db.session.commit()
        written = time.perf_counter()
        db.session.remove()
    # import_checked checks the register once more before writing: its time is taken off
    return {"upload_read_xlsx": read - started, "upload_check": checked - read,
            "confirm_recheck": agrees - checked, "confirm_write_commit": written - agrees - (agrees - checked)}


def run_database(name: str, url: str, runs: int) -> dict:
    app = make_app(url)
    try:
        build(app)
        rows = unit_rows()
        files = {"xlsx": as_xlsx(rows), "csv": as_csv(rows)}
        values = unit_values()
        client = app.test_client()
        signed_in = client.post("/login", data={"username": "county", "password": PASSWORD})
        assert signed_in.status_code == 302, "the bench administrator could not sign in"
        times: dict[str, list[float]] = {"xlsx": [], "csv": [], "bulk": []}
        for run in range(runs + 1):            # the first round warms up and is not counted
            for kind in times:
                clear(app)
                work = (lambda: bulk_insert(app, values)) if kind == "bulk" else \
                    confirm_once(app, client, kind, files[kind])
                seconds = timed(work)
                if count_units(app) != ROWS:
                    raise SystemExit(f"{kind}: {count_units(app)} units written, not {ROWS}")
                if run:
                    times[kind].append(seconds)
        clear(app)
        statements = statements_of_one_confirm(app, client, files["csv"])
        clear(app)
        parts = phases(app, files["xlsx"])
        clear(app)
        return {"times": times, "statements": statements, "phases": parts}
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        shutil.rmtree(app.instance_path, ignore_errors=True)


def summarise(name: str, result: dict) -> dict:
    medians = {kind: statistics.median(t) for kind, t in result["times"].items()}
    for kind, label in (("xlsx", "(a) confirm, .xlsx"), ("csv", "(a) confirm, .csv"),
                        ("bulk", "(b) bulk INSERT")):
        runs = " ".join(f"{t * 1000:.0f}" for t in result["times"][kind])
        print(f"{name:10s} {label:20s} median {medians[kind] * 1000:7.1f} ms   runs (ms): {runs}")
    parts = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in result["phases"].items())
    print(f"{name:10s} one confirm sends {result['statements']} statements; its phases: {parts}")
    print(f"{name:10s} ratio confirm / bulk insert: .xlsx {medians['xlsx'] / medians['bulk']:.2f}, "
          f".csv {medians['csv'] / medians['bulk']:.2f} (goal < 3)")
    return {"confirm_xlsx": round(medians["xlsx"], 4), "confirm_csv": round(medians["csv"], 4),
            "bulk_insert": round(medians["bulk"], 4),
            "ratio_xlsx": round(medians["xlsx"] / medians["bulk"], 2),
            "ratio_csv": round(medians["csv"] / medians["bulk"], 2),
            "statements": result["statements"],
            "phases_ms": {k: round(v * 1000, 1) for k, v in result["phases"].items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("pg", "sqlite"))
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="importbench-"))
    targets = []
    if args.only != "sqlite" and pg_available(PG_URL):
        targets.append(("postgresql", PG_URL))
    if args.only != "pg":
        targets.append(("sqlite", f"sqlite:///{scratch / 'register.db'}"))
    try:
        per_db = {name: summarise(name, run_database(name, url, args.runs)) for name, url in targets}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"bench took {time.perf_counter() - started:.1f} s")
    main_db = "postgresql" if "postgresql" in per_db else "sqlite"
    figure = per_db[main_db]
    print(json.dumps({"figure": "import_confirm_5000", "db": main_db, "value": figure["confirm_xlsx"],
                      "unit": "s", "baseline": figure["bulk_insert"], "ratio": figure["ratio_xlsx"],
                      "goal": "< 3x", "per_db": per_db}))


if __name__ == "__main__":
    main()
