"""The job registry: each domain declares its jobs; a wrong declaration stops the start."""
from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from hygiene.scheduler.registry import Job, JobRegistrationError, Registry, load_job_modules

HYGIENE = Path(__file__).resolve().parents[2] / "hygiene"
STABLE_IDS = ["run_exports", "dispatch_notifications", "letters_measure", "scan_deadlines", "clean_leftovers", "generate_inspections",
              "recompute_deadlines", "daily_backup", "clean_exports", "pest_reminders", "toilet_reminders", "creation_reviews",
              "education_reminders", "food_certificate_reminders", "campaign_reminders", "morning_digest",
              "monthly_briefing"]  # stored in job_run rows: never renamed


def counts(**values):
    return lambda *, now: dict(values)


def test_a_duplicate_job_id_is_refused_at_registration():
    registry = Registry()
    registry.register(Job("sweep", counts(a=1), "Sweep", "hourly", every=timedelta(hours=1)))
    with pytest.raises(JobRegistrationError, match="'sweep' is registered twice"):
        registry.register(Job("sweep", counts(b=1), "Sweep again", "daily", at=time(3, 0)))
    assert [job.id for job in registry.jobs()] == ["sweep"]


@pytest.mark.parametrize("func", [None, "hygiene.rectifications.reminders:scan_deadlines"])
def test_a_job_without_a_function_is_refused_at_registration(func):
    with pytest.raises(JobRegistrationError, match="no function to run"):
        Registry().register(Job("sweep", func, "Sweep", "hourly", every=timedelta(hours=1)))
    with pytest.raises(JobRegistrationError, match="no function to run"):
        Registry().register_part("sweep", func)


def test_a_job_needs_exactly_one_schedule_and_a_plain_id():
    with pytest.raises(JobRegistrationError, match="exactly one of every= or at="):
        Registry().register(Job("sweep", counts(), "Sweep", "?"))
    with pytest.raises(JobRegistrationError, match="exactly one of every= or at="):
        Registry().register(Job("sweep", counts(), "Sweep", "?", every=timedelta(hours=1), at=time(1, 0)))
    with pytest.raises(JobRegistrationError, match="plain name"):
        Registry().register(Job("scan deadlines", counts(), "Sweep", "hourly", every=timedelta(hours=1)))


def test_parts_join_their_job_and_a_part_of_an_undeclared_job_is_refused():
    registry = Registry()
    registry.register_part("scan", counts(inspection_reminders=2))  # the declaring module loads later
    registry.register(Job("scan", counts(reminders=1), "Scan", "hourly", every=timedelta(hours=1)))
    [scan] = registry.jobs()
    assert scan.func(now=datetime(2026, 3, 2, tzinfo=UTC)) == {"reminders": 1, "inspection_reminders": 2}
    registry.register_part("scna", counts())  # a typo
    with pytest.raises(JobRegistrationError, match="nobody declared: scna"):
        registry.jobs()


def test_a_job_module_that_does_not_exist_stops_the_start(monkeypatch):
    import hygiene
    from config import TestConfig

    with pytest.raises(JobRegistrationError, match="'hygiene.rectification.jobs' does not exist"):
        load_job_modules(["hygiene.rectification.jobs"], Registry())
    monkeypatch.setattr(hygiene, "JOB_MODULES", (*hygiene.JOB_MODULES, "hygiene.inspection.jobs"))
    with pytest.raises(JobRegistrationError, match="'hygiene.inspection.jobs' does not exist"):
        hygiene.create_app(TestConfig)


def test_the_domains_register_the_jobs_with_their_ids_of_before(app):
    from hygiene.scheduler import registered_jobs

    assert [job.id for job in registered_jobs()] == STABLE_IDS  # the most frequent first, then by time


def test_every_job_the_page_shows_is_registered(app, world, login):
    from hygiene.scheduler import registered_jobs

    page = login("admin_a").get("/admin/jobs/").get_data(as_text=True)
    assert re.findall(r'id="job-([a-z_]+)"', page) == [job.id for job in registered_jobs()] == STABLE_IDS


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_only_the_scheduler_imports_apscheduler_and_the_registry_imports_no_domain():
    for path in HYGIENE.rglob("*.py"):
        modules = imports_of(path)
        if path.parent.name != "scheduler":
            assert not any(m.startswith("apscheduler") for m in modules), path
        if path.parent.name == "notifications":  # domains join notifications, never the reverse
            assert not any(m.startswith(("hygiene.rectifications", "hygiene.inspections")) for m in modules), path
    assert not any(m.startswith("hygiene") for m in imports_of(HYGIENE / "scheduler" / "registry.py"))
    assert imports_of(HYGIENE / "scheduler" / "__init__.py") == {"hygiene.scheduler.registry"}


def test_a_run_skipped_while_the_last_is_still_going_is_logged_not_raised(caplog):
    """APScheduler tells of a run still going with a submission event, which has run times, not one."""
    from datetime import UTC, datetime

    from apscheduler.events import (
        EVENT_JOB_MAX_INSTANCES,
        EVENT_JOB_MISSED,
        JobExecutionEvent,
        JobSubmissionEvent,
    )

    from hygiene.scheduler.scheduling import _log_event

    at = datetime(2026, 11, 29, 7, 15, tzinfo=UTC)
    _log_event(JobSubmissionEvent(EVENT_JOB_MAX_INSTANCES, "pest_reminders", "default", [at]))
    _log_event(JobExecutionEvent(EVENT_JOB_MISSED, "toilet_reminders", "default", at))
    assert [r.getMessage().split(" skipped")[0] for r in caplog.records] == [
        "scheduled job pest_reminders", "scheduled job toilet_reminders"]
