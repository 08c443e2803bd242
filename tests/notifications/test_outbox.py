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


def spec(user_id, key="order:7:2026-03-05", **extra):
    from hygiene.notifications.services import NotifySpec

    fields = dict(kind="order_due", subject="整改期限将至", body="请于3月5日前完成整改。",
                  dedupe_key=key, send_after=T0, link="/orders/7") | extra
    return NotifySpec(recipient=db.session.get(User, user_id), **fields)


def queue_many(specs):
    from hygiene.notifications.services import notify_many

    added = notify_many(specs)
    db.session.commit()
    return added


def test_notify_many_queues_the_rows_notify_would_and_counts_them(app, world, ctx):
    set_phone(app, world.user_village_a1, "13800138000")
    night = T0.replace(hour=15)  # 23:00 in Beijing: the text message waits for the morning
    assert queue_many([spec(world.user_village_a1, send_after=night), spec(world.user_inspector_a)]) == 3
    rows = {(row.recipient_id, row.channel): row for row in outbox()}
    assert set(rows) == {(world.user_village_a1, "in_app"), (world.user_village_a1, "sms"),
                         (world.user_inspector_a, "in_app")}
    sms = rows[(world.user_village_a1, "sms")]
    assert sms.dedupe_key == f"order_due:{world.user_village_a1}:sms:order:7:2026-03-05"
    assert sms.send_after == sms.next_attempt_at == T0.replace(day=2, hour=23)
    assert (sms.subject, sms.body, sms.link, sms.attempts) == ("整改期限将至", "请于3月5日前完成整改。", "/orders/7", 0)


def test_notify_many_skips_occasions_already_queued_and_repeats_within_the_batch(world, ctx):
    queue(world.user_village_a1)
    specs = [spec(world.user_village_a1), spec(world.user_village_a1, key="order:8"),
             spec(world.user_village_a1, key="order:8"), spec(world.user_admin_a, key="order:8")]
    assert queue_many(specs) == 2
    assert queue_many(specs) == 0
    assert len(outbox()) == 3


def test_notify_many_renders_lazy_texts_only_for_rows_it_adds(world, ctx):
    from flask_babel import LazyString

    rendered = []

    def text(name):
        rendered.append(name)
        return name

    queue(world.user_village_a1)
    assert queue_many([spec(world.user_village_a1, subject=LazyString(text, "old")),
                       spec(world.user_admin_a, subject=LazyString(text, "new"))]) == 1
    assert rendered == ["new"] and outbox()[-1].subject == "new"


def test_notify_many_absorbs_a_concurrent_duplicate_without_spoiling_the_transaction(
        world, ctx, monkeypatch):
    from hygiene.notifications import services

    queue(world.user_village_a1)
    monkeypatch.setattr(services, "_queued_keys_chunked", lambda keys: set())  # another writer raced us
    assert queue_many([spec(world.user_village_a1), spec(world.user_admin_a)]) == 1
    assert queue_many([spec(world.user_inspector_a, key="order:8")]) == 1  # the session still works
    assert len(outbox()) == 3


def test_notify_many_passes_over_inactive_users_and_refuses_links_off_the_site(world, ctx):
    db.session.get(User, world.user_village_a1).active = False
    db.session.commit()
    assert queue_many([spec(world.user_village_a1)]) == 0 and outbox() == []
    with pytest.raises(ValueError):
        queue_many([spec(world.user_admin_a, link="//evil.example/x")])


def test_notify_many_looks_up_queued_keys_in_one_query_per_chunk(world, ctx, count_queries):
    specs = [spec(world.user_admin_a, key=f"order:{n}") for n in range(40)]
    with count_queries() as statements:
        assert queue_many(specs) == 40
    assert statements[0] == 4  # the key lookup, a savepoint, one bulk insert, its release


def test_notify_many_recognises_queued_keys_with_quotes_and_percent_signs(world, ctx):
    keys = ["o'brien:7", "50%:7", "back\\slash:7", "%(x)s:7"]
    assert queue_many([spec(world.user_admin_a, key=key) for key in keys]) == 4
    assert queue_many([spec(world.user_admin_a, key=key) for key in keys]) == 0


def test_notify_many_keeps_to_the_channels_a_spec_names(app, world, ctx):
    set_phone(app, world.user_village_a1, "13800138000")
    assert queue_many([spec(world.user_village_a1, channels=["sms", "email"])]) == 1
    assert [row.channel for row in outbox()] == ["sms"]
