"""The migrations build exactly the schema the models describe, on either database."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hygiene.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask db migrate`: the models changed without a migration"


def test_stored_times_come_back_as_aware_utc(world, ctx):
    from hygiene.places.models import Unit

    unit = db.session.get(Unit, world.unit_a1)
    assert unit.created_at.utcoffset().total_seconds() == 0
