"""Journey: last month's demo ranking is published, shown to the public on a phone, exported
to Excel with the same numbers, and stays the same after an inspection is amended."""
from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO

import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect


def _last_month_and_township(session):
    from hygiene.clock import local_today
    from hygiene.core.periods import period_containing
    from hygiene.places.models import Township

    township = session.scalar(sa.select(Township.id).where(Township.name == "清溪镇"))
    return period_containing("month", local_today()).previous().key, township


def _amend_every_published_inspection_of(period_key):
    def amend(session):
        from hygiene.core.periods import parse_period
        from hygiene.inspections.models import Inspection

        period = parse_period(period_key)
        for inspection in session.scalars(sa.select(Inspection).where(
                Inspection.status == "published", Inspection.planned_date.between(period.start, period.end))):
            inspection.score = Decimal("1.00")
        session.commit()
    return amend


def test_a_month_ranks_publishes_shows_publicly_and_exports(page, sign_in, db_query, shot, viewport, live_server):
    period_key, township_id = db_query(_last_month_and_township)
    page.context.clear_cookies()
    sign_in("admin")
    page.goto(f"/rankings/?period={period_key}")
    expect(page.locator("table").first).to_be_visible()
    shot("live")
    publish = page.locator("form[action*='/rankings/publish']")
    publish.locator("textarea, input[name=note]").first.fill(f"更正（{viewport}）：复核后重新发布")
    publish.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/rankings/publications/\d+$"))
    publication_id = int(page.url.rsplit("/", 1)[1])
    shot("published")

    with page.expect_download() as download:
        page.locator(f"a[href='/exports/rankings/{publication_id}.xlsx']").first.click()
    with open(download.value.path(), "rb") as saved:
        workbook = load_workbook(BytesIO(saved.read()))
    sheet = workbook.worksheets[0]
    exported = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if isinstance(row[0], (int, float)) and row[1]:
            exported[str(row[1])] = Decimal(str(row[2])).quantize(Decimal("0.01"))
    assert exported, "the export lists the ranked villages"

    page.context.clear_cookies()  # the public page needs no login
    page.goto(f"/public/{township_id}/{period_key}/")
    expect(page.locator("body")).to_contain_text("更正")
    body = page.locator("main").inner_text()
    for name, score in list(exported.items())[:3]:
        assert name in body and str(score) in body, (name, score)
    shot("public")

    db_query(_amend_every_published_inspection_of(period_key))
    page.goto(f"/public/{township_id}/{period_key}/")
    after = page.locator("main").inner_text()
    for name, score in list(exported.items())[:3]:
        assert name in after and str(score) in after, "an amendment never changes the published page"
    shot("public-after-amendment")
