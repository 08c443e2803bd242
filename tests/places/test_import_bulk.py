"""Confirming an import writes in bulk: the same rows and audit events as one by one, a fixed
number of statements however many rows, nothing when any row fails, once for a double confirm."""
from __future__ import annotations

import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.places import importer, services
from hygiene.places.kinds import HOUSEHOLDS, UNITS, VILLAGES
from hygiene.places.models import Household, Unit, Village
from hygiene.places.schemas import place_input
from tests.inspections.test_fill_concurrency import fire_at_once
from tests.places.test_import import (
    HOUSEHOLD_HEADER,
    UNIT_HEADER,
    VILLAGE_HEADER,
    confirm,
    count,
    csv_bytes,
    signed_in,
    token_of,
    upload,
    xlsx,
)

EVENT_COLUMNS = ("action", "actor_id", "entity_type", "entity_label", "label_key", "label_params",
                 "township_id", "before", "after")


@pytest.fixture(autouse=True)
def instance_folder(app, tmp_path, monkeypatch):
    """Uploaded files go to a folder of the test, not to the project's instance folder."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path / "imports"


def event_of(record) -> dict:
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity_type == type(record).__tablename__, AuditEvent.entity_id == record.id))
    return {name: getattr(event, name) for name in EVENT_COLUMNS}


def unit_rows(n: int, world) -> list[list[str]]:
    return [["甲一村" if i % 2 else "甲二村", f"批量饭店{i:03d}", "餐饮", f"新华路{i}号", "张三",
             f"1380013{i:04d}"] for i in range(n)]


# --- the service ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind, data, parent", [
    (UNITS, {"name": "批量饭店", "category": "餐饮", "address": "新华路1号", "contact_phone": "13800138000"},
     "village_id"),
    (HOUSEHOLDS, {"group_name": "二组", "head_name": "批量户主", "phone": "0571-88886666"}, "village_id"),
    (VILLAGES, {"name": "批量村", "kind": "社区"}, "township_id"),
])
def test_records_insert_writes_what_record_insert_writes(world, ctx, kind, data, parent):
    scope = Scope(Role.ADMIN, township_id=world.ta)
    parent_id = world.a1 if parent == "village_id" else world.ta
    one = services.record_insert(kind=kind, actor_id=world.user_admin_a, values=services.record_validate(
        kind=kind, scope=scope, data=place_input(kind, {**data, parent: parent_id})))
    last = kind.unique[-1]
    values = [services.record_validate(kind=kind, scope=scope, data=place_input(kind, {
        **data, last: f"{data[last]}{n}", parent: parent_id})) for n in (2, 3)]
    ids = services.records_insert(kind=kind, actor_id=world.user_admin_a, rows=values)
    db.session.commit()

    records = [db.session.get(kind.model, new_id) for new_id in ids]
    assert [r.id for r in records] == ids and len(set(ids)) == 2
    for record, row in zip(records, values, strict=True):
        assert {f: getattr(record, f) for f in kind.fields} == row
        assert record.active and record.created_at is not None
        expected = event_of(one) | {"entity_label": str(record), "after": {
            f: getattr(record, f) for f in kind.fields}}
        assert event_of(record) == expected
        assert event_of(record)["township_id"] == world.ta


def test_records_insert_of_nothing_writes_nothing(world, ctx):
    events = count_rows(AuditEvent)
    assert services.records_insert(kind=UNITS, actor_id=None, rows=[]) == []
    assert count_rows(AuditEvent) == events


def count_rows(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_lookup_refuses_what_the_queries_refuse(world, ctx):
    """record_validate answers the same with a RegisterLookup as with its own queries."""
    village = db.session.get(Village, world.a2)
    village.active = False
    db.session.flush()
    scope = Scope(Role.ADMIN, township_id=world.ta)
    known = services.RegisterLookup(UNITS, scope)
    cases = [{"village_id": world.a1, "name": "a1饭店", "category": "餐饮"},      # name taken
             {"village_id": world.a2, "name": "新饭店", "category": "餐饮"},      # village deactivated
             {"village_id": world.b1, "name": "新饭店", "category": "餐饮"},      # another township
             {"village_id": 999999, "name": "新饭店", "category": "餐饮"},        # no such village
             {"village_id": world.a1, "name": "a2饭店", "category": "餐饮"}]      # fine: other village's name
    for data in cases:
        answers = []
        for lookup in (None, known):
            try:
                answers.append(services.record_validate(kind=UNITS, scope=scope, data=place_input(UNITS, data),
                                                        known=lookup))
            except services.RecordInvalid as error:
                answers.append(error.errors)
        assert answers[0] == answers[1], data
    assert "name" in answers[0] or "village_id" not in answers[0]


# --- the confirm ----------------------------------------------------------------------------

def test_a_confirm_sends_as_many_statements_for_200_rows_as_for_10(world, login, app, count_queries):
    client = signed_in(login)
    statements = {}
    for n in (10, 200):
        rows = [[f"{cells[0]}", f"{cells[1]}-{n}", *cells[2:]] for cells in unit_rows(n, world)]
        token = token_of(upload(client, "units", "u.csv", csv_bytes(UNIT_HEADER, *rows)))
        with count_queries() as counted:
            assert confirm(client, "units", token).status_code == 302
        statements[n] = counted[0]
    assert statements[10] == statements[200] and statements[10] <= 20
    with app.app_context():
        units = db.session.scalars(sa.select(Unit).where(Unit.name.like("批量饭店%"))).all()
        assert len(units) == 210
        first = next(u for u in units if u.name == "批量饭店001-200")
        assert (first.village_id, first.category, first.address, first.contact_phone) == (
            world.a1, "catering", "新华路1号", "13800130001")
        events = db.session.execute(
            sa.select(AuditEvent.entity_id, AuditEvent.actor_id, AuditEvent.township_id)
            .where(AuditEvent.entity_type == "unit", AuditEvent.entity_id.in_([u.id for u in units]))).all()
        assert sorted(e[0] for e in events) == sorted(u.id for u in units)
        assert {e[1:] for e in events} == {(world.user_admin_a, world.ta)}


def test_households_of_one_file_land_in_their_villages_with_their_events(world, login, app):
    client = signed_in(login)
    data = csv_bytes(HOUSEHOLD_HEADER, ["甲一村", "一组", "批量甲", "", ""], ["甲二村", "一组", "批量甲", "", ""],
                     ["甲一村", "二组", "批量甲", "", ""])
    token = token_of(upload(client, "households", "h.csv", data))
    assert confirm(client, "households", token).status_code == 302
    with app.app_context():
        found = db.session.execute(sa.select(Household.id, Household.village_id, Household.group_name)
                                   .where(Household.head_name == "批量甲")).all()
        assert sorted(row[1:] for row in found) == sorted([(world.a1, "一组"), (world.a2, "一组"),
                                                          (world.a1, "二组")])
        labels = db.session.scalars(sa.select(AuditEvent.entity_label).where(
            AuditEvent.entity_type == "household", AuditEvent.entity_id.in_([row[0] for row in found]))).all()
        assert sorted(labels) == ["一组 批量甲", "一组 批量甲", "二组 批量甲"]


def test_a_row_someone_added_meanwhile_stops_the_whole_bulk_write(world, ctx):
    """The plan was checked, then another user added one of its units: the unique constraint
    refuses the bulk INSERT, and after the rollback nothing of the file is there."""
    scope = Scope(Role.ADMIN, township_id=world.ta)
    table = importer.Table(UNIT_HEADER, [(2, ["甲一村", "先到饭店", "餐饮", "", "", ""]),
                                         (3, ["甲二村", "抢先饭店", "餐饮", "", "", ""])])
    plan = importer.import_plan(kind=UNITS, scope=scope, table=table)
    assert plan.ok
    db.session.rollback()
    db.session.add(Unit(name="抢先饭店", category="catering", village_id=world.a2))
    db.session.commit()
    units, events = count_rows(Unit), count_rows(AuditEvent)
    with pytest.raises(importer.ImportFileError):
        importer.import_apply(kind=UNITS, scope=scope, actor_id=world.user_admin_a, plan=plan)
    db.session.rollback()
    assert (count_rows(Unit), count_rows(AuditEvent)) == (units, events)
    assert db.session.scalar(sa.select(Unit.id).where(Unit.name == "先到饭店")) is None


def test_a_villages_file_gets_its_township_in_every_event(world, login, app):
    client = signed_in(login)
    data = csv_bytes(VILLAGE_HEADER, ["甲镇", "批量一村", "村", "", ""], ["甲镇", "批量社区", "社区", "", ""])
    assert confirm(client, "villages", token_of(upload(client, "villages", "v.csv", data))).status_code == 302
    with app.app_context():
        ids = db.session.scalars(sa.select(Village.id).where(Village.name.like("批量%"))).all()
        townships = db.session.scalars(sa.select(AuditEvent.township_id).where(
            AuditEvent.entity_type == "village", AuditEvent.entity_id.in_(ids))).all()
        assert len(ids) == 2 and townships == [world.ta, world.ta]


def test_two_identical_confirms_at_the_same_moment_import_once(world, app, live, login):
    client = signed_in(login)
    rows = unit_rows(40, world)
    token = token_of(upload(client, "units", "u.csv", csv_bytes(UNIT_HEADER, *rows)))
    cookie = client.get_cookie("session").value
    units, events = count(app, Unit), count(app, AuditEvent)
    body = urllib.parse.urlencode({"kind": "units", "token": token}).encode()
    statuses = fire_at_once([urllib.request.Request(
        f"{live}/register/import/confirm", data=body, method="POST",
        headers={"Cookie": f"session={cookie}", "Content-Type": "application/x-www-form-urlencoded"})
        for _ in range(2)])
    assert statuses == [302, 302]
    assert count(app, Unit) == units + 40 and count(app, AuditEvent) == events + 40
    again = confirm(client, "units", token)
    assert again.status_code == 302 and "/register/import/" in again.headers["Location"]
    assert count(app, Unit) == units + 40


# --- what waits for the confirm ---------------------------------------------------------------

def test_the_confirm_reads_the_kept_cells_not_the_workbook_again(world, login, app, instance_folder,
                                                                 monkeypatch):
    client = signed_in(login)
    token = token_of(upload(client, "units", "u.xlsx", xlsx(UNIT_HEADER, *unit_rows(3, world))))
    assert [p.name for p in instance_folder.iterdir()] == [f"{token}.json"]

    def no_second_read(*_args, **_kwargs):
        raise AssertionError("the confirm parsed the file again")

    monkeypatch.setattr(importer, "read_table", no_second_read)
    done = confirm(client, "units", token)
    assert done.status_code == 302 and done.headers["Location"].endswith("/register/units/")
    assert count(app, Unit) == 3 + 3 and list(instance_folder.iterdir()) == []


def test_a_file_kept_as_uploaded_by_the_release_before_still_confirms(world, login, app, instance_folder):
    client = signed_in(login)
    instance_folder.mkdir()
    token = "cd" * 16
    (instance_folder / f"{token}.xlsx").write_bytes(xlsx(UNIT_HEADER, *unit_rows(2, world)))
    done = confirm(client, "units", token)
    assert done.status_code == 302 and done.headers["Location"].endswith("/register/units/")
    assert count(app, Unit) == 3 + 2 and list(instance_folder.iterdir()) == []


def test_a_confirm_that_breaks_gives_its_file_back_for_the_next_try(world, login, app, instance_folder,
                                                                    monkeypatch):
    client = signed_in(login)
    token = token_of(upload(client, "units", "u.csv", csv_bytes(UNIT_HEADER, *unit_rows(2, world))))

    def broken(**_kwargs):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patch:  # the write that both ways of confirming end in
        patch.setattr(services, "records_insert", broken)
        with pytest.raises(RuntimeError):
            confirm(client, "units", token)
    assert [p.name for p in instance_folder.iterdir()] == [f"{token}.json"]
    assert count(app, Unit) == 3
    assert confirm(client, "units", token).headers["Location"].endswith("/register/units/")
    assert count(app, Unit) == 3 + 2
