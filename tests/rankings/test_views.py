"""Ranking pages: the live table, explaining a score, settings, publishing, the notice, access."""
import re
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import time_machine

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists.services import template_save
from hygiene.extensions import db
from hygiene.inspections.models import Answer, Inspection
from hygiene.media.models import Photo
from hygiene.places.models import Village
from hygiene.rankings.models import RankingPublication, RankingSettings
from tests.inspections.helpers import simple_spec

NO_PEST = {"weight_pest_rounds": "0", "weight_pest_density": "0",  # the components that weigh 0 by default
           "weight_toilet_progress": "0", "weight_creation_progress": "0", "weight_education_cadence": "0"}


@pytest.fixture(autouse=True)
def monday_23_november():
    """Every test runs on Monday 23 Nov 2026: October is over, November is still open."""
    with time_machine.travel("2026-11-23 09:00 +0800", tick=False):
        yield


@pytest.fixture
def sheet(app, world):
    """The simple sheet (floor 40, refuse 30, veto 10, records 20) for township 甲镇."""
    with app.app_context():
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
        db.session.commit()
        floor, refuse, veto, records = (item.id for item in version.items)
        return SimpleNamespace(id=version.id, floor=floor, refuse=refuse, veto=veto, records=records)


def inspect(app, world, sheet, village, score, day, *, floor_note="", photos=0):
    """A published village inspection; below 100 the floor item (40 points) lost points."""
    with app.app_context():
        township = db.session.get(Village, village).township_id
        row = Inspection(version_id=sheet.id, township_id=township, village_id=village, target_kind="village",
                         target_id=village, target_label="x", planned_date=day, due_date=day,
                         status="published", score=D(score))
        db.session.add(row)
        db.session.flush()
        earned = D(40) - (D(100) - D(score)) if score < 100 else D(40)
        db.session.add_all([
            Answer(inspection_id=row.id, item_id=sheet.floor, result="fail" if score < 100 else "pass",
                   earned=max(earned, D(0)), note=floor_note),
            Answer(inspection_id=row.id, item_id=sheet.refuse, result="pass", earned=D(30))])
        db.session.add_all([Photo(inspection_id=row.id, item_id=sheet.floor, township_id=township,
                                  target_kind="village", target_id=village, sha256=f"{row.id:04d}{n}".ljust(64, "0"),
                                  phash="0" * 16, width=8, height=8, size_bytes=100) for n in range(photos)])
        db.session.commit()
        return row.id


@pytest.fixture
def october(app, world, sheet):
    """甲一村 scores 90 and 80 in October (ranked, 85.00); 甲二村 scores 95 once (too few)."""
    return [inspect(app, world, sheet, world.a1, 90, date(2026, 10, 5), floor_note="路边有垃圾", photos=1),
            inspect(app, world, sheet, world.a1, 80, date(2026, 10, 20)),
            inspect(app, world, sheet, world.a2, 95, date(2026, 10, 12))]


def count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def scores(html):
    """The total scores of a rendered ranking table, top to bottom."""
    return re.findall(r'class="num score"[^>]*>([^<]+)<', html)


def publish(client, period="2026-10", **data):
    return client.post(f"/rankings/publish?period={period}&subject=villages", data=data)


def test_the_live_ranking_shows_ranked_rows_then_the_unranked_with_their_reason(client, login, october):
    login("admin_a")
    page = client.get("/rankings/?period=2026-10&subject=villages")
    assert page.status_code == 200
    assert page.text.index("甲一村") < page.text.index("甲二村") and scores(page.text) == ["85.00", "95.00"]
    assert "检查次数不足（少于2次）" in page.text
    assert "检查得分" in page.text and "按期整改率" in page.text      # a column per component
    assert "得分高者在前" in page.text                                  # the documented tie-break
    default = client.get("/rankings/")                                     # the previous month
    assert default.status_code == 200 and "2026年10月" in default.text and "85.00" in default.text


def test_the_pickers_choose_a_quarter_or_a_unit_category_and_nonsense_falls_back(client, login, october):
    login("admin_a")
    quarter = client.get("/rankings/?month=2026-10&span=quarter")
    assert quarter.status_code == 200 and "2026年第4季度" in quarter.text and "85.00" in quarter.text
    units = client.get("/rankings/?period=2026-10&subject=units:catering")
    assert units.status_code == 200 and "甲一村 · a1饭店" in units.text and "85.00" not in units.text
    for bad in ("period=2026-13", "period=%27;--", "subject=units:spaceship", "month=2026-10&span=decade"):
        page = client.get(f"/rankings/?{bad}")
        assert page.status_code == 200 and "flash-error" in page.text and "2026年10月" in page.text
    assert client.get("/rankings/explain?period=nonsense&subject=villages&id=1").status_code == 400


def test_explain_shows_the_components_and_each_deduction_with_item_note_and_photo(app, client, login, world,
                                                                                  october):
    login("inspector_a")
    page = client.get(f"/rankings/explain?period=2026-10&subject=villages&id={world.a1}")
    assert page.status_code == 200
    assert "85.00" in page.text and "2次已发布检查的平均分" in page.text
    assert "地面整洁" in page.text and "路边有垃圾" in page.text and "扣10分" in page.text
    assert "垃圾日产日清" not in page.text                       # it lost nothing
    with app.app_context():
        photo = db.session.scalar(sa.select(Photo.id))
    assert f"/inspections/photos/{photo}/thumb" in page.text
    assert client.get(f"/rankings/explain?period=2026-10&subject=villages&id={world.b1}").status_code == 404


def test_settings_are_saved_and_bad_weights_are_refused_beside_the_field_with_nothing_saved(app, client, login,
                                                                                            world, october):
    login("admin_a")
    bad = client.post("/rankings/settings?period=2026-10",
                      data={"weight_inspections": "-5", "weight_rectification": "0", **NO_PEST,
                            "min_inspections": "2", "list_size": "3"})
    assert bad.status_code == 422 and "权重不能为负数" in bad.text and 'value="-5"' in bad.text
    typo = client.post("/rankings/settings?period=2026-10",
                       data={"weight_inspections": "九十", "weight_rectification": "10", **NO_PEST,
                             "min_inspections": "0", "list_size": "3"})
    assert typo.status_code == 422 and 'class="field has-error"' in typo.text
    assert count(app, RankingSettings) == 0
    good = client.post("/rankings/settings?period=2026-10",
                       data={"weight_inspections": "1", "weight_rectification": "0", **NO_PEST,
                             "min_inspections": "1", "list_size": "1"})
    assert good.status_code == 303 and "period=2026-10" in good.location
    page = client.get("/rankings/?period=2026-10")
    assert scores(page.text) == ["95.00", "85.00"]                # 甲二村 is ranked with one inspection now


def test_publishing_an_open_or_empty_period_is_refused_with_the_reason_and_nothing_written(app, client, login,
                                                                                          october):
    login("admin_a")
    still_open = publish(client, "2026-11")
    assert still_open.status_code == 422 and "2026-11尚未结束" in still_open.text
    empty = publish(client, "2026-09")
    assert empty.status_code == 422 and "flash-error" in empty.text and "2026-09" in empty.text
    assert count(app, RankingPublication) == 0


def test_a_publication_is_a_snapshot_that_an_amendment_does_not_change(app, client, login, world, october):
    login("admin_a")
    response = publish(client, note="十月例行通报")
    assert response.status_code == 303 and "/rankings/publications/" in response.location
    page = client.get(response.location)
    assert page.status_code == 200 and scores(page.text) == ["85.00", "95.00"]
    assert "红榜" in page.text and "黑榜" in page.text and "admin_a" in page.text and "十月例行通报" in page.text
    with app.app_context():
        db.session.get(Inspection, october[0]).score = D(40)      # amended after publication
        db.session.commit()
    assert scores(client.get(response.location).text) == ["85.00", "95.00"]
    assert scores(client.get("/rankings/?period=2026-10").text)[0] == "60.00"


def test_a_correction_needs_a_note_and_both_sides_link_to_each_other(app, client, login, october):
    login("admin_a")
    first = publish(client).location
    assert "发布更正" in client.get("/rankings/?period=2026-10").text
    refused = publish(client, note=" ")
    assert refused.status_code == 422 and "请说明本次更正的内容" in refused.text
    assert count(app, RankingPublication) == 1
    second = publish(client, note="更正甲二村检查次数")
    assert second.status_code == 303
    corrected = client.get(first).text
    assert second.location.split("?")[0] in corrected and "更正" in corrected
    correction = client.get(second.location).text
    assert first in correction and "更正甲二村检查次数" in correction


def test_the_notice_shows_the_ranking_the_lists_overdue_and_the_changes_since_last_month(app, client, login,
                                                                                        world, sheet, october):
    login("admin_a")
    client.post("/rankings/settings", data={"weight_inspections": "90", "weight_rectification": "10", **NO_PEST,
                                            "min_inspections": "1", "list_size": "1"})
    inspect(app, world, sheet, world.a1, 96, date(2026, 9, 8))
    inspect(app, world, sheet, world.a2, 70, date(2026, 9, 9))
    september = publish(client, "2026-09").location
    october_ = publish(client, "2026-10").location
    notice = client.get(october_ + "/notice")
    assert notice.status_code == 200 and "data-print" in notice.text and "css/notice.css" in notice.text
    assert "甲镇爱国卫生运动委员会办公室" in notice.text and "2026年10月" in notice.text
    # October: 甲二村 95 first (was second in September), 甲一村 85 second (was first)
    assert "↑1" in notice.text and "↓1" in notice.text and "2026年9月" in notice.text
    assert "+25.00" in notice.text and "-11.00" in notice.text
    first_notice = client.get(september + "/notice")
    assert first_notice.status_code == 200 and "2026年8月" in first_notice.text and "↑" not in first_notice.text


def test_inspectors_read_but_do_not_change_and_contacts_are_kept_out(app, client, login, world, october):
    login("admin_a")
    publication = publish(client).location
    login("inspector_a")
    for url in ("/rankings/?period=2026-10", f"/rankings/explain?period=2026-10&id={world.a1}",
                publication, publication + "/notice"):
        assert client.get(url).status_code == 200, url
    assert "发布本期排名" not in client.get("/rankings/?period=2026-09").text
    assert client.post("/rankings/settings", data={"weight_inspections": "1"}).status_code == 403
    assert publish(client, note="x").status_code == 403
    for contact in ("village_a1", "unit_a1"):
        login(contact)
        assert client.get("/rankings/").status_code == 403 and client.get(publication).status_code == 403
    assert count(app, RankingPublication) == 1


def test_other_townships_see_404_and_the_county_admin_picks_the_township(app, client, login, world, october):
    login("admin_a")
    publication = publish(client).location
    login("admin_b")
    assert client.get(publication).status_code == 404 and client.get(publication + "/notice").status_code == 404
    page = client.get(f"/rankings/?period=2026-10&township_id={world.ta}")
    assert "乙一村" in page.text and "甲一村" not in page.text     # the own township, whatever is asked
    login("county")
    chosen = client.get(f"/rankings/?period=2026-10&township_id={world.ta}")
    assert chosen.status_code == 200 and "85.00" in chosen.text and "乙一村" not in chosen.text
    assert 'name="township_id"' in chosen.text and client.get(publication).status_code == 200
    assert client.get("/rankings/?township_id=999999").status_code == 404
    other = client.post(f"/rankings/publish?period=2026-10&township_id={world.tb}", data={})
    assert other.status_code == 422 and count(app, RankingPublication) == 1   # 乙镇 has no inspections


def test_the_live_page_and_explain_run_the_same_queries_for_2_or_10_rows(app, client, login, world, sheet,
                                                                         count_queries):
    def add_villages(n, start):
        with app.app_context():
            ids = []
            for i in range(n):
                village = Village(name=f"测试村{start + i:02d}", township_id=world.ta)
                db.session.add(village)
                db.session.flush()
                ids.append(village.id)
            db.session.commit()
        for village in ids:
            for day in (3, 17):
                inspect(app, world, sheet, village, 88, date(2026, 10, day), floor_note="积水", photos=2)

    def queries(url):
        with count_queries() as n:
            assert client.get(url).status_code == 200
        return n[0]

    login("admin_a")
    add_villages(2, 0)
    small = queries("/rankings/?period=2026-10")
    add_villages(8, 2)
    assert queries("/rankings/?period=2026-10") == small
    for day in range(1, 11):
        inspect(app, world, sheet, world.a2, 70 + day, date(2026, 10, day), floor_note="积水", photos=2)
        if day == 2:
            few = queries(f"/rankings/explain?period=2026-10&id={world.a2}")
    assert queries(f"/rankings/explain?period=2026-10&id={world.a2}") == few


def test_the_page_says_which_villages_differ_from_the_publication_and_how_to_correct_it(app, client, login, world,
                                                                                        sheet, october):
    from hygiene.access.scope import Scope
    from hygiene.accounts.models import User
    from hygiene.inspections import review

    login("admin_a")
    publish(client, note="十月例行通报")
    assert 'id="differs"' not in client.get("/rankings/?period=2026-10").text  # live equals published
    with app.app_context():
        admin = db.session.get(User, world.user_admin_a)
        review.inspection_amend(scope=Scope.of(admin), user=admin, inspection=db.session.get(Inspection, october[1]),
                                changes=[dict(item_id=sheet.refuse, result="fail", findings=4, grade=None, note="")],
                                reason="补录垃圾问题")
        db.session.commit()
    page = client.get("/rankings/?period=2026-10").text
    block = page[page.index('id="differs"'):page.index("</section>", page.index('id="differs"'))]
    assert "与公布结果不一致" in page and "甲一村" in block and "甲二村" not in block
    # the sheet's other items were never answered in these rows, so the amended score is 14.30
    assert "第1名 · 85.00" in block and "52.15" in block and "80.00 → 14.30" in block
    assert "补录垃圾问题" in block and 'href="#publish"' in block  # why, and the way to a correction
    login("inspector_a")
    reader = client.get("/rankings/?period=2026-10").text
    assert 'id="differs"' in reader and "更正只能由爱卫办发布" in reader
