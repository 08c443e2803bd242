"""Tests that write round work or monitoring records straight to the tables (not through the
services) bring what is derived from them up to date as the migration does."""
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.pests.monitoring import rollup
from hygiene.pests.rounds.totals import totals_update


def refresh_derived() -> None:
    db.session.flush()
    db.session.execute(totals_update(sa.true()))
    rollup.rebuild(db.session.connection())
