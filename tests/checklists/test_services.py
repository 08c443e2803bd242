"""Checklist templates: versions are immutable once used; import, export, built-ins."""
from datetime import date

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists import services
from hygiene.checklists.models import ChecklistTemplate, TemplateVersion
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from tests.inspections.helpers import simple_spec


def admin(world):
    return Scope(Role.ADMIN, township_id=world.ta)


def use(version, world):
    db.session.add(Inspection(version_id=version.id, township_id=world.ta, village_id=world.a1,
                              target_kind="unit", target_id=world.unit_a1, target_label="x",
                              planned_date=date(2026, 11, 23), due_date=date(2026, 11, 30)))
    db.session.flush()


def test_saving_an_unused_template_rewrites_its_only_version(world, ctx):
    version = services.template_save(scope=admin(world), actor_id=None, spec=simple_spec())
    template = version.template
    services.template_save(scope=admin(world), actor_id=None, spec=simple_spec(name="改名"),
                           template=template)
    assert [v.number for v in template.versions] == [1]
    assert services.latest_version(template).name == "改名"


def test_editing_a_used_template_makes_a_new_version_and_keeps_the_old_one(world, ctx):
    first = services.template_save(scope=admin(world), actor_id=None, spec=simple_spec())
    use(first, world)
    old_items = [(i.text, i.points) for i in first.items]
    second = services.template_save(scope=admin(world), actor_id=None,
                                    spec=simple_spec(pass_mark=80), template=first.template)
    db.session.commit()
    assert (first.number, second.number) == (1, 2)
    reloaded = db.session.get(TemplateVersion, first.id)
    assert reloaded.pass_mark == 60 and [(i.text, i.points) for i in reloaded.items] == old_items
    assert db.session.scalar(sa.select(Inspection.version_id)) == first.id


def test_export_then_import_gives_the_same_checklist(world, ctx):
    version = services.template_save(scope=admin(world), actor_id=None, spec=simple_spec())
    exported = services.template_export(version)
    assert "地面整洁" in exported and "deduction_step: 5" in exported
    again = services.template_parse_file(filename="x.yaml", data=exported.encode())
    assert again == services.version_spec(version)


@pytest.mark.parametrize("data", [b"\xff\xfe not text", b"name: [unclosed", b"just a string",
                                  b'{"name": "x", "applies_to": "moon", "sections": []}'])
def test_a_bad_template_file_is_refused_with_a_reason(data):
    with pytest.raises(DomainError):
        services.template_parse_file(filename="x.yaml", data=data)


def test_township_admins_cannot_edit_shared_county_templates(world, ctx):
    shared = services.template_save(scope=Scope.county(), actor_id=None, spec=simple_spec())
    with pytest.raises(Forbidden):
        services.template_save(scope=admin(world), actor_id=None, spec=simple_spec(),
                               template=shared.template)
    with pytest.raises(Forbidden):
        services.template_save(scope=Scope(Role.INSPECTOR, township_id=world.ta), actor_id=None,
                               spec=simple_spec())


def test_builtin_templates_install_once(world, ctx):
    count = len(services.builtin_specs())
    assert count >= 1
    assert services.templates_install_builtin() == count
    assert services.templates_install_builtin() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChecklistTemplate)) == count
