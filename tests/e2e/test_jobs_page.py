"""The jobs page tells the office that a daily job died with the scheduler and is run again."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect


def test_a_job_that_died_midway_shows_on_the_jobs_page(page, sign_in, shot, db_query):
    from hygiene.clock import now_utc
    from hygiene.scheduler import runner

    def die_midway(session):
        started = now_utc() - timedelta(minutes=20)
        runner._started("morning_digest", started - timedelta(days=1))  # yesterday's run finished
        runner._finished("morning_digest", started - timedelta(days=1), result="12 digests queued")
        runner._started("morning_digest", started)  # what run_job records before the work
        session.commit()  # ... and then the process is killed: the next start finds it
        runner.record_dead_runs(now_utc())
        session.commit()

    db_query(die_midway)
    sign_in("admin")
    page.goto("/admin/jobs/")
    row = page.locator("#job-morning_digest")
    expect(row.locator(".status")).to_have_text("中断")
    expect(row.locator(".job-died")).to_contain_text("未完成即随调度程序中断")
    expect(row.locator(".job-died")).to_contain_text("调度程序启动时将补运行一次")
    expect(page.locator("#job-recompute_deadlines")).to_contain_text("每天02:10")
    shot("died")
