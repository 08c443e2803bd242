"""A slow mail server: timeouts must not multiply a message (aiosmtpd on 127.0.0.1)."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from tests.notifications.support import T0

CLIENT_TIMEOUT = 0.5  # seconds; the server below is slower than that where it is slow


@pytest.fixture
def slow_server(mail_server, monkeypatch):
    """A server whose slowness per SMTP step the test sets; it collects each message it takes."""
    from aiosmtpd.controller import Controller

    from hygiene.notifications import channels

    monkeypatch.setattr(channels, "SMTP_TIMEOUT", CLIENT_TIMEOUT)

    class Slow:
        received: list[str] = []
        delays = {"EHLO": [], "DATA": [], "QUIT": []}  # a delay per call, first call first

        async def _pause(self, step):
            if self.delays[step]:
                await asyncio.sleep(self.delays[step].pop(0))

        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            await self._pause("EHLO")
            session.host_name = hostname
            return responses

        async def handle_DATA(self, server, session, envelope):
            self.received.append(envelope.content.decode("utf-8", "replace"))
            await self._pause("DATA")  # taken, then slow to say so
            return "250 OK"

        async def handle_QUIT(self, server, session, envelope):
            await self._pause("QUIT")
            return "221 Bye"

    handler = Slow()
    handler.received = []
    controller = Controller(handler, hostname="127.0.0.1", port=mail_server)
    controller.start()
    yield handler
    controller.stop()


def queue_email(world):
    from hygiene.notifications.services import notify

    notify(recipient=db.session.get(User, world.user_village_a1), kind="order_overdue",
           subject="整改通知书已逾期", body="后厨防鼠设施未整改。", dedupe_key="order:7",
           send_after=T0, channels=["email"])
    db.session.commit()


def dispatch_for_a_day():
    """Dispatch every few hours for a day: more than all six attempts' backoff."""
    from hygiene.notifications.dispatch import dispatch_due

    return [dispatch_due(now=T0 + timedelta(hours=hours), worker_id="w1") for hours in range(0, 25, 3)]


def row():
    db.session.expire_all()
    return db.session.scalar(sa.select(Notification))


def test_a_server_silent_after_the_message_gets_it_once_and_the_row_says_unconfirmed(
        app, world, ctx, emails, slow_server):
    slow_server.delays["DATA"] = [CLIENT_TIMEOUT * 3] * 10  # always slower than the client waits
    queue_email(world)
    results = dispatch_for_a_day()
    assert len(slow_server.received) == 1  # before: one copy per attempt, six in all
    assert results[0].unconfirmed == 1 and sum(r.handled for r in results) == 1
    outbox = row()
    assert outbox.unconfirmed_at == T0 and outbox.sent_at is None and outbox.gave_up_at is None
    assert outbox.attempts == 1 and "DeliveryUnconfirmed" in outbox.last_error
    assert outbox.next_attempt_at is None and outbox.claimed_until is None


def test_a_server_slow_before_the_message_is_retried_and_delivers_once(
        app, world, ctx, emails, slow_server):
    slow_server.delays["EHLO"] = [CLIENT_TIMEOUT * 3]  # the first greeting times out
    queue_email(world)
    results = dispatch_for_a_day()
    assert (results[0].failed, sum(r.sent for r in results)) == (1, 1)
    assert len(slow_server.received) == 1
    outbox = row()
    assert outbox.sent_at is not None and outbox.unconfirmed_at is None and outbox.attempts == 1


def test_a_slow_goodbye_after_an_accepted_message_does_not_send_it_again(
        app, world, ctx, emails, slow_server):
    slow_server.delays["QUIT"] = [CLIENT_TIMEOUT * 3]
    queue_email(world)
    results = dispatch_for_a_day()
    assert len(slow_server.received) == 1 and row().sent_at == T0
    assert (results[0].sent, sum(r.handled for r in results)) == (1, 1)


def test_the_jobs_page_tells_the_township_s_office_of_an_unconfirmed_message(
        app, world, emails, slow_server, login):
    slow_server.delays["DATA"] = [CLIENT_TIMEOUT * 3]
    with app.app_context():
        queue_email(world)
        dispatch_for_a_day()
    for username in ("admin_a", "county"):
        assert "Messages handed to the mail server without its confirmation: 1." in login(
            username).get("/admin/jobs/?lang=en").text
    assert "without its confirmation" not in login("admin_b").get("/admin/jobs/?lang=en").text
