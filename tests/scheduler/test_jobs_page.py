"""The scheduler's heartbeat page: administrators only."""
from tests.notifications.support import T0


def test_admins_see_every_job_with_its_last_run_and_error(app, world, login):
    from hygiene.scheduler.runner import run_job

    def broken(*, now):
        raise RuntimeError("数据库连接失败")

    run_job(app, "scan_deadlines", broken, clock=lambda: T0)
    for username in ("admin_a", "county"):
        page = login(username).get("/admin/jobs/")
        assert page.status_code == 200
        for job_id in ("dispatch_notifications", "scan_deadlines", "generate_inspections", "morning_digest"):
            assert f'id="job-{job_id}"' in page.text
        assert "数据库连接失败" in page.text
        assert "flask --app hygiene scheduler" in page.text  # this web process does not schedule


def test_everyone_else_is_refused(world, login):
    for username in ("inspector_a", "village_a1", "unit_a1"):
        assert login(username).get("/admin/jobs/").status_code == 403
