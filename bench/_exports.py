"""The export benches' shared set-up: the generated county, cached in /tmp, and its two users.

Generating the county (bench/_county.py) takes minutes, so the SQLite file is kept in /tmp under
a name made of the generator's source, the migrations and the seed; delete it to build afresh.
PostgreSQL (EXPORTBENCH_URL, off unless set) is built each run in that database.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from config import TestConfig  # noqa: E402
from hygiene import create_app  # noqa: E402
from hygiene.extensions import db  # noqa: E402

PASSWORD = "bench-export-1"
YEAR = {"start": "2025-01-01", "end": "2025-12-31"}
PG_URL = os.environ.get("EXPORTBENCH_URL", "")


def county_key() -> str:
    digest = hashlib.sha256((ROOT / "bench" / "_county.py").read_bytes())
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.name.encode())
    return digest.hexdigest()[:12]


def make_app(url: str):
    config = type("ExportBenchConfig", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": tempfile.mkdtemp(prefix="exportbench-up-"),
        "EXPORT_DIR": tempfile.mkdtemp(prefix="exportbench-files-")})
    return create_app(config)


def county_app(database: str = "sqlite"):
    """The app on the generated county (built when not cached), with users county_admin and
    township_admin (township 1); returns (app, seconds spent building, 0 when cached)."""
    from bench.ranking import build

    if database == "postgresql":
        app = make_app(PG_URL)
        built = 0.0 if _already_built(app) else build(app)["generate_s"]
    else:
        path = Path(tempfile.gettempdir()) / f"hygiene-county-{county_key()}.db"
        built = 0.0
        if not path.exists():
            partial = path.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            app = make_app(f"sqlite:///{partial}")
            built = build(app)["generate_s"]
            with app.app_context():
                db.engine.dispose()
            partial.rename(path)
        app = make_app(f"sqlite:///{path}")
    with app.app_context():
        _users()
    return app, built


def _already_built(app) -> bool:
    """The PostgreSQL database already holds the county at the migrations' head."""
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate

    from bench._county import INSPECTIONS

    with app.app_context():
        head = ScriptDirectory.from_config(Migrate(app, db).get_config()).get_current_head()
        try:
            current = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
            inspections = db.session.scalar(sa.text("SELECT count(*) FROM inspection"))
        except sa.exc.DBAPIError:
            db.session.rollback()
            return False
        return current == head and inspections == INSPECTIONS


def database() -> str:
    """PostgreSQL when EXPORTBENCH_URL names a database (its tables are replaced!), else SQLite."""
    return "postgresql" if PG_URL else "sqlite"


def _users() -> None:
    from werkzeug.security import generate_password_hash

    from hygiene.accounts.models import Role, User
    from hygiene.exports.models import ExportTask
    from hygiene.notifications.models import Notification

    db.session.execute(sa.delete(ExportTask))
    db.session.execute(sa.delete(Notification))
    secret = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    for username, township_id in (("county_admin", None), ("township_admin", 1)):
        if db.session.scalar(sa.select(User.id).where(User.username == username)) is None:
            db.session.add(User(username=username, display_name=username, password_hash=secret,
                                role=Role.ADMIN.value, township_id=township_id))
    db.session.commit()


def user(username: str):
    from hygiene.accounts.models import User

    return db.session.scalar(sa.select(User).where(User.username == username))


def csv_baseline(scope, params) -> float:
    """Seconds to write the same rows, read by the same queries, as plain CSV (no workbook)."""
    from hygiene.inspections.exports import export_sheets

    started = time.perf_counter()
    with open(os.devnull, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        for sheet in export_sheets(scope, params):
            writer.writerow([str(header) for header in sheet.headers])
            writer.writerows(sheet.rows)
    return time.perf_counter() - started


def params(today: str = "2026-01-15") -> dict:
    return {**YEAR, "status": "", "village_id": None, "today": today}


__all__ = ["PASSWORD", "county_app", "csv_baseline", "io", "params", "user"]
