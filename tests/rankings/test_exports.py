"""Excel exports: the same numbers as the pages, only what the reader may see, in fixed queries."""
from datetime import UTC, date, datetime
from decimal import Decimal as D
from io import BytesIO
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
import time_machine
from openpyxl import load_workbook

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.checklists.models import TemplateItem
from hygiene.core.periods import parse_period
from hygiene.errors import DomainError
from hygiene.extensions import db
from hygiene.inspections.models import Answer, Inspection
from hygiene.inspections.review import inspection_publish
from hygiene.rankings import exports, services
from hygiene.rankings.components import Subject
from hygiene.rectifications.models import RectificationOrder
from tests.inspections.conftest import inspection  # noqa: F401  (fixture)
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


# --- inspections and orders: a published inspection in 甲一村's unit and one in 甲二村's ---------

def _publish(world, inspection_id):
    inspection_publish(scope=admin_scope(world), actor_id=world.user_admin_a,
                       inspection=db.session.get(Inspection, inspection_id), now=ISSUED)


@pytest.fixture
def inspected(app, world, inspection):  # noqa: F811
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


def test_the_inspection_export_has_the_scores_and_earned_points_of_the_inspection_pages(client, login, app,
                                                                                      inspected):
    login("admin_a")
    workbook = book(client.get(NOVEMBER))
    inspections, answers = workbook.worksheets
    rows = {row[0]: row for row in table(inspections)}
    with app.app_context():
        for inspection_id in (inspected.a1, inspected.a2):
            saved = db.session.get(Inspection, inspection_id)
            row = rows[inspection_id]
            assert (row[1].date(), row[2], row[8], row[9]) == (saved.planned_date, saved.target_label,
                                                               float(saved.score), saved.grade)
            earned = {r[4]: r[9] for r in table(answers) if r[0] == inspection_id}
            assert earned == {a.item.text: float(a.earned) for a in saved.answers}
    floor = next(r for r in table(answers) if r[0] == inspected.a1 and r[4] == "地面整洁")
    assert (floor[3], floor[5], floor[6], floor[11]) == ("环境", 40, "不合格", 1)  # section, points, result, photos
    assert rows[inspected.a1][3:8] == ["甲一村", "测试表", 1, "inspector_a", "已发布"]
    assert inspections["I2"].number_format == "0.00" and inspections["I2"].data_type == "n"


def test_the_order_export_has_the_numbers_deadlines_and_items_of_the_orders(client, login, app, inspected):
    login("admin_a")
    with time_machine.travel(LATER, tick=False):
        rows = table(book(client.get("/exports/orders.xlsx")).active)
    with app.app_context():
        orders = list(db.session.scalars(sa.select(RectificationOrder).order_by(RectificationOrder.number)))
        expected = [[o.display_number, o.target_label, o.deadline, "；".join(i.text for i in o.items)]
                    for o in orders]
    assert [[r[0], r[1], r[4].date(), r[6]] for r in rows] == expected
    assert rows[0][2] == "甲一村" and rows[0][5] == "已逾期" and rows[0][9] == "是"


def test_a_village_contact_exports_only_its_own_villages_inspections_and_orders(client, login, inspected):
    login("village_a1")
    inspections, answers = book(client.get(NOVEMBER)).worksheets
    assert {r[3] for r in table(inspections)} == {"甲一村"}
    assert {r[0] for r in table(answers)} == {inspected.a1}
    orders = table(book(client.get("/exports/orders.xlsx?status=all")).active)
    assert orders and all(r[2] == "甲一村" for r in orders)
    assert "甲二村" not in str(orders)


def test_a_unit_contact_exports_only_its_unit(client, login, app, world, inspected):
    with app.app_context():
        base = db.session.get(Inspection, inspected.a1)
        db.session.add(Inspection(version_id=base.version_id, township_id=world.ta, village_id=world.a1,
                                  target_kind="village", target_id=world.a1, target_label="甲一村",
                                  planned_date=date(2026, 11, 25), due_date=date(2026, 11, 30)))
        db.session.commit()
    login("unit_a1")
    inspections, _answers = book(client.get(NOVEMBER)).worksheets
    assert [r[2] for r in table(inspections)] == ["甲一村 · a1饭店"]
    login("village_a1")
    inspections, _answers = book(client.get(NOVEMBER)).worksheets
    assert sorted(r[2] for r in table(inspections)) == ["甲一村", "甲一村 · a1饭店"]


def test_a_contact_sees_no_score_or_answers_before_the_office_publishes(client, login, app, world, inspection):  # noqa: F811
    with app.app_context():
        submit(inspection, key="draft")
        db.session.commit()
    login("village_a1")
    inspections, answers = book(client.get(NOVEMBER)).worksheets
    assert table(inspections)[0][7:9] == ["已提交", None] and table(answers) == []
    login("admin_a")
    with app.app_context():
        score = db.session.get(Inspection, inspection.id).score
    assert table(book(client.get(NOVEMBER)).worksheets[0])[0][8] == float(score)


@pytest.mark.parametrize("query, message", [
    ("start=2026-13-01&end=2026-12-31", "YYYY-MM-DD"),
    ("start=2026-11-30&end=2026-11-01", "开始日期"),
    ("start=2025-01-01&end=2026-01-02", "366"),
])
def test_a_bad_date_range_is_refused_with_a_clear_message(client, login, world, query, message):
    login("admin_a")
    response = client.get(f"/exports/inspections.xlsx?{query}")
    assert response.status_code == 400 and message in response.text


def test_a_whole_leap_year_can_be_exported(client, login, world):
    login("inspector_a")
    assert client.get("/exports/inspections.xlsx?start=2028-01-01&end=2028-12-31").status_code == 200


def test_downloads_carry_an_ascii_and_a_chinese_file_name(client, login, world):
    login("admin_a")
    disposition = client.get(NOVEMBER).headers["Content-Disposition"]
    assert 'filename="inspections-2026-11-01-2026-11-30.xlsx"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "检查记录2026-11-01至2026-11-30.xlsx"


def _add_answered(app, world, version_id, n):
    """n more published inspections in 甲一村 and 甲二村, every item answered."""
    with app.app_context():
        inspector = db.session.get(User, world.user_inspector_a)
        items = list(db.session.scalars(sa.select(TemplateItem).where(TemplateItem.version_id == version_id)))
        for i in range(n):
            village = (world.a1, world.a2)[i % 2]
            target = Inspection(version_id=version_id, township_id=world.ta, village_id=village,
                                target_kind="village", target_id=village, target_label=f"批量{n}-{i}",
                                planned_date=date(2026, 11, 1 + i % 28), due_date=date(2026, 11, 30),
                                status="published", score=D(80), inspectors=[inspector])
            target.answers = [Answer(item_id=item.id, result="pass", earned=item.points) for item in items]
            db.session.add(target)
        db.session.commit()


def test_the_inspection_export_costs_the_same_queries_for_2_or_20_inspections(app, client, login, world,
                                                                              inspection, count_queries):  # noqa: F811
    with app.app_context():
        version_id = db.session.get(Inspection, inspection.id).version_id
    login("admin_a")
    counts = []
    for n in (2, 18):
        _add_answered(app, world, version_id, n)
        with count_queries() as queries:
            rows = table(book(client.get(NOVEMBER)).worksheets[1])
        counts.append(queries[0])
        assert len(rows) == 4 * (2 if n == 2 else 20)
    assert counts[0] == counts[1], counts


# --- rankings ------------------------------------------------------------------------------

@pytest.fixture
def published(app, world):
    """October: 甲一村 scores 90 and 80, 甲二村 95 once; the villages' ranking published."""
    from hygiene.checklists.services import template_save
    from tests.inspections.helpers import simple_spec
    from tests.rankings.helpers import add_published

    with app.app_context():
        version = template_save(scope=admin_scope(world), actor_id=None, spec=simple_spec())
        for village, score, day in [(world.a1, 90, 5), (world.a1, 80, 20), (world.a2, 95, 12)]:
            add_published(version_id=version.id, township_id=world.ta, village_id=village,
                          day=date(2026, 10, day), score=score)
        publication = services.ranking_publish(
            scope=admin_scope(world), actor_id=world.user_admin_a, subject=Subject(world.ta, "villages"),
            period=parse_period("2026-10"), today=date(2026, 11, 23), now=datetime(2026, 11, 2, 2, tzinfo=UTC))
        db.session.commit()
        return SimpleNamespace(id=publication.id, rows=[dict(r) for r in publication.rows])


def test_the_publication_export_is_the_snapshot_and_an_amendment_does_not_change_it(app, client, login,
                                                                                    published):
    login("inspector_a")
    before = client.get(f"/exports/rankings/{published.id}.xlsx").data
    ranking = load_workbook(BytesIO(before))
    assert [s.title for s in ranking.worksheets] == ["排名", "红黑榜", "逾期整改通知书", "说明"]
    sheet = ranking["排名"]
    assert [c.value for c in sheet[1]][:5] == ["名次", "名称", "综合得分", "检查得分", "按期整改率"]
    expected = [[r["rank"], r["name"], float(r["score"]), float(r["components"]["inspections"])]
                for r in published.rows]
    assert [r[:4] for r in table(sheet)] == expected == [[1, "甲一村", 85.0, 85.0], [None, "甲二村", 95.0, 95.0]]
    assert table(sheet)[1][-1] == "检查次数不足" and sheet["C2"].number_format == "0.00"
    assert table(ranking["红黑榜"]) == [["红榜", 1, "甲一村", 85]]
    about = dict(table(ranking["说明"]))
    assert about["发布时间"] == datetime(2026, 11, 2, 10, 0) and about["发布人"] == "admin_a"
    assert about["权重：检查得分"] == 90 and about["乡镇"] == "甲镇"
    with app.app_context():
        for row in db.session.scalars(sa.select(Inspection)):
            row.score = D(10)  # an amendment after publication
        db.session.commit()
    after = load_workbook(BytesIO(client.get(f"/exports/rankings/{published.id}.xlsx").data))
    assert table(after["排名"]) == table(sheet)
    live = book(client.get("/exports/rankings/live.xlsx?period=2026-10&subject=villages"))
    assert "未发布" in live["排名"]["A1"].value and table(live["排名"], skip=2)[0][:3] == [1, "甲一村", 10]


def test_only_the_townships_office_exports_its_rankings(client, login, published):
    for username, status in [("admin_a", 200), ("inspector_a", 200), ("admin_b", 404), ("village_b1", 404),
                             ("village_a1", 404), ("unit_a1", 404)]:
        login(username)
        assert client.get(f"/exports/rankings/{published.id}.xlsx").status_code == status, username
    login("village_a1")
    assert client.get("/exports/rankings/live.xlsx?period=2026-10").status_code == 403
    login("admin_a")
    assert client.get("/exports/rankings/live.xlsx?period=2026-99").status_code == 400
    assert client.get("/exports/rankings/live.xlsx?subject=units:nothing").status_code == 400


# --- the workbook itself, without an application -------------------------------------------

def test_numbers_stay_numbers_and_typed_formulas_stay_text():
    data = exports.workbook([exports.Sheet("t", ["a", "b", "c"], [[D("85.5"), "=1+1", date(2026, 10, 1)]])])
    sheet = load_workbook(BytesIO(data)).active
    assert (sheet["A2"].value, sheet["A2"].number_format) == (85.5, "0.00")
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("=1+1", "s")
    assert sheet["C2"].value == datetime(2026, 10, 1)


def test_the_date_range_defaults_to_this_month_and_is_capped():
    assert exports.export_range(None, None, today=date(2026, 11, 23)) == (date(2026, 11, 1), date(2026, 11, 23))
    with pytest.raises(DomainError):
        exports.export_range("2026-01-01", "2027-01-02", today=date(2026, 11, 23))


def test_a_week_is_not_a_ranking_period(client, login, world):
    login("admin_a")
    assert client.get("/exports/rankings/live.xlsx?period=2026-W44").status_code == 400
