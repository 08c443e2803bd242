"""The confirm of an import inserts the values its upload checked, when the register still
agrees; when it does not (a village deactivated, renamed or moved, a name taken meanwhile), or
the upload was kept by an older release, it checks every cell again and answers as before."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.places import importer, services
from hygiene.places.kinds import UNITS
from hygiene.places.models import Unit, Village
from hygiene.places.schemas import place_input
from tests.places.test_import import (
    UNIT_HEADER,
    confirm,
    count,
    csv_bytes,
    problems,
    signed_in,
    token_of,
    units_named,
    upload,
)
from tests.places.test_import_bulk import event_of

ROWS = (["甲一村", "核对饭店", "餐饮", "新华路1号", "张三", "13800138000"],
        ["甲二村", "核对商店", "商店", "", "", ""])


@pytest.fixture(autouse=True)
def instance_folder(app, tmp_path, monkeypatch):
    """Uploaded files go to a folder of the test, not to the project's instance folder."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path / "imports"


def uploaded(client) -> str:
    return token_of(upload(client, "units", "u.csv", csv_bytes(UNIT_HEADER, *ROWS)))


def change_village(app, village_id: int, **values) -> None:
    with app.app_context():
        village = db.session.get(Village, village_id)
        for name, value in values.items():
            setattr(village, name, value)
        db.session.commit()


def test_the_confirm_inserts_the_checked_values_without_checking_the_cells_again(
        world, login, app, monkeypatch):
    client = signed_in(login)
    token = uploaded(client)

    def no_second_check(**_kwargs):
        raise AssertionError("the confirm checked the cells again")

    monkeypatch.setattr(services, "record_input", no_second_check)
    events = count(app, AuditEvent)
    done = confirm(client, "units", token)
    assert done.status_code == 302 and done.headers["Location"].endswith("/register/units/")
    found = units_named(app, "核对饭店", "核对商店")
    first, second = found["核对饭店"], found["核对商店"]
    assert (first.village_id, first.category, first.address, first.contact_phone) == (
        world.a1, "catering", "新华路1号", "13800138000")
    assert (second.village_id, second.category) == (world.a2, "shop")
    assert count(app, AuditEvent) == events + 2


@pytest.mark.parametrize("change, message", [
    ({"active": False}, "“甲二村” is deactivated"),
    ({"name": "甲二新村"}, "Unknown village “甲二村”"),
    ("move", "Unknown village “甲二村”"),              # now in another township: out of the scope
])
def test_a_village_changed_between_upload_and_confirm_refuses_the_whole_file(
        world, login, app, instance_folder, change, message):
    client = signed_in(login)
    token = uploaded(client)
    change_village(app, world.a2, **({"township_id": world.tb} if change == "move" else change))
    units, events = count(app, Unit), count(app, AuditEvent)
    response = confirm(client, "units", token)
    assert response.status_code == 422 and list(problems(response)) == [3]
    assert message in problems(response)[3]
    assert (count(app, Unit), count(app, AuditEvent)) == (units, events)
    assert units_named(app, "核对饭店", "核对商店") == {} and list(instance_folder.iterdir()) == []


def test_a_name_taken_between_upload_and_confirm_refuses_the_whole_file(world, login, app):
    client = signed_in(login)
    token = uploaded(client)
    with app.app_context():
        db.session.add(Unit(name="核对饭店", category="shop", village_id=world.a1))
        db.session.commit()
    units, events = count(app, Unit), count(app, AuditEvent)
    response = confirm(client, "units", token)
    assert response.status_code == 422 and "“核对饭店” already exists" in problems(response)[2]
    assert (count(app, Unit), count(app, AuditEvent)) == (units, events)


def test_a_name_taken_after_the_recheck_still_stops_the_bulk_write(world, ctx):
    """The register agreed at the check, then someone added a unit of the file: the unique
    constraint refuses the INSERT with today's message, and nothing of the file is written."""
    table = importer.Table(UNIT_HEADER, [(2, ROWS[0]), (3, ROWS[1])])
    scope = Scope(Role.ADMIN, township_id=world.ta)
    checked = json.loads(json.dumps(importer.checked_rows(importer.import_plan(
        kind=UNITS, scope=scope, table=table))))
    db.session.rollback()
    db.session.add(Unit(name="核对商店", category="shop", village_id=world.a2))
    db.session.flush()
    assert not importer.register_agrees(kind=UNITS, scope=scope, checked=checked)
    with pytest.raises(importer.ImportFileError):  # "The register changed while importing, ..."
        importer._insert(UNITS, None, checked["rows"])
    db.session.rollback()
    assert db.session.scalar(sa.select(Unit.id).where(Unit.name == "核对饭店")) is None


def rewrite_first_line(path, change) -> None:
    first, _newline, rest = path.read_text(encoding="utf-8").partition("\n")
    path.write_text(json.dumps(change(json.loads(first)), ensure_ascii=False) + "\n" + rest, encoding="utf-8")


def test_an_upload_kept_with_its_cells_only_still_confirms(world, login, app, instance_folder):
    """The release before kept {"header", "rows"} alone: its uploads are checked again, then saved."""
    client = signed_in(login)
    instance_folder.mkdir()
    token = "ef" * 16
    cells = {"header": UNIT_HEADER, "rows": [[2, ROWS[0]], [3, ROWS[1]]]}
    (instance_folder / f"{token}.json").write_text(json.dumps(cells, ensure_ascii=False), encoding="utf-8")
    done = confirm(client, "units", token)
    assert done.status_code == 302 and done.headers["Location"].endswith("/register/units/")
    assert set(units_named(app, "核对饭店", "核对商店")) == {"核对饭店", "核对商店"}
    assert list(instance_folder.iterdir()) == []


def test_an_upload_checked_by_other_rules_is_checked_again(world, login, app, instance_folder, monkeypatch):
    client = signed_in(login)
    token = uploaded(client)
    path = instance_folder / f"{token}.json"
    rewrite_first_line(path, lambda kept: {**kept, "format": importer.CHECKED_FORMAT - 1,
                                           "rows": [{**row, "name": "旧规则名"} for row in kept["rows"]]})
    plans = []
    real_plan = importer.import_plan
    monkeypatch.setattr(importer, "import_plan", lambda **kw: plans.append(1) or real_plan(**kw))
    assert confirm(client, "units", token).status_code == 302
    assert plans == [1] and set(units_named(app, "核对饭店", "核对商店", "旧规则名")) == {"核对饭店", "核对商店"}


def test_an_upload_confirmed_as_another_kind_is_checked_as_that_kind(world, login, app):
    client = signed_in(login)
    token = uploaded(client)
    households = count(app, Unit)
    response = confirm(client, "households", token)
    assert response.status_code == 422 and "Required columns are missing" in response.text
    assert count(app, Unit) == households and units_named(app, "核对饭店") == {}


@pytest.mark.parametrize("rows", [1, 3])
def test_a_bulk_write_of_one_or_more_records_writes_the_events_record_insert_writes(world, ctx, rows):
    """One row is a case of its own for the bulk audit write: every column is shared then."""
    scope = Scope(Role.ADMIN, township_id=world.ta)

    def values(name: str) -> dict:
        return services.record_validate(kind=UNITS, scope=scope, data=place_input(UNITS, {
            "village_id": world.a1, "name": name, "category": "餐饮", "contact_phone": "13800138000"}))

    one = services.record_insert(kind=UNITS, actor_id=world.user_admin_a, values=values("单写饭店"))
    ids = services.records_insert(kind=UNITS, actor_id=world.user_admin_a,
                                  rows=[values(f"批写饭店{n}") for n in range(rows)])
    db.session.commit()
    for new_id in ids:
        record = db.session.get(Unit, new_id)
        assert event_of(record) == event_of(one) | {"entity_label": str(record), "after": {
            f: getattr(record, f) for f in UNITS.fields}}
        stored = db.session.execute(sa.select(sa.cast(AuditEvent.before, sa.Text), AuditEvent.at)
                                    .where(AuditEvent.entity_type == "unit", AuditEvent.entity_id == new_id)).one()
        assert stored[0] == "null" and stored[1] == record.created_at  # JSON null, as audit_record stores
