"""The access rules: which rows each role may read."""
import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.extensions import db
from hygiene.places.models import Cleaner, Household, Township, Unit, Village


def names(model, scope):
    attr = model.head_name if model is Household else model.name
    return sorted(db.session.scalars(sa.select(attr).where(scope.clause(model))))


def test_county_admin_reads_everything(world, ctx):
    assert names(Village, Scope(Role.ADMIN)) == sorted(["甲一村", "甲二村", "乙一村"])


@pytest.mark.parametrize("role", [Role.ADMIN, Role.INSPECTOR])
def test_office_staff_read_their_township_only(world, ctx, role):
    scope = Scope(role, township_id=world.ta)
    assert names(Village, scope) == sorted(["甲一村", "甲二村"])
    assert names(Unit, scope) == ["a1饭店", "a2饭店"]
    assert names(Township, scope) == ["甲镇"]


def test_village_contact_reads_only_their_village(world, ctx):
    scope = Scope(Role.VILLAGE_CONTACT, township_id=world.ta, village_id=world.a1)
    assert names(Village, scope) == ["甲一村"]
    assert names(Unit, scope) == ["a1饭店"]
    assert names(Household, scope) == ["a1户主"]
    assert names(Cleaner, scope) == ["a1保洁"]
    assert names(Township, scope) == []


def test_unit_contact_reads_only_their_unit(world, ctx):
    scope = Scope(Role.UNIT_CONTACT, township_id=world.ta, unit_id=world.unit_a1)
    assert names(Unit, scope) == ["a1饭店"]
    assert names(Village, scope) == [] and names(Household, scope) == []
