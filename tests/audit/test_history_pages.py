"""Inspection, order and plan pages show the record's history to the office (as register pages
do); inspectors and contacts see none; the whole trail filters by those kinds of record."""
import pytest
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.media.models import Photo
from tests.inspections.plans.test_views import plan_form, the_plan
from tests.inspections.test_fill import all_pass
from tests.inspections.test_review import submitted

HISTORY = 'id="history"'


def history(page: str) -> str:
    return page[page.index(HISTORY):] if HISTORY in page else ""


def test_the_inspection_page_shows_its_history_with_the_reason_for_a_flagged_publish(app, client, login,
                                                                                    inspection):
    submitted(client, login, inspection)
    with app.app_context():  # a reused photo: publishing asks for a reason, kept in the trail
        row = db.session.get(Inspection, inspection.id)
        db.session.add(Photo(inspection_id=row.id, item_id=inspection.floor, township_id=row.township_id,
                             target_kind=row.target_kind, target_id=row.target_id, sha256="0" * 64,
                             phash="0" * 16, width=64, height=48, size_bytes=100, flags=["reused"]))
        db.session.commit()
    client.post(f"/inspections/{inspection.id}/review",
                data={"action": "publish", "flag_reason": "现场复核确认照片属实"})
    trail = history(client.get(f"/inspections/{inspection.id}").text)
    assert "历史记录" in trail and "提交" in trail and "发布" in trail
    assert "<b>照片存疑仍予公布的理由</b>: <ins>现场复核确认照片属实</ins>" in trail
    assert "<b>存疑照片</b>: <ins>1 张</ins>" in trail
    assert "<del>已提交</del> → <ins>已发布</ins>" in trail


def test_the_order_page_shows_its_history(client, login, order):
    login("unit_a1")
    client.post(f"/orders/{order.id}/acknowledge")
    login("admin_a")
    trail = history(client.get(f"/orders/{order.id}").text)
    assert "下发" in trail and "<b>整改期限</b>" in trail
    assert "<b>已签收</b>: <ins>是</ins>" in trail and "acknowledged" not in trail


def test_the_plan_page_shows_its_history_with_the_withdrawal(app, client, world, login, sheet):
    login("admin_a")
    client.post("/plans/new", data=plan_form(world, sheet, recurrence="weekly"))
    plan_id = the_plan(app)
    client.post(f"/plans/{plan_id}/withdraw")
    trail = history(client.get(f"/plans/{plan_id}").text)
    assert "撤回未开始的检查" in trail and "<b>撤回的未开始检查（项）</b>: <ins>" in trail
    assert "<b>使用中</b>: <del>是</del> → <ins>否</ins>" in trail
    assert "withdrawn" not in trail


@pytest.mark.parametrize("user", ["inspector_a", "village_a1", "unit_a1"])
def test_only_the_office_reads_the_history_of_an_inspection_or_an_order(client, login, order, user):
    login("admin_a")
    client.post(f"/inspections/{order.inspection.id}/review", data={"action": "publish"})
    login(user)
    for url in (f"/inspections/{order.inspection.id}", f"/orders/{order.id}"):
        page = client.get(url)
        assert page.status_code == 200 and HISTORY not in page.text, url


def test_another_townships_admin_reads_no_history(client, login, order):
    login("admin_b")
    assert client.get(f"/orders/{order.id}").status_code == 404
    assert client.get(f"/inspections/{order.inspection.id}").status_code == 404


@pytest.mark.parametrize("kind, shown, hidden", [
    ("inspection", "提交", "下发"),
    ("rectification_order", "下发", "提交"),
])
def test_the_whole_trail_filters_by_inspections_and_orders(client, login, order, kind, shown, hidden):
    login("admin_a")
    page = client.get(f"/audit/?type={kind}").text
    rows = page[page.index("<tbody>"):]
    assert f'<option value="{kind}" selected>' in page
    assert f'<td data-label="操作">{shown}</td>' in rows and f'<td data-label="操作">{hidden}</td>' not in rows


def test_the_trail_filter_offers_plans_and_rankings_and_ignores_an_unknown_type(app, client, world, login,
                                                                               sheet):
    login("admin_a")
    client.post("/plans/new", data=plan_form(world, sheet))
    page = client.get("/audit/?type=inspection_plan").text
    assert "检查计划" in page and "餐饮月查" in page[page.index("<tbody>"):]
    assert '<option value="ranking"' in page
    with app.app_context():
        from hygiene.audit.models import AuditEvent
        total = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    everything = client.get("/audit/?type=nonsense")
    assert everything.status_code == 200 and f"共{total}条" in everything.text


def test_an_amendment_in_the_trail_words_results_and_shows_a_changed_grade(client, login, inspection):
    submitted(client, login, inspection)
    client.post(f"/inspections/{inspection.id}/review", data={"action": "publish"})
    form = all_pass(inspection, **{f"grade_{inspection.records}": "15", f"result_{inspection.refuse}": "na",
                                   "reason": "复核台账"})
    assert client.post(f"/inspections/{inspection.id}/amend", data=form).status_code == 302
    for url in ("/audit/", f"/inspections/{inspection.id}", "/"):
        trail = client.get(url).text
        trail = trail[trail.index('class="table audit"'):]
        assert "<del>合格 · 给 20 分</del> → <ins>合格 · 给 15 分</ins>" in trail, url
        assert "<del>合格</del> → <ins>不适用</ins>" in trail, url
        assert "pass" not in trail and ">na<" not in trail, url


@pytest.mark.parametrize("url", ["/audit/", "/"])
def test_naming_places_in_the_trail_keeps_the_query_count_flat(app, client, world, login, count_queries, url):
    from hygiene.audit.models import AuditEvent

    def add(n):
        with app.app_context():
            for i in range(n):
                village, unit = (world.a1, world.unit_a1) if i % 2 else (world.a2, world.unit_a2)
                db.session.add(AuditEvent(action="update", entity_type="user_account", entity_label=f"u{i}",
                                          township_id=world.ta, before={"village_id": village, "unit_id": None},
                                          after={"village_id": world.a1, "unit_id": unit,
                                                 "township_id": world.ta}))
            db.session.commit()

    login("admin_a")
    add(10)
    with count_queries() as small:
        page = client.get(url).text
    assert "甲二村" in page and "a2饭店" in page
    add(90)
    with count_queries() as large:
        client.get(url)
    assert large[0] == small[0]
