"""The printed notice: dates as the office writes them, the seal's place, the QR link at the
site's public address; the batch print of the listed orders, within the reader's scope."""
import re
import secrets
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import render_template_string

from config import ProductionConfig, TestConfig
from hygiene import create_app
from hygiene.extensions import db
from hygiene.rectifications.models import OrderItem, RectificationOrder

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def chinese(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def deadline_of(app, order_id) -> date:
    with app.app_context():
        return db.session.get(RectificationOrder, order_id).deadline


# ------------------------------------------------------------------ the notice reads like the office's

def test_the_notice_writes_its_dates_in_chinese_and_has_a_place_for_the_seal(app, client, login, order):
    login("admin_a")
    text = client.get(f"/orders/{order.id}/notice").text
    deadline = deadline_of(app, order.id)
    assert f"整改期限：{chinese(deadline)}前" in text and f"最迟于{chinese(deadline)}前整改到位" in text
    assert "2026年11月23日" in text  # the issue date under the office's name
    assert "（盖章）" in text and "甲镇爱国卫生运动委员会办公室" in text and "〔2026〕第1号" in text
    assert "对你单位进行了卫生检查" in text and "签收日期" in text
    assert not ISO_DATE.search(text), ISO_DATE.search(text)


def test_the_notice_in_english_writes_dates_in_words(app, client, login, order):
    login("admin_a")
    client.get("/?lang=en")
    text = client.get(f"/orders/{order.id}/notice?lang=en").text
    deadline = deadline_of(app, order.id)
    assert f"{deadline:%B} {deadline.day}, {deadline.year}" in text and not ISO_DATE.search(text)


def test_the_date_filter_reads_dates_and_stored_times_in_the_office_timezone(app):
    with app.test_request_context("/"):
        template = "{{ d|doc_date }}|{{ t|doc_date }}|{{ iso|doc_date }}|{{ none|doc_date }}"
        late_evening_utc = datetime(2026, 12, 3, 17, 30, tzinfo=UTC)  # 4 Dec, 01:30 in Shanghai
        assert render_template_string(template, d=date(2026, 1, 9), t=late_evening_utc, iso="2026-10-31",
                                      none=None) == "2026年1月9日|2026年12月4日|2026年10月31日|"


def test_the_notice_lists_the_item_photos_on_an_annex_and_points_to_them(app, client, login, order):
    login("admin_a")
    text = client.get(f"/orders/{order.id}/notice").text
    assert '<section class="annex' in text and "检查发现问题照片" in text and "图1" in text
    assert text.count(f"/o/{order.token}/photos/") == 1  # the floor item's one photo


# ------------------------------------------------------------------ the QR link's address

def _short_link(text: str) -> str:
    return re.search(r"<small>([^<]+/o/[^<]+)</small>", text)[1]


def test_the_qr_link_ignores_forwarded_headers_unless_a_proxy_is_configured(app, client, login, order):
    login("admin_a")
    page = client.get(f"/orders/{order.id}/notice", headers={"X-Forwarded-Proto": "https",
                                                            "X-Forwarded-Host": "evil.example"})
    assert _short_link(page.text) == f"http://localhost/o/{order.token}"


@pytest.fixture
def proxied_app(app):
    """The same database served behind one HTTPS proxy, as ProxyFix settings describe it."""

    class Behind(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        UPLOAD_DIR = app.config["UPLOAD_DIR"]
        PROXY_FIX_X_FOR = PROXY_FIX_X_PROTO = PROXY_FIX_X_HOST = 1

    proxied = create_app(Behind)
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def test_behind_a_configured_https_proxy_the_qr_link_says_https(proxied_app, order):
    client = proxied_app.test_client()
    client.post("/login", data={"username": "admin_a", "password": "pw-12345678"})
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "aiwei.example.cn",
               "X-Forwarded-For": "10.0.0.7"}
    page = client.get(f"/orders/{order.id}/notice", headers=headers)
    assert _short_link(page.text) == f"https://aiwei.example.cn/o/{order.token}"
    public = client.get(f"/o/{order.token}", headers=headers)
    assert _short_link(public.text) == f"https://aiwei.example.cn/o/{order.token}"


def test_a_configured_public_base_url_makes_the_qr_link(app, client, login, order, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://aiwei.example.cn/")
    login("admin_a")
    text = client.get(f"/orders/{order.id}/notice").text
    assert _short_link(text) == f"https://aiwei.example.cn/o/{order.token}"


def test_public_links_join_base_and_path_with_one_slash():
    from hygiene.core.web import absolute_url

    assert absolute_url("https://aiwei.example.cn/", "/orders/7") == "https://aiwei.example.cn/orders/7"
    assert absolute_url("https://x.cn/hygiene", "orders/7") == "https://x.cn/hygiene/orders/7"


def test_production_trusts_one_proxy_and_development_none():
    assert ProductionConfig.PROXY_FIX_X_PROTO == 1 and ProductionConfig.PROXY_FIX_X_FOR == 1
    assert TestConfig.PROXY_FIX_X_PROTO == 0 and TestConfig.PROXY_FIX_X_HOST == 0


# ------------------------------------------------------------------ the batch print

def add_orders(app, world, order, *where, issued_on=date(2026, 11, 23)) -> list[int]:
    """One-item orders at each (township, village, unit) key of `world`, numbered after the others."""
    with app.app_context():
        ids = []
        item_id = db.session.scalar(sa.select(OrderItem.item_id))
        for township, village, unit in where:
            number = 1 + (db.session.scalar(sa.select(sa.func.max(RectificationOrder.number)).where(
                RectificationOrder.township_id == getattr(world, township))) or 0)
            row = RectificationOrder(
                township_id=getattr(world, township), village_id=getattr(world, village),
                unit_id=getattr(world, unit) if unit else None, target_kind="unit" if unit else "village",
                target_id=getattr(world, unit or village), target_label=f"{village} {unit or ''}",
                inspection_id=order.inspection.id, year=issued_on.year, number=number,
                token=secrets.token_urlsafe(9)[:12], issued_on=issued_on, deadline=date(2026, 12, 4))
            db.session.add(row)
            db.session.flush()
            db.session.add(OrderItem(order_id=row.id, item_id=item_id, text=f"问题{row.id}", note="",
                                     points_lost=Decimal(1), severity="normal"))
            ids.append(row.id)
        db.session.commit()
        return ids


def printed(response) -> list[str]:
    """The numbers of the notices on a batch page, in print order."""
    return re.findall(r'<p class="number">([^<]+)</p>', response.text)


def test_the_office_prints_the_listed_orders_one_notice_per_page_by_number(app, world, client, login, order):
    add_orders(app, world, order, ("ta", "a2", None), ("ta", "a1", "unit_a1"), ("tb", "b1", None))
    login("admin_a")
    page = client.get("/orders/notices?status=all")
    assert page.status_code == 200 and "data-print" in page.text
    assert printed(page) == ["〔2026〕第1号", "〔2026〕第2号", "〔2026〕第3号"]  # not 乙镇's
    assert page.text.count('<article class="notice') == 3 and page.text.count("（盖章）") == 3
    assert "共3份通知书" in page.text and '<section class="annex' not in page.text
    tokens = set(re.findall(r"<small>http://localhost/o/([\w-]+)</small>", page.text))
    assert len(tokens) == 3
    by_village = client.get(f"/orders/notices?status=all&village_id={world.a2}")
    assert printed(by_village) == ["〔2026〕第2号"]
    with_photos = client.get("/orders/notices?status=all&photos=1")
    assert with_photos.text.count('<section class="annex') == 3  # the orders share the floor's photo
    assert "另附照片附件页" in with_photos.text and "每份一页" not in with_photos.text


def test_the_orders_list_links_each_notice_and_the_batch_with_its_filters(app, world, client, login, order):
    login("admin_a")
    page = client.get(f"/orders/?status=all&village_id={world.a1}&issued_in=2026-11")
    assert f'href="/orders/{order.id}/notice"' in page.text
    batch = re.search(r'href="(/orders/notices\?[^"]+)"', page.text)[1].replace("&amp;", "&")
    assert "status=all" in batch and f"village_id={world.a1}" in batch and "issued_in=2026-11" in batch
    assert "批量打印通知书（1份）" in page.text
    assert printed(client.get(batch)) == ["〔2026〕第1号"]


def test_a_month_filter_prints_only_that_months_orders(app, world, client, login, order):
    add_orders(app, world, order, ("ta", "a1", None), issued_on=date(2026, 10, 30))
    login("admin_a")
    assert printed(client.get("/orders/notices?status=all&issued_in=2026-11")) == ["〔2026〕第1号"]
    assert printed(client.get("/orders/notices?status=all&issued_in=2026-10")) == ["〔2026〕第2号"]
    assert len(printed(client.get("/orders/notices?status=all&issued_in=2026-13"))) == 2  # ignored
    for nonsense in ("nonsense", "9999-12", "2026-11-05", "0000-01"):
        assert client.get(f"/orders/?status=all&issued_in={nonsense}").status_code == 200
        assert client.get(f"/orders/notices?status=all&issued_in={nonsense}").status_code == 200


def test_a_village_contact_prints_only_their_own_whatever_the_filters(app, world, client, login, order):
    add_orders(app, world, order, ("ta", "a2", None), ("tb", "b1", None))
    login("village_a1")
    assert printed(client.get("/orders/notices?status=all")) == ["〔2026〕第1号"]
    foreign = client.get(f"/orders/notices?status=all&village_id={world.a2}")
    assert foreign.status_code == 200 and printed(foreign) == [] and "没有符合筛选条件的整改通知" in foreign.text
    assert printed(client.get(f"/orders/notices?status=all&village_id={world.b1}")) == []
    login("village_b1")
    assert printed(client.get("/orders/notices?status=all")) == ["〔2026〕第1号"]  # 乙镇's own first
    assert "甲" not in "".join(re.findall(r'<p class="to">([^<]+)</p>',
                                         client.get(f"/orders/notices?status=all&village_id={world.a1}").text))


def test_a_unit_contact_prints_only_their_units_orders(app, world, client, login, order):
    add_orders(app, world, order, ("ta", "a1", None))
    login("unit_a1")
    assert printed(client.get("/orders/notices?status=all")) == ["〔2026〕第1号"]


def test_signed_out_the_batch_page_asks_for_a_sign_in(client, order):
    response = client.get("/orders/notices?status=all")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_too_many_at_once_goes_back_to_the_list_with_the_reason(app, world, client, login, order, monkeypatch):
    add_orders(app, world, order, ("ta", "a1", None), ("ta", "a2", None))
    monkeypatch.setitem(app.config, "NOTICE_BATCH_LIMIT", 2)
    login("admin_a")
    response = client.get("/orders/notices?status=all&village_id=&issued_in=2026-11")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/orders/?") and "issued_in=2026-11" in response.headers["Location"]
    shown = client.get(response.headers["Location"])
    assert "符合条件的整改通知共3份，一次最多打印2份" in shown.text
    assert len(printed(client.get(f"/orders/notices?status=all&village_id={world.a1}"))) == 2


def test_the_batch_reads_the_same_number_of_queries_for_3_or_12_orders(app, world, client, login, order,
                                                                      count_queries):
    login("admin_a")
    add_orders(app, world, order, *[("ta", "a1", None)] * 2)
    with count_queries() as few:
        assert len(printed(client.get("/orders/notices?status=all&photos=1"))) == 3
    add_orders(app, world, order, *[("ta", "a2", "unit_a2")] * 9)
    with count_queries() as many:
        assert len(printed(client.get("/orders/notices?status=all&photos=1"))) == 12
    assert many[0] == few[0]


def test_each_item_on_the_notice_says_how_many_points_it_lost(app, client, login, order):
    """An item that was not failed outright (a partial grade) still says why it is on the notice."""
    with app.app_context():
        items = db.session.scalars(sa.select(OrderItem).where(OrderItem.order_id == order.id)
                                   .order_by(OrderItem.id)).all()
        items[0].note, items[0].points_lost = "", Decimal("0.5")
        db.session.commit()
    login("admin_a")
    assert "（扣0.5分）" in client.get(f"/orders/{order.id}/notice").text
    assert "（扣0.5分）" in client.get(f"/orders/{order.id}").text


@pytest.mark.parametrize("query", ["status=bogus", "issued_in=2026-13", "due_before=2026-02-30", "village_id=abc"])
def test_a_filter_that_cannot_be_read_is_said_to_be_left_out(world, client, login, order, query):
    login("admin_a")
    page = client.get(f"/orders/?{query}")
    assert page.status_code == 200 and "筛选条件无法识别" in page.text


def test_the_list_form_s_own_filters_raise_no_warning(world, client, login, order):
    login("admin_a")
    page = client.get("/orders/?status=all&village_id=&due_before=&issued_in=")
    assert page.status_code == 200 and "筛选条件无法识别" not in page.text


def test_a_list_counted_past_the_cap_offers_its_notices_as_more_than(app, world, client, login, order, monkeypatch):
    from hygiene.core import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 10)
    add_orders(app, world, order, *[("ta", "a1", None)] * 25)   # 26 in township A, 25 a page
    login("admin_a")
    page = client.get("/orders/?status=all")
    assert "批量打印通知书（10多份）" in page.text and "第1页，共10多条" in page.text
    assert "批量打印通知书（26份）" in client.get("/orders/?status=all&page=2").text   # the last page: exact
