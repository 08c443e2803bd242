"""HYGIENE_TIMEZONE decides business dates, display and the scheduler's times."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVENING_UTC = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)  # 04:00 on 3 March in Beijing, 21:00 on 2 March in Berlin


@pytest.fixture
def berlin(app, monkeypatch):
    monkeypatch.setitem(app.config, "TIMEZONE", "Europe/Berlin")


def test_business_dates_and_display_follow_the_configured_zone(app, berlin):
    from hygiene.clock import local_today, to_local

    with app.app_context():
        assert local_today(EVENING_UTC) == date(2026, 3, 2)
        assert to_local(EVENING_UTC).strftime("%H:%M %Z") == "21:00 CET"
        with app.test_request_context():
            assert app.jinja_env.filters["local"](EVENING_UTC) == "2026-03-02 21:00"
    assert local_today(EVENING_UTC) == date(2026, 3, 3)  # no application: Asia/Shanghai


def test_the_scheduler_fires_the_daily_jobs_at_local_time_in_the_configured_zone(app, db, berlin):
    from hygiene.scheduler.scheduling import build_scheduler

    scheduler = build_scheduler(app, now=EVENING_UTC)
    scheduler.start(paused=True)
    try:
        assert str(scheduler.timezone) == "Europe/Berlin"
        digest = scheduler.get_job("morning_digest")
        assert str(digest.trigger.timezone) == "Europe/Berlin"
        # 07:30 in Berlin on 3 March is 06:30 UTC (it would be 23:30 UTC in Beijing)
        assert digest.trigger.get_next_fire_time(None, EVENING_UTC) == datetime(2026, 3, 3, 6, 30, tzinfo=UTC)
    finally:
        scheduler.shutdown(wait=False)


def test_the_environment_variable_reaches_the_application():
    script = ("from config import TestConfig; from hygiene import create_app; "
              "from hygiene.clock import local_zone; app = create_app(TestConfig); "
              "app.app_context().push(); print(local_zone(), app.config['BABEL_DEFAULT_TIMEZONE'])")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "HYGIENE_TIMEZONE": "Asia/Urumqi", "PYTHONPATH": str(ROOT)},
                         timeout=60, check=True).stdout
    assert out.split() == ["Asia/Urumqi", "Asia/Urumqi"]


def test_a_zone_that_does_not_exist_stops_the_start_with_its_name():
    from config import TestConfig
    from hygiene import create_app

    class Config(TestConfig):
        TIMEZONE = "Mars/Olympus_Mons"

    with pytest.raises(RuntimeError, match="Mars/Olympus_Mons"):
        create_app(Config)


def test_catching_up_counts_the_day_in_the_configured_zone(app, db):
    from hygiene.clock import zone_named
    from hygiene.scheduler import registered_job
    from hygiene.scheduler.runner import catch_up_due

    digest = registered_job("morning_digest")
    berlin = zone_named("Europe/Berlin")
    # 18:00 in Berlin (already tomorrow in Beijing): today's 07:30 digest never ran, so it runs now
    assert catch_up_due(digest, None, datetime(2026, 3, 2, 17, 0, tzinfo=UTC), berlin)
    # 00:30 in Berlin: yesterday's digest is not sent after midnight
    assert not catch_up_due(digest, None, datetime(2026, 3, 2, 23, 30, tzinfo=UTC), berlin)
