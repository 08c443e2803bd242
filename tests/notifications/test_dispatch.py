"""Dispatch: each due row leaves once, failures back off row by row, dead workers are covered."""
import threading
import time
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.extensions import db
from tests.notifications.support import T0

MINUTE = timedelta(minutes=1)


class Recorder:
    """A channel that notes what it was given (thread-safe); `fail` makes it raise instead."""

    def __init__(self, fail=None, delay=0.0):
        self.sent, self.fail, self.delay, self.lock = [], fail, delay, threading.Lock()

    def send(self, notification, recipient):
        if self.fail:
            raise self.fail
        time.sleep(self.delay)
        with self.lock:
            self.sent.append(notification.id)


def fill_outbox(world, count=6, send_after=T0, channels=None):
    """Queue `count` occasions for village_a1 (committed); returns the row ids."""
    from hygiene.notifications.services import notify

    user = db.session.get(User, world.user_village_a1)
    ids = []
    for n in range(count):
        ids += [row.id for row in notify(recipient=user, kind="order_due", subject=f"整改单 {n} 将到期",
                                         body="请按期整改。", dedupe_key=f"order:{n}",
                                         send_after=send_after, channels=channels)]
    db.session.commit()
    return ids


def dispatch(now, channels, worker="w1", batch=100):
    from hygiene.notifications.dispatch import dispatch_due

    return dispatch_due(now=now, worker_id=worker, batch=batch, channels=channels)


def row(row_id):
    from hygiene.notifications.models import Notification

    db.session.expire_all()
    return db.session.get(Notification, row_id)


def test_each_due_notification_is_sent_once_even_when_dispatch_runs_twice(world, ctx):
    ids = fill_outbox(world)
    inbox = Recorder()
    assert dispatch(T0, {"in_app": inbox}).sent == 6
    assert dispatch(T0 + MINUTE, {"in_app": inbox}).sent == 0
    assert sorted(inbox.sent) == ids
    assert all(row(i).sent_at == T0 and row(i).claimed_until is None for i in ids)


def test_one_dispatch_claims_no_more_than_its_batch(world, ctx):
    fill_outbox(world, count=5)
    inbox = Recorder()
    assert [dispatch(T0, {"in_app": inbox}, batch=2).sent for _ in range(4)] == [2, 2, 1, 0]


def test_notifications_wait_until_they_are_due(world, ctx):
    [later] = fill_outbox(world, count=1, send_after=T0 + timedelta(hours=2))
    inbox = Recorder()
    assert dispatch(T0, {"in_app": inbox}).sent == 0
    assert dispatch(T0 + timedelta(hours=2), {"in_app": inbox}).sent == 1 and inbox.sent == [later]


def test_two_workers_at_once_send_each_notification_once(app, world, ctx):
    ids = fill_outbox(world, count=40)
    inbox = Recorder(delay=0.002)
    results, errors = [], []

    def worker(name):
        try:
            with app.app_context():
                for _ in range(4):
                    results.append((name, dispatch(T0, {"in_app": inbox}, worker=name, batch=8)))
        except Exception as error:  # surfaced below; a thread's exception is otherwise lost
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert Counter(inbox.sent) == Counter(ids)  # every row once, none twice
    assert sum(r.sent for _, r in results) == 40 and all(r.sent <= 8 for _, r in results)
    assert {name for name, r in results if r.sent} == {"w1", "w2"}  # they really shared the work


def test_rows_claimed_by_a_worker_that_died_are_sent_once_after_the_claim_expires(world, ctx):
    from hygiene.notifications.models import Notification

    ids = fill_outbox(world, count=3)
    db.session.execute(sa.update(Notification).values(claimed_by="dead:1", claimed_until=T0 + 5 * MINUTE))
    db.session.commit()
    inbox = Recorder()
    assert dispatch(T0 + MINUTE, {"in_app": inbox}).sent == 0  # still claimed
    assert dispatch(T0 + 6 * MINUTE, {"in_app": inbox}, worker="w2").sent == 3
    assert dispatch(T0 + 7 * MINUTE, {"in_app": inbox}, worker="w3").sent == 0
    assert sorted(inbox.sent) == ids and row(ids[0]).claimed_by == "w2"


def test_a_crash_mid_batch_resends_only_the_row_whose_sending_was_not_recorded(world, ctx):
    ids = fill_outbox(world, count=5)

    class DiesOnThird(Recorder):
        def send(self, notification, recipient):
            super().send(notification, recipient)
            if len(self.sent) == 3:
                raise KeyboardInterrupt  # the process dies after the channel took row 3

    inbox = DiesOnThird()
    try:
        dispatch(T0, {"in_app": inbox})
    except KeyboardInterrupt:
        pass
    assert [row(i).sent_at is not None for i in ids] == [True, True, False, False, False]
    inbox = Recorder()
    assert dispatch(T0 + 2 * MINUTE, {"in_app": inbox}).sent == 0  # claims still held
    assert dispatch(T0 + 6 * MINUTE, {"in_app": inbox}).sent == 3
    assert inbox.sent == ids[2:]  # row 3 went twice (the documented window), rows 1-2 once


def test_an_unreachable_mail_server_backs_off_while_the_inbox_rows_still_send(
        world, ctx, emails, mail_server):
    from hygiene.notifications.dispatch import dispatch_due

    ids = fill_outbox(world, count=2)
    result = dispatch_due(now=T0, worker_id="w1")  # the real channels, SMTP on a closed port
    assert (result.sent, result.failed) == (2, 2)
    inbox = [row(i) for i in ids if row(i).channel == "in_app"]
    mail = [row(i) for i in ids if row(i).channel == "email"]
    assert len(inbox) == len(mail) == 2 and all(r.sent_at == T0 for r in inbox)
    for failed in mail:
        assert failed.sent_at is None and failed.attempts == 1
        assert "Connection" in failed.last_error or "refused" in failed.last_error
        assert failed.next_attempt_at == T0 + MINUTE and failed.claimed_until is None


def test_a_failing_row_is_retried_after_each_backoff_and_given_up_after_six_attempts(world, ctx):
    [row_id] = fill_outbox(world, count=1)
    broken = {"in_app": Recorder(fail=OSError("gateway down"))}
    now, waits = T0, []
    for _ in range(6):
        assert dispatch(now, broken).failed == 1
        assert dispatch(now + timedelta(seconds=59), broken).failed == 0  # not before its time
        waits.append(row(row_id).next_attempt_at and row(row_id).next_attempt_at - now)
        now = row(row_id).next_attempt_at or now
    assert waits == [MINUTE, 5 * MINUTE, 30 * MINUTE, timedelta(hours=2), timedelta(hours=6), None]
    final = row(row_id)
    assert final.attempts == 6 and final.failed and final.sent_at is None
    assert "gateway down" in final.last_error
    assert dispatch(now + timedelta(days=2), {"in_app": Recorder()}).sent == 0  # gave up for good


def test_a_failed_row_sends_once_its_backoff_has_passed(world, ctx):
    [row_id] = fill_outbox(world, count=1)
    assert dispatch(T0, {"in_app": Recorder(fail=OSError("down"))}).failed == 1
    inbox = Recorder()
    assert dispatch(T0 + MINUTE, {"in_app": inbox}).sent == 1 and inbox.sent == [row_id]
    assert row(row_id).attempts == 1 and row(row_id).sent_at == T0 + MINUTE


def test_a_row_that_can_never_be_delivered_gives_up_at_once(world, ctx, emails, mail_server, monkeypatch):
    from hygiene.notifications import channels

    ids = fill_outbox(world, count=1, channels=["email"])
    monkeypatch.setattr(channels, "email_address", lambda user: "")  # the address was removed
    assert dispatch(T0, channels.channels_from_config({"MAIL_SERVER": "127.0.0.1"})).failed == 1
    gone = row(ids[0])
    assert gone.failed and gone.attempts == 1 and gone.next_attempt_at is None
    assert "no e-mail address" in gone.last_error


def test_text_messages_go_through_the_logging_gateway(app, world, ctx, caplog):
    from hygiene.notifications.channels import channels_from_config
    from tests.notifications.support import set_phone

    set_phone(app, world.user_village_a1, "13800138000")
    fill_outbox(world, count=1, channels=["sms"])
    with caplog.at_level("INFO", logger="hygiene.notifications.channels"):
        assert dispatch(T0, channels_from_config(app.config)).sent == 1
    assert "138****8000" in caplog.text and "整改单 0 将到期" in caplog.text
