"""The database gone for a while: pages answer 503 in Chinese, the scheduler waits and carries on."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.extensions import db
from tests.serving.served import free_port

DB_MESSAGE = "数据库暂时无法连接，请稍后再试"


@contextmanager
def database_down(app, *, failures: int | None = None):
    """Every statement (or the next `failures` ones) fails as a lost connection does."""
    with app.app_context():
        engine = db.engine
    left = [failures]

    def refuse(*_args, **_kwargs):
        if left[0] is None or left[0] > 0:
            left[0] = None if left[0] is None else left[0] - 1
            raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("server closed the connection"))

    sa.event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", refuse)


@pytest.mark.parametrize("where", ["postgresql", "sqlite"])
def test_a_database_out_of_reach_answers_503_in_chinese_not_500(tmp_path, where):
    from config import TestConfig
    from hygiene import create_app

    class Unreachable(TestConfig):
        SQLALCHEMY_DATABASE_URI = (f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone"
                                   if where == "postgresql" else f"sqlite:///{tmp_path}/no/such/folder/x.db")

    client = create_app(Unreachable).test_client()
    assert client.get("/login").status_code == 200  # the sign-in form itself needs no database
    response = client.post("/login", data={"username": "admin", "password": "whatever-1234"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert DB_MESSAGE in response.text and "数据库暂时无法连接" in response.text
    script = client.post("/login", data={"username": "admin", "password": "whatever-1234"}, headers={"Accept": "application/json"})
    assert script.status_code == 503 and DB_MESSAGE in script.json["error"]


def test_a_signed_in_page_answers_503_while_the_database_is_gone_and_works_again_after(app, world, login):
    client = login("admin_a")
    assert client.get("/").status_code == 200
    with database_down(app):
        for url in ("/", "/register/villages/", f"/register/villages/{world.a1}"):
            response = client.get(url)
            assert response.status_code == 503 and DB_MESSAGE in response.text, url
        assert client.get("/no/such/page").status_code == 404  # the plain page, without the header
        english = client.get("/?lang=en")
        assert english.status_code == 503 and "The database is unavailable" in english.text
    assert client.get("/").status_code == 200  # same sign-in, nothing lost


def test_a_write_cut_off_by_the_database_leaves_nothing_half_written(app, world, login):
    from hygiene.audit.models import AuditEvent
    from hygiene.places.models import Village

    client = login("admin_a")
    form = {"name": "新建村", "township_id": world.ta}
    with app.app_context():
        before = (db.session.scalar(sa.select(sa.func.count(Village.id))),
                  db.session.scalar(sa.select(sa.func.count(AuditEvent.id))))
    with database_down(app):
        assert client.post("/register/villages/new", data=form).status_code == 503
    with app.app_context():
        assert (db.session.scalar(sa.select(sa.func.count(Village.id))),
                db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))) == before
    assert client.post("/register/villages/new", data=form).status_code == 302  # sent again: kept once


def test_a_job_waits_for_the_database_with_backoff_then_runs_and_sends_what_was_due(app, world):
    from hygiene.clock import now_utc
    from hygiene.notifications.jobs import dispatch_notifications
    from hygiene.notifications.models import Notification
    from hygiene.notifications.services import notify
    from hygiene.scheduler.runner import run_job

    with app.app_context():
        notify(recipient=db.session.get(User, world.user_admin_a), kind="digest", subject="今日待办",
               body="", dedupe_key="db-gone", send_after=now_utc() - timedelta(minutes=1))
        db.session.commit()
    pauses: list[float] = []

    def wait(seconds: float) -> bool:
        pauses.append(seconds)
        return False  # not stopping

    with database_down(app, failures=4):
        assert run_job(app, "dispatch_notifications", dispatch_notifications, wait=wait)
    assert pauses == [1, 2, 4, 8]
    with app.app_context():
        rows = db.session.scalars(sa.select(Notification)).all()
        assert rows and all(row.sent_at is not None for row in rows)  # queued before the outage, sent after
        from hygiene.scheduler.models import JobRun
        run = db.session.scalar(sa.select(JobRun).where(JobRun.job_id == "dispatch_notifications"))
        assert run.last_status == "ok"


def test_a_job_gives_up_waiting_when_the_scheduler_stops_and_after_its_limit(app, db, monkeypatch):
    from hygiene.scheduler.runner import run_job

    ran = []
    with database_down(app):
        assert run_job(app, "scan_deadlines", lambda *, now: ran.append(now) or {}, wait=lambda _s: True) is False
        monkeypatch.setitem(app.config, "SCHEDULER_DB_WAIT_SECONDS", 5)
        pauses: list[float] = []
        assert run_job(app, "scan_deadlines", lambda *, now: ran.append(now) or {},
                       wait=lambda s: pauses.append(s) or False) is False
    assert pauses == [1, 2, 4] and ran == []  # 1 + 2 + 4 >= 5: it gives up, raising nothing
    assert run_job(app, "scan_deadlines", lambda *, now: ran.append(now) or {})  # and carries on after
