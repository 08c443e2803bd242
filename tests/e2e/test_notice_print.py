"""The printed notice in Chromium's own PDF: one A4 page per notice (up to 8 items), its
photos on one annex page, and a batch of notices one per page.

The PDFs and a PNG of each page go to tests/e2e/screenshots/ for a person to look at."""
from __future__ import annotations

import io
import re
import secrets
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.e2e.conftest import CHROMIUM_ARGS, DEMO_PASSWORD, SCREENSHOTS  # noqa: F401

# notes as long as inspectors write them on a phone
NOTES = ["后厨地面有积水，排水沟盖板缺失，墙角有霉斑", "垃圾桶未加盖，周边散落生活垃圾，未及时清运",
         "防蝇门帘破损，操作间有苍蝇活动", "消毒柜未通电，消毒记录自上月起缺失",
         "仓库物品离地离墙不足十厘米，堆放杂乱", "从业人员健康证两人过期，未佩戴口罩帽子",
         "鼠迹明显，防鼠板高度不足，下水道口无防鼠网", "健康教育宣传栏内容未更新，仍为去年材料"]


def _order_with(session, items: int, photos_per_item: int, issued_on: date = date(2026, 11, 23)) -> int:
    """A new order in the demo township with `items` failed items, each with its photos."""
    from hygiene.checklists.models import TemplateItem
    from hygiene.inspections.models import Inspection
    from hygiene.media.models import Photo
    from hygiene.rectifications.models import OrderItem, RectificationOrder

    old = session.scalars(sa.select(Photo).where(Photo.purpose == "inspection", Photo.order_id.is_(None))
                          .order_by(Photo.id).limit(16)).all()
    source = session.get(Inspection, old[0].inspection_id)
    version_id = session.scalar(sa.select(TemplateItem.version_id).group_by(TemplateItem.version_id)
                                .having(sa.func.count() >= 8).order_by(TemplateItem.version_id).limit(1))
    sheet = session.scalars(sa.select(TemplateItem).where(TemplateItem.version_id == version_id)
                            .order_by(TemplateItem.position, TemplateItem.id).limit(items)).all()
    copy = Inspection(version_id=version_id, township_id=source.township_id, village_id=source.village_id,
                      target_kind=source.target_kind, target_id=source.target_id, unit_id=source.unit_id,
                      target_label=source.target_label, planned_date=source.planned_date,
                      due_date=source.due_date, status="submitted", started_at=source.started_at,
                      submitted_at=source.submitted_at)
    session.add(copy)
    session.flush()
    number = 1 + (session.scalar(sa.select(sa.func.max(RectificationOrder.number))
                                 .where(RectificationOrder.year == issued_on.year)) or 0)
    order = RectificationOrder(township_id=copy.township_id, village_id=copy.village_id, unit_id=copy.unit_id,
                               target_kind=copy.target_kind, target_id=copy.target_id,
                               target_label=copy.target_label, inspection_id=copy.id, year=issued_on.year,
                               number=number, token=secrets.token_urlsafe(9)[:12],
                               issued_on=issued_on, deadline=issued_on + timedelta(days=11))
    session.add(order)
    session.flush()
    for n, item in enumerate(sheet):
        session.add(OrderItem(order_id=order.id, item_id=item.id, text=item.text, note=NOTES[n % len(NOTES)],
                              points_lost=Decimal(2), severity="normal"))
        for k in range(photos_per_item):
            like = old[(n * photos_per_item + k) % len(old)]
            session.add(Photo(inspection_id=copy.id, item_id=item.id, purpose="inspection",
                              township_id=copy.township_id, target_kind=copy.target_kind,
                              target_id=copy.target_id, sha256=like.sha256, phash=like.phash,
                              width=like.width, height=like.height, size_bytes=like.size_bytes))
    session.commit()
    return order.id


@pytest.fixture
def office(browser, live_server):
    """A desktop page signed in as the office's admin (paper does not depend on the viewport)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    yield page
    context.close()


def _pdf_pages(page, url: str, name: str) -> list[str]:
    """Open `url`, print it to an A4 PDF as Chromium does, keep it; the text of each page."""
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"{name}.pdf").write_bytes(pdf)
    # NFKC, on both sides: the CJK fonts map some characters (月, 日) to their Kangxi radical look-alikes
    return [_plain(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def _is_whole_notice(text: str) -> bool:
    """The page holds a notice from its title to its seal, date and signature lines."""
    return all(_plain(part) in text for part in ("限期整改通知书", "整改要求", "整改期限：2026年12月4日前", "检查人（签字）",
                                         "（盖章）", "清溪镇爱国卫生运动委员会办公室", "2026年11月23日"))


@pytest.mark.parametrize("items", [1, 4, 8])
def test_a_notice_is_one_a4_page_and_its_photos_one_annex_page(office, db_query, items):
    order_id = db_query(lambda s: _order_with(s, items, photos_per_item=2))
    notice, annex = _pdf_pages(office, f"/orders/{order_id}/notice", f"notice-{items}-items")
    assert _is_whole_notice(notice) and f"问题{items}" not in notice
    assert annex.startswith("附件") and _plain(f"图{2 * items}问题{items}：") in annex and "盖章" not in annex


def test_a_notice_without_photos_is_one_page(office, db_query):
    order_id = db_query(lambda s: _order_with(s, 8, photos_per_item=0))
    [notice] = _pdf_pages(office, f"/orders/{order_id}/notice", "notice-8-items-no-photos")
    assert _is_whole_notice(notice)


def test_a_batch_prints_one_notice_per_page(office, db_query):
    """Three orders issued in January 2025 (a month the demo has none of), printed together."""
    for items in (2, 5, 8):
        db_query(lambda s, n=items: _order_with(s, n, photos_per_item=1, issued_on=date(2025, 1, 6)))
    office.goto("/orders/?status=all&issued_in=2025-01")
    office.screenshot(path=str(SCREENSHOTS / "notice_print-orders-list.png"), full_page=True)
    office.get_by_role("link", name=re.compile("批量打印通知书")).click()
    office.wait_for_load_state()
    assert office.locator("article.notice").count() == 3
    office.screenshot(path=str(SCREENSHOTS / "notice_print-batch-screen.png"))
    pages = _pdf_pages(office, office.url, "notices-batch")
    assert len(pages) == 3 and all(p.count("限期整改通知书") == 1 and _plain("（盖章）") in p for p in pages)
    office.get_by_role("link", name="附问题照片").click()
    office.wait_for_load_state()
    pages = _pdf_pages(office, office.url, "notices-batch-annexes")
    assert [p.startswith("附件") for p in pages] == [False, True] * 3
