"""The migrations build exactly the schema the models describe, on either database."""
import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

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
