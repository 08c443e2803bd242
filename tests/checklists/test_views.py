"""The checklist pages as the office uses them: list, sheet, builder, import, export, copy."""
from datetime import date
from io import BytesIO

import pytest
import sqlalchemy as sa
import yaml
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists import services
from hygiene.checklists.models import ChecklistTemplate, TemplateItem, TemplateVersion
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from tests.inspections.helpers import simple_spec


def english(client, user, login):
    """Sign in and switch to English, so the tests read the msgids."""
    login(user)
    client.get("/language/en")
    return client


def sheet_form(*, name="食堂检查表", points=("10", "20"), **extra):
    """The builder's fields for one section with two items and two grades, saved."""
    data = {"name": name, "applies_to": "unit", "unit_categories": ["catering"], "pass_mark": "60",
            "bands-0-label": "合格", "bands-0-min": "60", "bands-1-label": "不合格", "bands-1-min": "0",
            "sections-0-position": "1", "sections-0-title": "环境卫生", "save": "1"}
    for i, (text, pts) in enumerate([("地面整洁无积水", points[0]), ("无过期食品", points[1])]):
        data |= {f"sections-0-items-{i}-position": str(i + 1), f"sections-0-items-{i}-text": text,
                 f"sections-0-items-{i}-points": pts, f"sections-0-items-{i}-scoring": "pass_fail",
                 f"sections-0-items-{i}-severity": "normal"}
    data |= {"sections-0-items-1-veto": "y", "sections-0-items-0-photo_on_fail": "y"}
    return {k: v for k, v in (data | extra).items() if v is not None}


def count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def make_template(app, world, spec=None, *, shared=False) -> int:
    with app.app_context():
        scope = Scope.county() if shared else Scope(Role.ADMIN, township_id=world.ta)
        version = services.template_save(scope=scope, actor_id=None, spec=spec or simple_spec())
        db.session.commit()
        return version.template_id


def use_version(app, world, template_id, number=1):
    """Record an inspection made with a version, as fieldwork would."""
    with app.app_context():
        version = db.session.scalar(sa.select(TemplateVersion).where(
            TemplateVersion.template_id == template_id, TemplateVersion.number == number))
        db.session.add(Inspection(version_id=version.id, township_id=world.ta, village_id=world.a1,
                                  target_kind="unit", target_id=world.unit_a1, target_label="a1饭店",
                                  planned_date=date(2026, 11, 23), due_date=date(2026, 11, 30)))
        db.session.commit()
        return version.id


# --- builder --------------------------------------------------------------------------------

def test_admin_builds_a_checklist_and_sees_it_as_a_sheet(app, client, world, login):
    english(client, "admin_a", login)
    response = client.post("/checklists/new", data=sheet_form(), follow_redirects=True)
    assert response.status_code == 200
    page = response.text
    assert "Saved the checklist" in page and "地面整洁无积水" in page and "环境卫生" in page
    assert "★" in page and "📷" in page and "合格 ≥ 60" in page
    with app.app_context():
        template = db.session.scalar(sa.select(ChecklistTemplate))
        assert template.township_id == world.ta and template.unit_categories == ["catering"]
        assert [(i.text, i.points, i.veto) for i in template.versions[0].items] == [
            ("地面整洁无积水", 10, False), ("无过期食品", 20, True)]
    assert "食堂检查表" in client.get("/checklists/").text


def test_add_item_redraws_the_builder_and_saves_nothing(app, client, world, login):
    english(client, "admin_a", login)
    data = sheet_form()
    data.pop("save")
    response = client.post("/checklists/new", data=data | {"add_item": "0"})
    assert response.status_code == 200
    assert 'name="sections-0-items-2-text"' in response.text and 'value="无过期食品"' in response.text
    response = client.post("/checklists/new", data=data | {"add_section": "1"})
    assert 'name="sections-1-title"' in response.text and 'name="sections-1-items-0-text"' in response.text
    assert count(app, ChecklistTemplate) == 0 and count(app, TemplateItem) == 0


def test_remove_and_order_fields_change_the_rows_without_saving(app, client, world, login):
    english(client, "admin_a", login)
    data = sheet_form() | {"sections-0-items-0-position": "5", "bands-1-remove": "y", "refresh": "1"}
    data.pop("save")
    page = client.post("/checklists/new", data=data).text
    assert page.index("无过期食品") < page.index("地面整洁无积水")
    assert 'value="不合格"' not in page and 'value="合格"' in page
    page = client.post("/checklists/new", data=sheet_form(**{"sections-0-items-0-remove": "y"})).text
    assert count(app, ChecklistTemplate) == 1
    with app.app_context():
        assert [i.text for i in db.session.scalars(sa.select(TemplateItem))] == ["无过期食品"]


@pytest.mark.parametrize("bad", ["-5", "abc", ""])
def test_a_bad_point_value_is_shown_at_its_row_keeps_the_input_and_writes_nothing(
        app, client, world, login, bad):
    english(client, "admin_a", login)
    response = client.post("/checklists/new", data=sheet_form(points=("10", bad)))
    assert response.status_code == 422
    page = response.text
    assert "Section 1, item 2: Points:" in page
    assert 'aria-invalid="true" id="sections-0-items-1-points"' in page
    assert 'value="地面整洁无积水"' in page and 'value="无过期食品"' in page and f'value="{bad}"' in page
    assert count(app, ChecklistTemplate) == 0


def test_blank_rows_are_left_out_when_saving(app, client, world, login):
    english(client, "admin_a", login)
    blank = {"sections-0-items-2-position": "3", "sections-0-items-2-text": "",
             "sections-0-items-2-points": "", "sections-1-title": "", "sections-1-position": "2"}
    assert client.post("/checklists/new", data=sheet_form(**blank)).status_code == 302
    assert count(app, TemplateItem) == 2


def test_editing_a_used_checklist_makes_version_2_and_the_inspection_keeps_version_1(
        app, client, world, login):
    english(client, "admin_a", login)
    client.post("/checklists/new", data=sheet_form())
    with app.app_context():
        template_id = db.session.scalar(sa.select(ChecklistTemplate.id))
    old_version = use_version(app, world, template_id)
    assert "Saving makes version 2" in client.get(f"/checklists/{template_id}/edit").text
    changed = sheet_form(**{"sections-0-items-0-text": "地面干净", "sections-0-items-0-points": "15"})
    page = client.post(f"/checklists/{template_id}/edit", data=changed, follow_redirects=True).text
    assert "Saved as version 2" in page and "地面干净" in page
    old = client.get(f"/checklists/{template_id}?version=1").text
    assert "地面整洁无积水" in old and "an older version" in old and "used by 1 inspections" in old
    with app.app_context():
        assert db.session.scalar(sa.select(Inspection.version_id)) == old_version
        assert [i.text for i in db.session.get(TemplateVersion, old_version).items][0] == "地面整洁无积水"
    again = client.post(f"/checklists/{template_id}/edit", data=changed, follow_redirects=True).text
    assert "had not been used by any inspection yet, so it was updated" in again
    assert count(app, TemplateVersion) == 2


def test_an_unknown_version_is_not_found(app, client, world, login):
    template_id = make_template(app, world)
    login("admin_a")
    assert client.get(f"/checklists/{template_id}?version=7").status_code == 404
    assert client.get(f"/checklists/{template_id}?version=abc").status_code == 200


# --- export, import, copy ---------------------------------------------------------------------

def test_export_then_import_gives_the_same_checklist(app, client, world, login):
    english(client, "admin_a", login)
    client.post("/checklists/new", data=sheet_form())
    with app.app_context():
        template_id = db.session.scalar(sa.select(ChecklistTemplate.id))
    exported = client.get(f"/checklists/{template_id}/export.yaml?version=1")
    disposition = exported.headers["Content-Disposition"]
    assert exported.status_code == 200 and disposition.startswith("attachment;")
    assert disposition.split(";")[1].isascii() and "filename*=UTF-8''" in disposition
    assert yaml.safe_load(exported.data)["name"] == "食堂检查表"
    response = client.post("/checklists/import", data={"file": (BytesIO(exported.data), "x.yaml")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        first, second = db.session.scalars(sa.select(ChecklistTemplate).order_by(ChecklistTemplate.id))
        assert services.version_spec(second.versions[-1]) == services.version_spec(first.versions[-1])


def test_importing_a_file_with_an_own_code_makes_the_next_version(app, client, world, login):
    english(client, "admin_a", login)
    data = yaml.safe_dump({**simple_spec_data(), "code": "our-sheet"}, allow_unicode=True).encode()

    def upload():
        return client.post("/checklists/import", data={"file": (BytesIO(data), "sheet.yml")},
                           content_type="multipart/form-data", follow_redirects=True)

    upload()
    with app.app_context():
        template_id = db.session.scalar(sa.select(ChecklistTemplate.id))
    use_version(app, world, template_id)
    assert "Saved as version 2" in upload().text
    assert count(app, ChecklistTemplate) == 1 and count(app, TemplateVersion) == 2


def test_importing_a_shared_code_makes_an_own_checklist_without_the_code(app, client, world, login):
    shared = make_template(app, world, shared=True)
    english(client, "admin_a", login)
    data = client.get(f"/checklists/{shared}/export.yaml").data
    client.post("/checklists/import", data={"file": (BytesIO(data), "sheet.yaml")},
                content_type="multipart/form-data")
    with app.app_context():
        mine = db.session.scalar(sa.select(ChecklistTemplate).where(ChecklistTemplate.id != shared))
        assert (mine.township_id, mine.code) == (world.ta, None)


@pytest.mark.parametrize("name, data, reason", [
    ("broken.yaml", b"name: [unclosed", "The file is not a YAML or JSON checklist."),
    ("moon.json", b'{"name": "x", "applies_to": "moon", "sections": []}', "applies_to"),
    ("notes.txt", b"name: x", "Choose a .yaml, .yml or .json file."),
    ("huge.yaml", b"#" * (1024 * 1024 + 1), "larger than 1 MB"),
])
def test_a_broken_import_shows_the_reason_and_writes_nothing(app, client, world, login, name, data, reason):
    english(client, "admin_a", login)
    boundary, body = encode_multipart({"file": FileStorage(BytesIO(data), name)})
    response = client.post("/checklists/import", data=body,  # no temporary file in the client
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422 and reason in response.text
    assert count(app, ChecklistTemplate) == 0


def test_a_township_admin_copies_a_shared_checklist_instead_of_editing_it(app, client, world, login):
    shared = make_template(app, world, shared=True)
    english(client, "admin_a", login)
    page = client.get(f"/checklists/{shared}/edit").text
    assert "Copy to my township" in page and "sections-0-title" not in page
    assert client.post(f"/checklists/{shared}/edit", data=sheet_form()).status_code == 403
    response = client.post(f"/checklists/{shared}/copy")
    assert response.status_code == 302 and response.location.endswith("/edit")
    with app.app_context():
        copy = db.session.scalar(sa.select(ChecklistTemplate).where(ChecklistTemplate.id != shared))
        assert (copy.name, copy.code, copy.township_id) == ("测试表（副本）", None, world.ta)
        assert len(copy.versions[0].items) == 4
    assert 'value="测试表（副本）"' in client.get(response.location).text


# --- access -----------------------------------------------------------------------------------

def test_inspectors_read_checklists_but_change_nothing(app, client, world, login):
    template_id = make_template(app, world)
    login("inspector_a")
    assert "测试表" in client.get("/checklists/").text
    assert client.get(f"/checklists/{template_id}").status_code == 200
    assert client.get(f"/checklists/{template_id}/export.yaml").status_code == 200
    for url in ("/checklists/new", f"/checklists/{template_id}/edit", "/checklists/import"):
        assert client.get(url).status_code == 403, url
    for url in ("/checklists/new", f"/checklists/{template_id}/edit", f"/checklists/{template_id}/copy",
                "/checklists/import"):
        assert client.post(url, data=sheet_form()).status_code == 403, url
    assert count(app, ChecklistTemplate) == 1 and count(app, TemplateVersion) == 1


@pytest.mark.parametrize("user", ["village_a1", "unit_a1"])
def test_contacts_get_403_on_every_checklist_page(app, client, world, login, user):
    template_id = make_template(app, world)
    login(user)
    for url in ("/checklists/", f"/checklists/{template_id}", f"/checklists/{template_id}/export.yaml",
                "/checklists/new", "/checklists/import"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/checklists/{template_id}/copy").status_code == 403


def test_another_townships_checklist_is_not_found(app, client, world, login):
    template_id = make_template(app, world)
    login("admin_b")
    assert "测试表" not in client.get("/checklists/").text
    for url in (f"/checklists/{template_id}", f"/checklists/{template_id}/export.yaml",
                f"/checklists/{template_id}/edit"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/checklists/{template_id}/copy").status_code == 404
    assert client.post(f"/checklists/{template_id}/edit", data=sheet_form()).status_code == 404
    assert count(app, ChecklistTemplate) == 1


def test_checklist_list_query_count_does_not_grow_with_rows(app, client, world, login, count_queries):
    def add(n, tag):
        for i in range(n):
            template_id = make_template(app, world, simple_spec(code=f"{tag}{i}", name=f"{tag}表{i}"))
            use_version(app, world, template_id)
            make_template_version_2(app, world, template_id)

    login("admin_a")
    add(2, "s")
    with count_queries() as small:
        assert client.get("/checklists/").status_code == 200
    add(22, "l")
    with count_queries() as large:
        assert client.get("/checklists/").status_code == 200
    assert large[0] == small[0]


def make_template_version_2(app, world, template_id):
    with app.app_context():
        template = db.session.get(ChecklistTemplate, template_id)
        services.template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None,
                               spec=simple_spec(code=template.code, name=template.name, pass_mark=70),
                               template=template)
        db.session.commit()


def simple_spec_data():
    from tests.inspections.helpers import SIMPLE_SHEET
    return {k: v for k, v in SIMPLE_SHEET.items() if k != "code"}
