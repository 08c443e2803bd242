"""Photos as evidence in the browser: the review list's flag column, the flagged-publish
confirmation with its reason, and the re-inspector seeing where an evidence photo was used."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect


def _flagged_submission(viewport):
    """A submitted inspection of 西河村 whose photo repeats a photo of another village."""
    def make(session):
        from hygiene.accounts.models import User
        from hygiene.clock import local_today, now_utc
        from hygiene.inspections.models import Inspection
        from hygiene.media.models import Photo
        from hygiene.places.models import Village

        earlier = session.scalar(sa.select(Photo).where(Photo.inspection_id.is_not(None)).order_by(Photo.id))
        source = session.get(Inspection, earlier.inspection_id)
        village = session.scalar(sa.select(Village).where(Village.id != source.village_id,
                                                          Village.township_id == source.township_id))
        inspector = session.scalar(sa.select(User).where(User.username == "inspector"))
        inspection = Inspection(
            version_id=source.version_id, township_id=village.township_id, village_id=village.id,
            target_kind="village", target_id=village.id, target_label=f"{village.name}（{viewport}）",
            planned_date=local_today(), due_date=local_today(), inspectors=[inspector],
            status="submitted", score=88, grade="良好", submitted_at=now_utc())
        session.add(inspection)
        session.flush()
        session.add(_copy(earlier, inspection_id=inspection.id, township_id=inspection.township_id,
                          target_kind="village", target_id=village.id))
        session.commit()
        return inspection.id, source.id
    return make


def _flagged_evidence(session):
    """Evidence on an order waiting for re-inspection that repeats another village's photo."""
    from hygiene.inspections.models import Inspection
    from hygiene.media.models import Photo
    from hygiene.rectifications.models import RectificationOrder

    order = session.scalar(sa.select(RectificationOrder).where(
        RectificationOrder.status == "evidence_submitted").order_by(RectificationOrder.id))
    earlier = session.scalar(sa.select(Photo).join(Inspection, Inspection.id == Photo.inspection_id).where(
        Inspection.village_id != order.village_id).order_by(Photo.id))
    session.add(_copy(earlier, order_id=order.id, purpose="evidence", township_id=order.township_id,
                      target_kind=order.target_kind, target_id=order.target_id))
    session.commit()
    return order.id, earlier.inspection_id


def _copy(photo, **record):
    from hygiene.clock import now_utc
    from hygiene.media.models import Photo

    return Photo(sha256=photo.sha256, phash=photo.phash, width=photo.width, height=photo.height,
                 size_bytes=photo.size_bytes, uploaded_at=now_utc(), flags=["reused"],
                 reuse_of=[photo.id], **record)


def _publish_audit(inspection_id):
    def find(session):
        from hygiene.audit.models import AuditEvent

        return session.scalar(sa.select(AuditEvent.after).where(
            AuditEvent.action == "publish", AuditEvent.entity_id == inspection_id))
    return find


def test_the_office_publishes_a_flagged_inspection_only_with_a_reason(page, sign_in, db_query, shot, viewport):
    inspection_id, source_id = db_query(_flagged_submission(viewport))
    sign_in("admin")
    page.goto("/inspections/?status=submitted")
    row = page.locator("tr", has=page.locator(f'a[href="/inspections/{inspection_id}"]')).first
    expect(row.locator(".flag-count")).to_contain_text("1")
    shot("review-list")

    page.goto(f"/inspections/{inspection_id}")
    expect(page.locator(f'.flag a[href="/inspections/{source_id}"]')).to_be_visible()
    shot("detail")
    page.locator("button[value=publish]").click()
    expect(page.locator("h1")).to_contain_text("照片存疑")
    expect(page.locator(f'.flag a[href="/inspections/{source_id}"]')).to_be_visible()
    shot("confirm")

    page.locator("textarea[name=flag_reason]").fill("同一片区，现场复核属实")
    page.locator("button[value=publish]").click()
    expect(page).to_have_url(re.compile(rf"/inspections/{inspection_id}$"))
    expect(page.locator(".status-published")).to_be_visible()
    assert db_query(_publish_audit(inspection_id))["flag_reason"] == "同一片区，现场复核属实"


def test_the_reinspector_sees_where_else_an_evidence_photo_was_used(page, sign_in, db_query, shot, viewport):
    order_id, source_id = db_query(_flagged_evidence)
    sign_in("inspector")
    page.goto(f"/orders/{order_id}")
    flag = page.locator(".flag", has=page.locator(f'a[href="/inspections/{source_id}"]')).first
    expect(flag).to_be_visible()
    shot("order-evidence")
