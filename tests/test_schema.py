"""The migrations build exactly the schema the models describe, on either database."""
import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from config import TestConfig
from hygiene import create_app
from hygiene.extensions import db
from hygiene.models import include_object


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite's expression indexes cannot be reflected (hygiene/models.py EXPRESSION_INDEXES)
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_object": include_object})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask db migrate`: the models changed without a migration"


def test_stored_times_come_back_as_aware_utc(world, ctx):
    from hygiene.places.models import Unit

    unit = db.session.get(Unit, world.unit_a1)
    assert unit.created_at.utcoffset().total_seconds() == 0


def test_migrations_use_no_application_code_but_column_types_and_fill_requests():
    """A migration runs in the middle of a long upgrade, when later columns do not exist yet: the
    application's models and services (which read those columns) must not run there. Kept state is
    asked for (hygiene/core/derived.py) and filled once the upgrade has reached the head."""
    import re
    from pathlib import Path

    allowed = {"from hygiene.clock import UTCDateTime", "from hygiene.core.derived import fill_after_upgrade"}
    found = {}
    for path in sorted((Path(__file__).resolve().parents[1] / "migrations" / "versions").glob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"\s*(from|import) hygiene", line) and line.strip() not in allowed:
                found[path.name] = line.strip()
    assert not found, found


def test_an_upgrade_fills_what_its_migrations_asked_for_with_the_code_of_the_head(tmp_path):
    """Kept state is filled at the end of the upgrade, not inside an old migration."""
    from flask_migrate import upgrade

    from hygiene.core import derived

    calls = []
    original = dict(derived.FILLS)
    derived.FILLS.update({name: (lambda connection, name=name: calls.append(name)) for name in original})
    try:
        app = create_app(type("Fresh", (TestConfig,), {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}", "UPLOAD_DIR": str(tmp_path)}))
        with app.app_context():
            upgrade(revision="toil1a_renovation")   # stops before the first migration that asks for a fill
            assert calls == []
            upgrade()                            # to the head: each fill asked for runs once, at the end
            assert sorted(calls) == sorted(original)
    finally:
        derived.FILLS.update(original)
