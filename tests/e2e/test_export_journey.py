"""Journey: an export too big for the request is prepared in the background; the page shows its
progress, the bell tells when it is ready, and the file downloads from the task's page."""
from __future__ import annotations

import re
from io import BytesIO

from openpyxl import load_workbook
from playwright.sync_api import expect


def _run_exports(session):
    from hygiene.clock import now_utc
    from hygiene.exports.jobs import run_exports

    return run_exports(now=now_utc())


def test_a_background_export_shows_progress_tells_and_downloads(page, sign_in, db_query, shot, live_server,
                                                                 monkeypatch, tmp_path):
    from hygiene.exports import views

    monkeypatch.setattr(views, "SYNC_ROWS", 0)  # every export goes to the background
    monkeypatch.setitem(live_server.app.config, "EXPORT_DIR", str(tmp_path))
    page.context.clear_cookies()
    sign_in("admin")
    page.goto("/inspections/")
    page.get_by_role("link", name="导出本月 Excel").click()  # no dates chosen: the button says so
    expect(page.locator("main")).to_contain_text("后台")
    shot("confirm")
    page.get_by_role("button", name="开始导出").click()
    expect(page).to_have_url(re.compile(r"/exports/tasks/\d+$"))
    expect(page.locator("#export-progress")).to_be_visible()
    expect(page.locator("main")).to_contain_text("等待开始")
    shot("waiting")

    assert db_query(_run_exports)["exports_made"] == 1  # the scheduler's runner takes it
    download_link = page.locator("#export-download")
    expect(download_link).to_be_visible(timeout=10_000)  # the page polls and shows the file
    shot("ready")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.startswith("检查记录")
    with open(download.value.path(), "rb") as saved:
        book = load_workbook(BytesIO(saved.read()))
    assert [sheet.title for sheet in book.worksheets] == ["检查记录", "检查项目"]

    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text("可以下载")
