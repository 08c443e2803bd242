"""A request's writes are one transaction on both databases, savepoints included."""
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.places.models import Township


def _townships(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Township))


def test_work_in_a_released_savepoint_is_undone_when_its_transaction_rolls_back(app, db):
    with app.app_context():
        db.session.scalar(sa.select(sa.func.count()).select_from(Township))  # a read first, as a request does
        with db.session.begin_nested():
            db.session.add(Township(name="半途镇", kind="township"))
        db.session.rollback()
    assert _townships(app) == 0


def test_work_in_a_released_savepoint_is_kept_when_its_transaction_commits(app, db):
    with app.app_context():
        with db.session.begin_nested():
            db.session.add(Township(name="整体镇", kind="township"))
        db.session.add(Township(name="整体二镇", kind="township"))
        db.session.commit()
    assert _townships(app) == 2
