"""Register writes: validation, scope, no hard deletes, and the audit trail."""
import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.audit.models import AuditEvent
from hygiene.errors import Forbidden
from hygiene.extensions import db
from hygiene.places import services
from hygiene.places.kinds import HOUSEHOLDS, TOWNSHIPS, UNITS, VILLAGES
from hygiene.places.models import Unit
from hygiene.places.schemas import place_input


def admin_of(world) -> Scope:
    return Scope(Role.ADMIN, township_id=world.ta)


def unit_data(world, **extra):
    return {"village_id": world.a1, "name": "新开饭店", "category": "餐饮",
            "contact_phone": "139 0000 1111", **extra}


def test_creates_a_unit_with_clean_values_and_records_it_in_the_audit_trail(world, ctx):
    unit = services.record_create(kind=UNITS, scope=admin_of(world), actor_id=world.user_admin_a,
                                  data=place_input(UNITS, unit_data(world)))
    db.session.commit()
    assert (unit.category, unit.contact_phone) == ("catering", "13900001111")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity_id == unit.id,
                                                          AuditEvent.entity_type == "unit"))
    assert event.action == "create" and event.actor_id == world.user_admin_a
    assert event.after["name"] == "新开饭店" and event.township_id == world.ta


def test_reports_every_bad_field_at_once(world, ctx):
    with pytest.raises(services.RecordInvalid) as error:
        services.record_create(kind=UNITS, scope=admin_of(world), actor_id=None, data=place_input(UNITS, {
            "village_id": world.a1, "name": "", "category": "火锅城", "contact_phone": "12345"}))
    assert set(error.value.errors) == {"name", "category", "contact_phone"}


def test_refuses_a_second_unit_of_the_same_name_in_a_village_but_not_in_another(world, ctx):
    scope = admin_of(world)
    with pytest.raises(services.RecordInvalid) as error:
        services.record_create(kind=UNITS, scope=scope, actor_id=None,
                               data=place_input(UNITS, unit_data(world, name="a1饭店")))
    assert "name" in error.value.errors
    other = services.record_create(kind=UNITS, scope=scope, actor_id=None,
                                   data=place_input(UNITS, unit_data(world, name="a1饭店", village_id=world.a2)))
    assert other.village_id == world.a2


def test_a_household_is_unique_by_group_and_head_name(world, ctx):
    scope = admin_of(world)
    data = {"village_id": world.a1, "group_name": "一组", "head_name": "a1户主"}
    with pytest.raises(services.RecordInvalid):
        services.record_create(kind=HOUSEHOLDS, scope=scope, actor_id=None, data=place_input(HOUSEHOLDS, data))
    moved = services.record_create(kind=HOUSEHOLDS, scope=scope, actor_id=None,
                                   data=place_input(HOUSEHOLDS, {**data, "group_name": "二组"}))
    assert moved.group_name == "二组"


def test_an_admin_cannot_put_a_record_into_another_townships_village(world, ctx):
    with pytest.raises(services.RecordInvalid) as error:
        services.record_create(kind=UNITS, scope=admin_of(world), actor_id=None,
                               data=place_input(UNITS, unit_data(world, village_id=world.b1)))
    assert "village_id" in error.value.errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 3


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.VILLAGE_CONTACT, Role.UNIT_CONTACT])
def test_only_the_office_changes_the_register(world, ctx, role):
    scope = Scope(role, township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1)
    with pytest.raises(Forbidden):
        services.record_create(kind=UNITS, scope=scope, actor_id=None, data=place_input(UNITS, unit_data(world)))


def test_only_a_county_admin_adds_townships(world, ctx):
    with pytest.raises(Forbidden):
        services.record_create(kind=TOWNSHIPS, scope=admin_of(world), actor_id=None,
                               data=place_input(TOWNSHIPS, {"name": "丙镇"}))
    made = services.record_create(kind=TOWNSHIPS, scope=Scope(Role.ADMIN), actor_id=None,
                                  data=place_input(TOWNSHIPS, {"name": "丙镇", "kind": "街道"}))
    assert made.kind == "street"


def test_update_records_only_what_changed_with_old_and_new_values(world, ctx):
    unit = db.session.get(Unit, world.unit_a1)
    services.record_update(kind=UNITS, scope=admin_of(world), actor_id=world.user_admin_a,
                           record=unit, data=place_input(UNITS, {"name": "a1大饭店", "village_id": str(world.a1),
                                              "category": "catering", "address": "",
                                              "contact_name": "", "contact_phone": ""}))
    db.session.commit()
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "update"))
    assert event.before == {"name": "a1饭店"} and event.after == {"name": "a1大饭店"}


def test_deactivating_keeps_the_record_and_is_audited(world, ctx):
    unit = db.session.get(Unit, world.unit_a1)
    services.record_set_active(kind=UNITS, scope=admin_of(world), actor_id=None, record=unit,
                               active=False)
    db.session.commit()
    assert db.session.get(Unit, world.unit_a1).active is False
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions == ["deactivate"]


def test_no_new_records_go_into_a_deactivated_village(world, ctx):
    from hygiene.places.models import Village

    village = db.session.get(Village, world.a2)
    services.record_set_active(kind=VILLAGES, scope=admin_of(world), actor_id=None,
                               record=village, active=False)
    with pytest.raises(services.RecordInvalid) as error:
        services.record_create(kind=UNITS, scope=admin_of(world), actor_id=None,
                               data=place_input(UNITS, unit_data(world, village_id=world.a2)))
    assert "village_id" in error.value.errors


def test_overlong_text_is_refused_not_truncated(world, ctx):
    with pytest.raises(services.RecordInvalid) as error:
        services.record_create(kind=UNITS, scope=admin_of(world), actor_id=None,
                               data=place_input(UNITS, unit_data(world, name="长" * 101)))
    assert "name" in error.value.errors
