"""Reading the Excel exports back in tests, and a published inspection in each of 甲镇's villages."""
from datetime import date
from io import BytesIO
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.inspections.review import inspection_publish
from tests.rectifications.conftest import ISSUED, submit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOVEMBER = "/exports/inspections.xlsx?start=2026-11-01&end=2026-11-30"
LATER = "2026-12-10 09:00 +0800"  # after every deadline below


def book(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX
    return load_workbook(BytesIO(response.data))


def table(sheet, skip=1):
    """The sheet's rows under its header, as lists of values."""
    return [list(row) for row in sheet.iter_rows(min_row=skip + 1, values_only=True)]


def admin_scope(world):
    return Scope(Role.ADMIN, township_id=world.ta)


# --- a published inspection in 甲一村's unit and one in 甲二村's ------------------------------

def _publish(world, inspection_id):
    inspection_publish(scope=admin_scope(world), actor_id=world.user_admin_a,
                       inspection=db.session.get(Inspection, inspection_id), now=ISSUED)


@pytest.fixture
def inspected(app, world, inspection):
    """甲一村's unit fails two items (an order, a photo); 甲二村's unit fails one; both published."""
    with app.app_context():
        submit(inspection, key="a1")
        base = db.session.get(Inspection, inspection.id)
        other = Inspection(version_id=base.version_id, township_id=world.ta, village_id=world.a2,
                           target_kind="unit", target_id=world.unit_a2, unit_id=world.unit_a2,
                           target_label="甲二村 · a2饭店", planned_date=date(2026, 11, 24),
                           due_date=date(2026, 11, 30), inspectors=list(base.inspectors))
        db.session.add(other)
        db.session.flush()
        submit(SimpleNamespace(**{**vars(inspection), "id": other.id}), floor="pass", key="a2")
        for inspection_id in (inspection.id, other.id):
            _publish(world, inspection_id)
        db.session.commit()
        return SimpleNamespace(a1=inspection.id, a2=other.id)


