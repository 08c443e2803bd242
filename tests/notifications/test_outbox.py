"""Queueing notifications: one row per channel, idempotent by key, digests once a day."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.extensions import db
from tests.notifications.support import T0, set_phone


def queue(user_id, key="order:7:2026-03-05", **extra):
    from hygiene.notifications.services import notify

    fields = dict(kind="order_due", subject="整改期限将至", body="请于3月5日前完成整改。",
                  dedupe_key=key, send_after=T0, link="/orders/7") | extra
    rows = notify(recipient=db.session.get(User, user_id), **fields)
    db.session.commit()
    return rows


def outbox():
    from hygiene.notifications.models import Notification

    return db.session.scalars(sa.select(Notification).order_by(Notification.id)).all()


def test_queueing_the_same_occasion_twice_keeps_one_row(world, ctx):
    assert len(queue(world.user_village_a1)) == 1
    assert queue(world.user_village_a1) == []
    [row] = outbox()
    assert (row.channel, row.dedupe_key) == ("in_app", f"order_due:{world.user_village_a1}:in_app:order:7:2026-03-05")
    assert row.next_attempt_at == T0 and row.sent_at is None and row.attempts == 0


def test_a_concurrent_duplicate_is_absorbed_by_the_unique_key_without_spoiling_the_transaction(
        world, ctx, monkeypatch):
    from hygiene.notifications import services

    queue(world.user_village_a1)
    monkeypatch.setattr(services, "_queued_keys", lambda keys: set())  # as if another writer raced us
    assert queue(world.user_village_a1) == []
    assert len(queue(world.user_village_a1, key="order:8:2026-03-05")) == 1  # the session still works
    assert len(outbox()) == 2


def test_each_user_gets_the_channels_they_can_receive(app, world, ctx, emails, mail_server):
    set_phone(app, world.user_village_a1, "13800138000")
    kinds = {row.channel for row in queue(world.user_village_a1)}
    assert kinds == {"in_app", "email", "sms"}
    assert {row.channel for row in queue(world.user_village_a1, key="x", channels=["in_app", "sms"])} == {
        "in_app", "sms"}
    assert {row.channel for row in queue(world.user_inspector_a)} == {"in_app", "email"}  # no phone


def test_without_a_mail_server_or_sms_gateway_only_the_inbox_is_used(app, world, ctx, emails, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    monkeypatch.setitem(app.config, "SMS_GATEWAY", "")
    set_phone(app, world.user_village_a1, "13800138000")
    assert [row.channel for row in queue(world.user_village_a1)] == ["in_app"]


def test_inactive_users_are_not_notified(world, ctx):
    db.session.get(User, world.user_village_a1).active = False
    db.session.commit()
    assert queue(world.user_village_a1) == [] and outbox() == []


def test_text_messages_due_at_night_wait_for_the_morning(app, world, ctx):
    set_phone(app, world.user_village_a1, "13800138000")
    night = T0.replace(hour=15)  # 23:00 in Beijing
    rows = {row.channel: row for row in queue(world.user_village_a1, send_after=night)}
    assert rows["in_app"].send_after == night
    assert rows["sms"].send_after == T0.replace(day=2, hour=23)  # 07:00 on the 3rd in Beijing
    assert rows["sms"].next_attempt_at == rows["sms"].send_after


def test_links_stay_on_this_site(world, ctx):
    for link in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        with pytest.raises(ValueError):
            queue(world.user_village_a1, link=link)


def test_the_digest_is_queued_once_per_user_per_beijing_date(world, ctx):
    from hygiene.notifications.services import digest_enqueue

    items = {world.user_village_a1: ["甲一村饭店：整改单 2026-007 今日到期", "一组公厕：检查今日截止"],
             world.user_inspector_a: [], world.user_admin_a: ["甲镇：3 项整改今日到期"]}
    assert digest_enqueue(now=T0, items_by_user=items) == 2
    assert digest_enqueue(now=T0 + timedelta(hours=10), items_by_user=items) == 0  # still the 2nd in Beijing
    assert digest_enqueue(now=T0 + timedelta(hours=16), items_by_user=items) == 2  # the 3rd
    first = next(row for row in outbox() if row.recipient_id == world.user_village_a1)
    assert first.kind == "digest" and "2026-03-02" in first.subject and "2" in first.subject
    assert first.body.splitlines() == ["· 甲一村饭店：整改单 2026-007 今日到期", "· 一组公厕：检查今日截止"]
