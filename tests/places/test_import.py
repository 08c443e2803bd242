"""Importing the register from Excel and CSV: templates, preview of every row, all or nothing."""
from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.places import importer
from hygiene.places.kinds import UNITS, VILLAGES
from hygiene.places.models import Cleaner, Household, Unit, Village

UNIT_HEADER = ["村/社区", "单位名称", "类别", "地址", "联系人", "联系电话"]
HOUSEHOLD_HEADER = ["村/社区", "组", "户主", "联系电话", "地址"]
CLEANER_HEADER = ["村/社区", "姓名", "保洁路段", "联系电话"]
VILLAGE_HEADER = ["乡镇", "村/社区名称", "类型", "联系人", "联系电话"]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\x00" * 40


@pytest.fixture(autouse=True)
def instance_folder(app, tmp_path, monkeypatch):
    """Uploaded files go to a folder of the test, not to the project's instance folder."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path / "imports"


def xlsx(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(*rows, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def signed_in(login, username: str = "admin_a"):
    client = login(username)
    client.get("/language/en")  # assert on the English msgids whatever the catalog holds
    return client


def upload(client, kind: str, filename: str, data: bytes):
    return client.post("/register/import/", data={"kind": kind, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def token_of(response) -> str:
    match = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', response.text)
    assert match, "the preview offers no confirmation"
    return match.group(1)


def confirm(client, kind: str, token: str):
    return client.post("/register/import/confirm", data={"kind": kind, "token": token})


def problems(response) -> dict[int, str]:
    """The preview's list of bad rows: {row number: its reasons as text}."""
    items = re.findall(r'<li data-row="(\d+)">(.*?)</li>', response.text, re.S)
    return {int(number): re.sub(r"<[^>]+>", "", text) for number, text in items}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def units_named(app, *names) -> dict[str, Unit]:
    with app.app_context():
        units = db.session.scalars(sa.select(Unit).where(Unit.name.in_(names))).all()
        db.session.expunge_all()
        return {u.name: u for u in units}


# --- the happy paths ------------------------------------------------------------------------

def test_units_from_xlsx_are_previewed_then_created_with_audit_events(world, login, app, instance_folder):
    client = signed_in(login)
    data = xlsx(UNIT_HEADER,
                ["甲一村", "  新华饭店 ", "餐饮", "新华路1号", "张三", 13800138000],
                [None, None, None, None, None, None],
                ["甲二村", "中心公厕", "public_toilet", None, None, 13900001111.0])
    preview = upload(client, "units", "单位.xlsx", data)
    assert preview.status_code == 200
    assert "新华饭店" in preview.text and "Public toilet" in preview.text and "13900001111" in preview.text
    assert len(list(instance_folder.iterdir())) == 1

    done = confirm(client, "units", token_of(preview))
    assert done.status_code == 302 and done.headers["Location"].endswith("/register/units/")
    assert "Imported 2 units." in client.get(done.headers["Location"]).text
    units = units_named(app, "新华饭店", "中心公厕")
    assert (units["新华饭店"].village_id, units["新华饭店"].category) == (world.a1, "catering")
    assert units["新华饭店"].contact_phone == "13800138000"
    assert (units["中心公厕"].village_id, units["中心公厕"].contact_phone) == (world.a2, "13900001111")
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "unit",
            AuditEvent.entity_id.in_([u.id for u in units.values()]))).all()
        assert {(e.action, e.actor_id, e.township_id) for e in events} == {("create", world.user_admin_a, world.ta)}
        assert len(events) == 2
    assert list(instance_folder.iterdir()) == []


def test_households_from_a_gb18030_csv(world, login, app):
    client = signed_in(login)
    data = csv_bytes(HOUSEHOLD_HEADER, ["甲一村", "二组", "王大明", "0571-8888 6666", "二组5号"],
                     ["甲二村", "一组", "李小红", "", ""], encoding="gb18030")
    preview = upload(client, "households", "农户.csv", data)
    assert preview.status_code == 200 and "王大明" in preview.text
    before = count(app, Household)
    assert confirm(client, "households", token_of(preview)).status_code == 302
    assert count(app, Household) == before + 2
    with app.app_context():
        wang = db.session.scalar(sa.select(Household).where(Household.head_name == "王大明"))
        assert (wang.village_id, wang.group_name, wang.phone) == (world.a1, "二组", "057188886666")


def test_cleaners_from_a_utf8_csv_with_english_headers(world, login, app):
    client = signed_in(login)
    data = csv_bytes(["Village / community", "Name", "Responsibility section", "Phone"],
                     ["甲一村", "赵保洁", "村口至桥头", "13700001111"])
    preview = upload(client, "cleaners", "cleaners.CSV", data)
    assert confirm(client, "cleaners", token_of(preview)).status_code == 302
    with app.app_context():
        cleaner = db.session.scalar(sa.select(Cleaner).where(Cleaner.name == "赵保洁"))
        assert (cleaner.section, cleaner.phone) == ("村口至桥头", "13700001111")


def test_villages_are_imported_into_the_admins_own_township_only(world, login, app):
    client = signed_in(login)
    good = upload(client, "villages", "村.xlsx", xlsx(VILLAGE_HEADER, ["甲镇", "甲三村", "村", "", ""],
                                                        ["甲镇", "甲新社区", "社区", "", ""]))
    assert confirm(client, "villages", token_of(good)).status_code == 302
    with app.app_context():
        kinds = dict(db.session.execute(sa.select(Village.name, Village.kind)
                                        .where(Village.township_id == world.ta)).all())
        assert kinds["甲三村"] == "village" and kinds["甲新社区"] == "community"
    bad = upload(client, "villages", "村.xlsx", xlsx(VILLAGE_HEADER, ["乙镇", "乙三村", "村", "", ""]))
    assert "Unknown township “乙镇”" in problems(bad)[2]


# --- templates ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, header", [("units", UNIT_HEADER), ("households", HOUSEHOLD_HEADER),
                                          ("cleaners", CLEANER_HEADER), ("villages", VILLAGE_HEADER)])
def test_templates_have_the_chinese_header_and_an_example_row(world, login, kind, header):
    client = signed_in(login)
    response = client.get(f"/register/import/template/{kind}.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == header and len(rows) == 2 and all(rows[1][:2])
    response = client.get(f"/register/import/template/{kind}.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[0] == header


def test_the_units_template_lists_the_categories_on_a_second_sheet(world, login):
    book = load_workbook(io.BytesIO(signed_in(login).get("/register/import/template/units.xlsx").data))
    names = [row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert {"餐饮", "学校食堂", "农贸市场", "公厕", "其他"} <= set(names)


def test_a_filled_in_template_imports_cleanly_and_its_example_row_is_skipped(world, login, app):
    client = signed_in(login)
    book = load_workbook(io.BytesIO(client.get("/register/import/template/units.xlsx").data))
    book.worksheets[0].append(["甲一村", "模板饭店", "饭店", "", "", "13800138000"])
    book.worksheets[0].append(["甲二村", "模板超市", "商店", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    preview = upload(client, "units", "template.xlsx", out.getvalue())
    assert preview.status_code == 200 and "example row was skipped" in preview.text
    before = count(app, Unit)
    assert confirm(client, "units", token_of(preview)).status_code == 302
    assert count(app, Unit) == before + 2 and "示例饭店" not in units_named(app, "示例饭店")

    template = client.get("/register/import/template/cleaners.csv").data
    filled = template + "甲一村,模板保洁,全村,\r\n".encode()
    assert confirm(client, "cleaners", token_of(upload(client, "cleaners", "c.csv", filled))).status_code == 302


# --- bad rows -------------------------------------------------------------------------------

def test_the_preview_names_every_bad_row_and_its_reason(world, login, app, instance_folder):
    client = signed_in(login)
    data = xlsx(UNIT_HEADER,
                ["甲一村", "新华饭店", "餐饮", "", "", ""],             # 2: fine
                ["丙村", "丙饭店", "餐饮", "", "", ""],                # 3: no such village
                ["乙一村", "乙饭店", "餐饮", "", "", ""],              # 4: another township's village
                ["甲一村", "新华饭店", "饭店", "", "", ""],            # 5: twice in the file
                ["甲一村", "a1饭店", "餐饮", "", "", ""],              # 6: already in the register
                ["甲二村", "电话错饭店", "餐饮", "", "", "12345"],      # 7: bad phone number
                ["甲二村", "火锅城", "火锅", "", "", ""],              # 8: unknown category
                ["甲二村", "", "", "", "", ""])                       # 9: name and category missing
    before = count(app, Unit)
    response = upload(client, "units", "bad.xlsx", data)
    assert response.status_code == 422
    found = problems(response)
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9]
    assert "Unknown village “丙村”" in found[3]
    assert "Unknown village “乙一村”" in found[4]
    assert "Same as row 2" in found[5] and "新华饭店" in found[5]
    assert "“a1饭店” already exists" in found[6]
    assert "“12345” is not a valid phone number" in found[7]
    assert "Unknown unit category “火锅”" in found[8]
    assert found[9].count("This field is required.") == 2
    assert 'name="token"' not in response.text and not instance_folder.exists()
    assert count(app, Unit) == before


def test_confirming_writes_nothing_when_any_row_has_become_wrong(world, login, app):
    client = signed_in(login)
    preview = upload(client, "units", "u.xlsx", xlsx(UNIT_HEADER, ["甲一村", "先来饭店", "餐饮", "", "", ""],
                                                      ["甲二村", "后到饭店", "餐饮", "", "", ""]))
    token = token_of(preview)
    with app.app_context():  # meanwhile someone adds the second unit by hand
        db.session.add(Unit(name="后到饭店", category="catering", village_id=world.a2))
        db.session.commit()
    units, events = count(app, Unit), count(app, AuditEvent)
    response = confirm(client, "units", token)
    assert response.status_code == 422 and "“后到饭店” already exists" in problems(response)[3]
    assert (count(app, Unit), count(app, AuditEvent)) == (units, events)
    assert units_named(app, "先来饭店") == {}


def test_confirming_a_stored_file_with_bad_rows_writes_nothing(world, login, app, instance_folder):
    client = signed_in(login)
    token = "ab" * 16
    instance_folder.mkdir()
    (instance_folder / f"{token}.csv").write_bytes(csv_bytes(
        UNIT_HEADER, ["甲一村", "好饭店", "餐饮", "", "", ""], ["甲一村", "坏饭店", "餐饮", "", "", "110"]))
    before = count(app, Unit)
    response = confirm(client, "units", token)
    assert response.status_code == 422 and sorted(problems(response)) == [3]
    assert count(app, Unit) == before and list(instance_folder.iterdir()) == []


def test_an_admin_of_another_township_cannot_import_into_its_villages(world, login, app):
    client = signed_in(login, "admin_b")
    response = upload(client, "units", "u.xlsx", xlsx(UNIT_HEADER, ["甲一村", "越界饭店", "餐饮", "", "", ""],
                                                       ["乙一村", "本镇饭店", "餐饮", "", "", ""]))
    assert response.status_code == 422 and list(problems(response)) == [2]
    assert "Unknown village “甲一村”" in problems(response)[2]
    assert units_named(app, "越界饭店", "本镇饭店") == {}


# --- bad files ------------------------------------------------------------------------------

@pytest.mark.parametrize("filename, data, message", [
    ("photo.xlsx", PNG, "could not be read as XLSX"),
    ("photo.csv", PNG, "not a CSV text file"),
    ("photo.png", PNG, "Only Excel workbooks (.xlsx) and CSV files"),
    ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Only Excel workbooks (.xlsx) and CSV files"),
    ("empty.csv", b"", "The file is empty."),
    ("blank.xlsx", xlsx([None, None]), "The file is empty."),
    ("header.csv", csv_bytes(UNIT_HEADER), "no data rows"),
    ("example.xlsx", xlsx(UNIT_HEADER, ["示例村", "示例饭店", "餐饮", "示例路1号", "张三", "13800138000"]),
     "no data rows"),
])
def test_a_file_that_cannot_be_imported_gets_a_clear_message(world, login, filename, data, message):
    response = upload(signed_in(login), "units", filename, data)
    assert response.status_code == 422 and message in response.text


def test_missing_columns_are_named(world, login):
    response = upload(signed_in(login), "units", "u.csv", csv_bytes(["村/社区", "地址", "序号"], ["甲一村", "", "1"]))
    assert response.status_code == 422
    assert "Required columns are missing: 单位名称、类别" in response.text


def test_extra_columns_are_ignored_and_shown(world, login):
    response = upload(signed_in(login), "cleaners", "c.csv",
                      csv_bytes(["序号", *CLEANER_HEADER, "备注"], ["1", "甲一村", "钱保洁", "", "", "新人"]))
    assert response.status_code == 200 and "ignored: 序号、备注" in response.text


def test_more_rows_than_the_limit_are_refused(world, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 2)
    rows = [["甲一村", f"饭店{i}", "餐饮", "", "", ""] for i in range(3)]
    response = upload(signed_in(login), "units", "u.xlsx", xlsx(UNIT_HEADER, *rows))
    assert response.status_code == 422 and "more than 2 rows" in response.text


def test_a_malformed_token_is_refused_and_a_missing_file_sends_back_to_the_start(world, login):
    client = signed_in(login)
    assert confirm(client, "units", "../../etc/passwd").status_code == 400
    assert confirm(client, "townships", "0" * 32).status_code == 400
    response = confirm(client, "units", "0" * 32)
    assert response.status_code == 302 and "/register/import/?kind=units" in response.headers["Location"]
    assert "already saved or has expired" in client.get(response.headers["Location"]).text


# --- who may import ---------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["inspector_a", "village_a1", "unit_a1"])
def test_only_admins_may_open_any_import_page(world, login, username):
    client = signed_in(login, username)
    for url in ("/register/import/", "/register/import/?kind=units",
                "/register/import/template/units.xlsx", "/register/import/template/cleaners.csv"):
        assert client.get(url).status_code == 403, url
    data = xlsx(UNIT_HEADER, ["甲一村", "偷偷饭店", "餐饮", "", "", ""])
    assert upload(client, "units", "u.xlsx", data).status_code == 403
    assert confirm(client, "units", "0" * 32).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    for response in (client.get("/register/import/"), client.get("/register/import/template/units.csv"),
                     client.post("/register/import/confirm", data={"kind": "units", "token": "0" * 32})):
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_start_page_offers_every_kind_and_its_template(world, login):
    response = signed_in(login).get("/register/import/?kind=households")
    assert response.status_code == 200
    assert '<option selected value="households">' in response.text
    for kind in ("units", "households", "cleaners", "villages"):
        assert f"/register/import/template/{kind}.xlsx" in response.text


# --- the importer without a request ------------------------------------------------------------

def test_cells_become_clean_text_and_rows_keep_their_spreadsheet_numbers(ctx):
    table = importer.read_table("a.xlsx", xlsx(["a", "b"], [], [" x ", 13800138000.0], [None, 7]),
                                max_rows=10)
    assert table.header == ["a", "b"]
    assert table.rows == [(3, ["x", "13800138000"]), (4, ["", "7"])]


def test_a_county_admin_tells_villages_of_the_same_name_apart_by_township(world, ctx):
    db.session.add(Village(name="甲一村", township_id=world.tb))
    db.session.commit()
    scope = Scope(Role.ADMIN)
    rows = [(2, ["甲一村", "同名饭店", "餐饮"])]
    plan = importer.import_plan(kind=UNITS, scope=scope, table=importer.Table(["村", "单位名称", "类别"], rows))
    assert "甲一村" in plan.rows[0].errors[0] and "乡镇" in plan.rows[0].errors[0]
    plan = importer.import_plan(kind=UNITS, scope=scope, table=importer.Table(
        ["乡镇", "村", "单位名称", "类别"], [(2, ["乙镇", "甲一村", "同名饭店", "餐饮"])]))
    assert plan.ok and plan.rows[0].values["village_id"] != world.a1


def test_import_apply_refuses_a_plan_with_bad_rows(world, ctx):
    scope = Scope(Role.ADMIN, township_id=world.ta)
    table = importer.Table(VILLAGE_HEADER, [(2, ["甲镇", "甲一村", "", "", ""])])
    plan = importer.import_plan(kind=VILLAGES, scope=scope, table=table)
    with pytest.raises(ValueError):
        importer.import_apply(kind=VILLAGES, scope=scope, actor_id=None, plan=plan)


def test_a_template_of_an_unknown_kind_or_type_is_not_found(world, login):
    client = signed_in(login)
    for url in ("/register/import/template/townships.xlsx", "/register/import/template/units.xls"):
        assert client.get(url).status_code == 404, url


# --- bounds: one huge cell, a huge error report ----------------------------------------------

def with_huge_cells(data: bytes, placeholder: str, size: int) -> bytes:
    """The workbook with every `placeholder` cell grown to `size` characters (beyond what
    openpyxl or Excel would write, as a crafted or broken file can)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            content = source.read(part)
            target.writestr(part, content.replace(placeholder.encode(), b"z" * size))
    return out.getvalue()


def test_one_huge_cell_is_a_short_row_message_not_a_huge_page(world, login, app):
    data = with_huge_cells(xlsx(UNIT_HEADER, ["甲一村", "HUGE", "餐饮", "HUGE", "", "HUGE"]),
                           "HUGE", 5_000_000)
    assert len(data) < 200_000  # small on disk: the zip squeezes it
    response = upload(signed_in(login), "units", "u.xlsx", data)
    assert response.status_code == 422
    assert len(response.data) < 100_000
    found = problems(response)
    assert "Name: At most 100 characters." in found[2] and "Address: At most 200 characters." in found[2]
    assert count(app, Unit) == 3


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_reading(world, login, app,
                                                                            monkeypatch):
    monkeypatch.setattr(importer, "MAX_UNPACKED_BYTES", 100_000)
    data = with_huge_cells(xlsx(UNIT_HEADER, ["甲一村", "HUGE", "餐饮", "", "", ""]), "HUGE", 200_000)
    monkeypatch.setattr(importer, "load_workbook", lambda *_a, **_k: pytest.fail("read anyway"))
    response = upload(signed_in(login), "units", "u.xlsx", data)
    assert response.status_code == 422 and "unpacks to" in response.text


def test_a_csv_cell_beyond_the_csv_limit_gets_a_message(world, login):
    response = upload(signed_in(login), "units", "u.csv",
                      csv_bytes(UNIT_HEADER, ["甲一村", "x" * 200_000, "餐饮", "", "", ""]))
    assert response.status_code == 422 and "far longer than any register field" in response.text


def test_the_error_report_names_a_hundred_rows_and_counts_the_rest(world, login, app):
    rows = [["无此村", f"饭店{i}", "餐饮", "", "", ""] for i in range(250)]
    response = upload(signed_in(login), "units", "u.xlsx", xlsx(UNIT_HEADER, *rows))
    assert response.status_code == 422
    assert len(problems(response)) == 100
    assert "and 150 more rows with problems" in response.text
    assert "The first 200 rows are shown; 50 more" in response.text
