"""Domain events told through the outbox: who is told, exactly once, nobody outside the scope."""
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.core.periods import parse_period
from hygiene.errors import DomainError
from hygiene.extensions import db
from hygiene.inspections import review
from hygiene.inspections.models import Inspection
from hygiene.media.intake import PhotoLimits
from hygiene.media.store import FileSystemStore
from hygiene.notifications.models import Notification
from hygiene.rankings import services as rankings
from hygiene.rankings.components import Subject
from hygiene.rectifications import services
from hygiene.rectifications.models import RectificationOrder
from tests.inspections.conftest import jpeg
from tests.rankings.helpers import add_published
from tests.rectifications.conftest import ISSUED, submit

LATER = ISSUED + timedelta(days=2)


def told(kind):
    """The user names told of `kind` in the inbox, one entry per row."""
    return sorted(db.session.scalars(sa.select(User.username).join(Notification, Notification.recipient_id == User.id)
                                     .where(Notification.kind == kind, Notification.channel == "in_app")))


def account(name):
    user = db.session.scalar(sa.select(User).where(User.username == name))
    return Scope.of(user), user


def the_order(order_id) -> RectificationOrder:
    return db.session.get(RectificationOrder, order_id)


def evidence(order_id, who="unit_a1"):
    scope, user = account(who)
    services.order_submit_evidence(scope=scope, user=user, order=the_order(order_id), note="已清理",
                                   photos=[("after.jpg", jpeg(pattern=2))], now=LATER, limits=PhotoLimits(),
                                   store=FileSystemStore(current_app.config["UPLOAD_DIR"]))


def reinspect(order_id, passed):
    scope, user = account("inspector_a")
    return services.order_reinspect(scope=scope, user=user, order=the_order(order_id), passed=passed,
                                    note="仍有垃圾", photos=[], limits=PhotoLimits(), now=LATER + timedelta(days=1),
                                    store=FileSystemStore(current_app.config["UPLOAD_DIR"]))


def send_back(inspection_id, comment="照片不清楚"):
    scope, admin = account("admin_a")
    review.inspection_send_back(scope=scope, actor_id=admin.id, inspection=db.session.get(Inspection, inspection_id),
                                comment=comment, now=LATER)


def test_an_issued_order_is_told_to_the_units_contact_once(order, ctx, world):
    assert told("order_issued") == ["unit_a1"]
    services.order_issue_for_inspection(inspection=db.session.get(Inspection, order.inspection.id),
                                        actor_id=None, now=LATER)  # the service runs again
    assert told("order_issued") == ["unit_a1"]
    row = db.session.scalar(sa.select(Notification).where(Notification.kind == "order_issued"))
    assert row.link == f"/orders/{order.id}" and "〔2026〕第1号" in row.subject and "2026-12-07" in row.body


def test_a_village_order_is_told_to_the_village_contacts_and_nobody_else(world, inspection, ctx):
    target = db.session.get(Inspection, inspection.id)
    target.target_kind, target.target_id, target.unit_id = "village", world.a1, None
    submit(inspection)
    assert told("order_issued") == ["village_a1"]


def test_a_sent_back_inspection_is_told_to_its_inspectors_once(order, ctx, world):
    send_back(order.inspection.id)
    assert told("inspection_sent_back") == ["inspector_a"]
    send_back(order.inspection.id)  # a second tap: already done, nobody told twice
    assert told("inspection_sent_back") == ["inspector_a"]
    row = db.session.scalar(sa.select(Notification).where(Notification.kind == "inspection_sent_back"))
    assert "照片不清楚" in row.body and row.link == f"/inspections/{order.inspection.id}/fill"


def test_a_reported_fix_is_told_to_the_inspector_and_the_townships_office_once(order, ctx, world):
    evidence(order.id)
    evidence(order.id)  # reported twice (or the service ran twice): told once
    assert told("order_fix_reported") == ["admin_a", "inspector_a"]  # not admin_b, not the county


def test_the_reinspection_result_is_told_to_the_recipient_once(order, ctx, world):
    evidence(order.id)
    follow = reinspect(order.id, passed=False)
    with pytest.raises(DomainError):
        reinspect(order.id, passed=True)
    assert told("order_reinspected") == ["unit_a1"]
    row = db.session.scalar(sa.select(Notification).where(Notification.kind == "order_reinspected"))
    assert follow.display_number in row.subject and row.link == f"/orders/{follow.id}"


def test_a_published_ranking_is_told_to_each_village_of_the_township_with_its_place(world, ctx):
    from hygiene.checklists.services import template_save
    from tests.inspections.helpers import simple_spec

    version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
    for village, score, day in [(world.a1, 90, 5), (world.a1, 80, 20), (world.a2, 95, 12)]:
        add_published(version_id=version.id, township_id=world.ta, village_id=village, day=date(2026, 10, day),
                      score=score)
    at = datetime(2026, 11, 23, 2, tzinfo=UTC)
    publish = dict(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, subject=Subject(world.ta, "villages"),
                   period=parse_period("2026-10"), today=date(2026, 11, 23), now=at)
    first = rankings.ranking_publish(**publish)
    assert told("ranking_published") == ["village_a1"]  # 甲二村 has no contact; 乙一村 is another township
    body = db.session.scalar(sa.select(Notification.body).where(Notification.kind == "ranking_published"))
    assert "甲一村" in body and "85.00" in body
    again = rankings.ranking_publish(**publish, corrects=first, note="更正")
    # a double tap of the correction: the page then names the correction as the standing publication
    assert rankings.ranking_publish(**publish, corrects=again, note="更正").id == again.id
    assert told("ranking_published") == ["village_a1", "village_a1"]  # the publication and its correction


def test_texts_are_written_in_the_offices_language_whatever_the_actor_reads(app, world, inspection):
    with app.test_request_context("/?lang=en"):
        from flask_babel import get_locale

        assert str(get_locale()) == "en"
        submit(inspection)
        subject = db.session.scalar(sa.select(Notification.subject).where(Notification.kind == "order_issued"))
        db.session.rollback()
    assert "整改" in subject
