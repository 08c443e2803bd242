"""A spring unified rat-baiting campaign from plan to level, in the browser (issue 10's "done when"):
the office plans the round and announces it, issues bait from stock to the village, the village
contact records the baiting with a photo, a refusal and a mop-up that covers it, the inspector
enters the rodent survey, the level shows, and the ledger balances to the gram: what the office
took in less what it issued is its stock; what the village was issued less what it used is what
it holds."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

HOME_VILLAGE = "东山村"
BAIT = "溴敌隆毒饵"


def _photo(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (110, 130 + shade, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def _choose(select, text: str) -> None:
    """Pick the option whose label contains `text` (a product is shown with its unit and stock)."""
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


def _office_stock(page) -> Decimal:
    return Decimal(page.locator("#office-stock").inner_text().split()[0])


def _ledger_facts(db_query, round_name: str):
    """From the database: the bait's in/issued/used totals, office stock and the village's use in the round."""
    def read(session):
        from hygiene.pests.models import PestProduct, SupplyMovement
        from hygiene.pests.rounds.models import PestRound, RoundWork
        from hygiene.places.models import Village

        product = session.scalar(sa.select(PestProduct).where(PestProduct.name == BAIT))
        village = session.scalar(sa.select(Village).where(Village.name == HOME_VILLAGE))
        pest_round = session.scalar(sa.select(PestRound).where(PestRound.name == round_name))
        moves = session.scalars(sa.select(SupplyMovement).where(SupplyMovement.product_id == product.id)).all()

        def total(kind, **where):
            return sum((Decimal(m.quantity) for m in moves if m.kind == kind
                        and all(getattr(m, k) == v for k, v in where.items())), Decimal(0))
        village_held = (total("issue", village_id=village.id, unit_id=None)
                        - total("return", village_id=village.id, unit_id=None)
                        - total("use", village_id=village.id, unit_id=None))
        work = session.scalars(sa.select(RoundWork).where(RoundWork.round_id == pest_round.id)).all()
        return dict(stock=Decimal(product.stock), taken_in=total("in"), issued=total("issue"),
                    returned=total("return"), village_held=village_held,
                    round_use=total("use", round_id=pest_round.id),
                    work_used=sum((Decimal(w.quantity_used or 0) for w in work), Decimal(0)),
                    photos=[w.id for w in work])
    return db_query(read)


def test_a_spring_rat_campaign_runs_from_plan_to_level(page, sign_in, submit, shot, viewport, db_query):
    from hygiene.clock import local_today

    today = local_today()
    round_name = f"春季统一灭鼠演练（{viewport}）"

    # the office plans the round for the home village and announces it
    sign_in("admin")
    page.locator("nav.mainnav a", has_text="除四害轮次").click()
    page.locator("a.button", has_text="安排轮次").click()
    form = page.locator("main form")
    form.locator("input[name=name]").fill(round_name)
    form.locator("input[name=pests][value=rodent]").check()
    form.locator("select[name=season]").select_option("spring")
    form.locator("input[name=starts_on]").fill((today - timedelta(days=3)).isoformat())
    form.locator("input[name=ends_on]").fill((today + timedelta(days=7)).isoformat())
    form.locator("input[name=method]").fill("室内及田埂统一投放毒饵，傍晚投药")
    _choose(form.locator("select[name=product_id]"), BAIT)
    form.locator("input[name=dose]").fill("每户2-3堆，每堆10克")
    village_row = form.locator("li.target-row", has_text=HOME_VILLAGE).first
    village_row.locator("input[type=checkbox]").first.check()
    village_row.locator("input[name$=_households]").first.fill("20")
    shot("plan")
    assert submit(form.locator("button[type=submit].primary")).status == 303
    expect(page.locator("h1")).to_contain_text(round_name)
    shot("planned")
    assert submit(page.locator(".round-actions button.primary")).status == 303
    expect(page.locator("h1 .badge")).to_have_text("已发布")

    # bait is issued from the office's stock to the village
    page.locator("header").get_by_role("link", name="药物", exact=True).click()
    page.get_by_role("link", name=BAIT).click()
    stock_before = _office_stock(page)
    form = page.locator("main form")
    form.locator("select[name=kind]").select_option("issue")
    form.locator("input[name=quantity]").fill("1.25")
    form.locator("select[name=village_id]").select_option(label=HOME_VILLAGE)
    form.locator("input[name=taker_name]").fill("李保管")
    form.locator("input[name=signature]").fill("李保管")
    assert submit(form.locator("button[type=submit]")).status == 303
    assert _office_stock(page) == stock_before - Decimal("1.25")

    # the village contact records the baiting with a photo
    sign_in("village", fresh=True)
    page.locator("nav.mainnav a", has_text="除四害轮次").click()
    page.get_by_role("link", name=round_name).click()
    page.locator("a", has_text=HOME_VILLAGE).first.click()
    expect(page).to_have_url(re.compile(r"/pests/rounds/\d+/targets/\d+$"))
    page.locator("a.button", has_text="登记工作").click()
    form = page.locator("main form")
    form.locator("input[name=done_on]").fill((today - timedelta(days=2)).isoformat())
    form.locator("input[name=households_covered]").fill("17")
    form.locator("input[name=baits_placed]").fill("45")
    _choose(form.locator("select[name=product_id]"), BAIT)
    form.locator("input[name=quantity_used]").fill("0.875")
    form.locator("input[name=done_by]").fill("王村医、李保管")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "投药现场.jpg", "mimeType": "image/jpeg", "buffer": _photo(len(viewport))}])
    shot("work")
    assert submit(form.locator("button[type=submit]")).status == 303
    expect(page.locator("main")).to_contain_text("85")         # 17 of 20 households
    expect(page.locator("main img").first).to_be_visible()

    # a household refused; the mop-up covers it and two more
    page.locator("a.button", has_text="拒绝/未覆盖").click()
    form = page.locator("main form")
    form.locator("input[name=household_name]").fill("张大伯")
    form.locator("select[name=reason]").select_option("refused")
    assert submit(form.locator("button[type=submit]")).status == 303
    page.locator("a.button", has_text="补投补喷").click()
    form = page.locator("main form")
    form.locator("input[name=done_on]").fill((today - timedelta(days=1)).isoformat())
    form.locator("input[name=households_covered]").fill("3")
    form.locator("input[name=baits_placed]").fill("8")
    _choose(form.locator("select[name=product_id]"), BAIT)
    form.locator("input[name=quantity_used]").fill("0.125")
    form.locator("input[name=done_by]").fill("李保管")
    form.locator("input[name=resolves]").first.check()
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "补投.jpg", "mimeType": "image/jpeg", "buffer": _photo(40 + len(viewport))}])
    assert submit(form.locator("button[type=submit]")).status == 303
    expect(page.locator("main")).to_contain_text("100")        # 20 of 20
    shot("target")

    # the inspector enters the rodent survey after the baiting; the level shows
    sign_in("inspector", fresh=True)
    page.locator("nav.mainnav a", has_text="病媒监测").click()
    page.locator("a.button", has_text="录入结果").click()
    page.locator("a", has_text="鼠迹法（室内）").click()
    page.locator("select[name=village_id]").select_option(label=HOME_VILLAGE)
    page.locator("input[name=count_rooms_with_signs]").fill("2")
    page.locator("input[name=count_rooms_checked]").fill("100")
    assert submit(page.locator("main form button[type=submit]")).status == 303
    expect(page.locator(".level")).to_have_text("B级")         # 2% of rooms: B (≤3%)

    # the office sees the round covered and the ledger balancing to the gram
    sign_in("admin", fresh=True)
    page.locator("nav.mainnav a", has_text="除四害轮次").click()
    page.get_by_role("link", name=round_name).click()
    row = page.locator("table.coverage tbody tr", has_text=HOME_VILLAGE)
    expect(row).to_contain_text("100")
    shot("board")
    facts = _ledger_facts(db_query, round_name)
    assert len(facts["photos"]) == 2
    assert facts["round_use"] == facts["work_used"] == Decimal("1.000")
    assert facts["taken_in"] - facts["issued"] + facts["returned"] == facts["stock"]
    assert facts["village_held"] >= 0
    page.goto("/supplies/")
    page.get_by_role("link", name=BAIT).click()
    assert _office_stock(page) == facts["stock"] == stock_before - Decimal("1.25")
