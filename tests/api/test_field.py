"""The offline field app's operations (docs/field-contract.md) on both databases: the bundle of
the inspector's open work, answers all or nothing with conflicts told, photos and submissions
made once by the phone's ids, the office's ad hoc request."""
from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from PIL import Image

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.checklists.services import template_save
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.inspections import fieldwork
from hygiene.inspections.models import Inspection
from tests.api.helpers import bearer, token_for
from tests.inspections.helpers import simple_spec

TODAY = local_today()


def _inspection(world, version_id, *, inspectors, township="ta", village="a1", unit="unit_a1",
                planned=TODAY, status="planned") -> int:
    target = Inspection(version_id=version_id, township_id=getattr(world, township),
                        village_id=getattr(world, village), target_kind="unit", target_id=getattr(world, unit),
                        unit_id=getattr(world, unit), target_label=f"{village}饭店", planned_date=planned,
                        due_date=planned + timedelta(days=7), status=status)
    target.inspectors = [db.session.get(User, getattr(world, f"user_{name}")) for name in inspectors]
    db.session.add(target)
    db.session.commit()
    return target.id


@pytest.fixture
def sheet(app, world):
    """An open inspection of unit a1 for inspector_a with the simple sheet (ids of it and its items)."""
    with app.app_context():
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
        floor, refuse, veto, records = (item.id for item in version.items)
        mine = _inspection(world, version.id, inspectors=["inspector_a"])
        return SimpleNamespace(id=mine, version=version.id, floor=floor, refuse=refuse, veto=veto, records=records)


@pytest.fixture
def phone(app, client, world):
    """The inspector's field app: their token's headers."""
    return bearer(token_for(app, world.user_inspector_a, purpose="offline", name="phone"))


def jpeg(colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def status_of(app, inspection_id) -> str:
    with app.app_context():
        return db.session.get(Inspection, inspection_id).status


# --- the bundle ------------------------------------------------------------------------------

def test_the_bundle_holds_exactly_my_open_assigned_inspections_with_sheets_and_answers(app, client, world, sheet,
                                                                                       phone):
    with app.app_context():
        others = _inspection(world, sheet.version, inspectors=["admin_a"])
        cancelled = _inspection(world, sheet.version, inspectors=["inspector_a"], status="cancelled")
        far = _inspection(world, sheet.version, inspectors=["inspector_a"], planned=TODAY + timedelta(days=30))
        elsewhere = _inspection(world, sheet.version, inspectors=["inspector_a"], township="tb", village="b1",
                                unit="unit_b1")
        submitted = _inspection(world, sheet.version, inspectors=["inspector_a"], status="submitted")
        inspection = db.session.get(Inspection, sheet.id)
        fieldwork.answer_write(inspection=inspection, item_id=sheet.refuse, result="fail", findings=2, note="堆放")
        db.session.commit()
    answer = client.get("/api/v1/field/assignments", headers=phone)
    assert answer.status_code == 200
    bundle = answer.get_json()
    assert [i["id"] for i in bundle["inspections"]] == [sheet.id]
    assert {others, cancelled, far, elsewhere, submitted}.isdisjoint(i["id"] for i in bundle["inspections"])
    got = bundle["inspections"][0]
    assert got["status"] == "planned" and got["target_kind"] == "unit" and got["target_id"] == world.unit_a1
    items = [item for section in got["checklist"]["sections"] for item in section["items"]]
    assert [item["id"] for item in items] == [sheet.floor, sheet.refuse, sheet.veto, sheet.records]
    assert items[0]["points"] == "40" and items[1]["scoring"] == "deduction" and items[1]["deduction_step"] == "5"
    assert items[2]["veto"] is True and got["checklist"]["pass_mark"] == "60"
    assert got["answers"] == [{"item_id": sheet.refuse, "result": "fail", "findings": 2, "grade": None,
                               "note": "堆放", "updated_at": got["answers"][0]["updated_at"]}]
    assert got["etag"] and bundle["server_time"].endswith("Z")


def test_the_etag_changes_when_the_office_moves_the_due_date(app, client, world, sheet, phone):
    before = client.get("/api/v1/field/assignments", headers=phone).get_json()["inspections"][0]["etag"]
    with app.app_context():
        db.session.get(Inspection, sheet.id).due_date = TODAY + timedelta(days=2)
        db.session.commit()
    after = client.get("/api/v1/field/assignments", headers=phone).get_json()["inspections"][0]["etag"]
    assert before != after


def test_a_village_contact_gets_no_inspections_to_fill(app, client, world, sheet):
    answer = client.get("/api/v1/field/assignments", headers=bearer(token_for(app, world.user_village_a1)))
    assert answer.status_code == 200 and answer.get_json()["inspections"] == []
