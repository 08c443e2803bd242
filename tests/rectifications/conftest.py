"""A submitted inspection of unit a1 with two failed items, so it has an order."""
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import current_app

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.extensions import db
from hygiene.inspections import fieldwork
from hygiene.inspections.models import Inspection
from hygiene.media.intake import PhotoLimits
from hygiene.media.store import FileSystemStore
from hygiene.rectifications.models import RectificationOrder
from tests.inspections.conftest import inspection, jpeg  # noqa: F401  (fixture)

# Monday 23 Nov 2026, 10:00 in Shanghai
ISSUED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def submit(ins, *, floor="fail", refuse="fail", now=ISSUED, key="k"):
    """Answer and submit the inspection as inspector_a; returns the inspection row."""
    user = db.session.scalar(sa.select(User).where(User.username == "inspector_a"))
    scope, target = Scope.of(user), db.session.get(Inspection, ins.id)
    answers = [(ins.floor, floor, 0), (ins.refuse, refuse, 2), (ins.veto, "pass", 0),
               (ins.records, "pass", 0)]
    for item_id, result, findings in answers:
        fieldwork.answer_save(scope=scope, user=user, inspection=target, item_id=item_id,
                              result=result, findings=findings, grade="20", now=now)
    if floor == "fail":
        fieldwork.photo_attach(scope=scope, user=user, inspection=target, item_id=ins.floor,
                               filename="f.jpg", data=jpeg(), now=now, limits=PhotoLimits(),
                               store=FileSystemStore(current_app.config["UPLOAD_DIR"]))
    db.session.flush()
    db.session.refresh(target)
    fieldwork.inspection_submit(scope=scope, user=user, inspection=target, submission_key=key, now=now)
    return target


@pytest.fixture
def order(app, world, inspection):  # noqa: F811
    """Ids of the order issued for the inspection (floor and refuse failed)."""
    with app.app_context():
        submit(inspection)
        db.session.commit()
        row = db.session.scalar(sa.select(RectificationOrder))
        return SimpleNamespace(id=row.id, token=row.token, inspection=inspection)
