"""The inspections' Excel export: the same numbers as the pages, only what the reader may see, in fixed queries."""
from datetime import date
from decimal import Decimal as D
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.checklists.models import TemplateItem
from hygiene.errors import DomainError
from hygiene.extensions import db
from hygiene.inspections import exports
from hygiene.inspections.models import Answer, Inspection
from tests.exports_helpers import NOVEMBER, book, inspected, table  # noqa: F401  (fixture)
from tests.rectifications.conftest import submit


def test_the_inspection_export_has_the_scores_and_earned_points_of_the_inspection_pages(client, login, app,
                                                                                      inspected):  # noqa: F811
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


def test_a_village_contact_exports_only_its_own_villages_inspections_and_orders(client, login, inspected):  # noqa: F811
    login("village_a1")
    inspections, answers = book(client.get(NOVEMBER)).worksheets
    assert {r[3] for r in table(inspections)} == {"甲一村"}
    assert {r[0] for r in table(answers)} == {inspected.a1}
    orders = table(book(client.get("/exports/orders.xlsx?status=all")).active)
    assert orders and all(r[2] == "甲一村" for r in orders)
    assert "甲二村" not in str(orders)


def test_a_unit_contact_exports_only_its_unit(client, login, app, world, inspected):  # noqa: F811
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
    assert "无法识别该请求" not in response.text  # the reason alone, not also the generic "not understood"


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




def test_the_date_range_defaults_to_this_month_and_is_capped():
    assert exports.export_range(None, None, today=date(2026, 11, 23)) == (date(2026, 11, 1), date(2026, 11, 23))
    with pytest.raises(DomainError):
        exports.export_range("2026-01-01", "2027-01-02", today=date(2026, 11, 23))


@pytest.mark.parametrize("query", ["status=bogus", "start=2026-13-01", "village_id=abc"])
def test_the_inspections_list_says_when_a_filter_was_left_out(client, login, world, query):
    login("admin_a")
    page = client.get(f"/inspections/?{query}")
    assert page.status_code == 200 and "筛选条件无法识别" in page.text


def test_the_inspections_list_s_own_filters_raise_no_warning(client, login, world):
    login("admin_a")
    page = client.get("/inspections/?status=&village_id=&start=&end=")
    assert page.status_code == 200 and "筛选条件无法识别" not in page.text
