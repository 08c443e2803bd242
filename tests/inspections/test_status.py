"""An inspection's statuses: the stored words, their labels, and which moves each allows."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.inspections import status
from hygiene.inspections.status import InspectionStatus as S
from tests.inspections.test_fill import load


def test_the_stored_values_are_the_words_the_database_holds():
    assert [s.value for s in S] == ["planned", "in_progress", "submitted", "published", "cancelled"]


@pytest.mark.parametrize(("move", "sources", "target"), [
    (status.START, {S.PLANNED, S.IN_PROGRESS}, S.IN_PROGRESS),
    (status.SUBMIT, {S.IN_PROGRESS}, S.SUBMITTED),
    (status.PUBLISH, {S.SUBMITTED}, S.PUBLISHED),
    (status.SEND_BACK, {S.SUBMITTED}, S.IN_PROGRESS),
    (status.CANCEL, {S.PLANNED, S.IN_PROGRESS}, S.CANCELLED),
    (status.WITHDRAW_UNTOUCHED, {S.PLANNED}, S.CANCELLED),
])
def test_each_move_starts_only_from_its_statuses(move, sources, target):
    assert move.target is target
    assert {s for s in S if move.allows(s)} == sources
    assert not move.allows("no such status")


def test_a_published_or_cancelled_inspection_moves_no_more():
    moves = [status.START, status.SUBMIT, status.PUBLISH, status.SEND_BACK, status.CANCEL,
             status.WITHDRAW_UNTOUCHED]
    assert not [m for m in moves if m.allows(S.PUBLISHED) or m.allows(S.CANCELLED)]


def test_labels_speak_the_readers_language(app):
    with app.test_request_context("/"):
        assert [s.label for s in S] == ["计划", "检查中", "已提交", "已发布", "已取消"]
        assert S.label_of("in_progress") == "检查中"
        assert S.label_of("gone") == "gone"  # a word this version does not know shows as stored
        assert str(status.LIST_FILTERS["sent_back"]) == "已退回"


def test_publishing_an_open_inspection_is_refused_with_its_status_and_changes_nothing(app, client, login,
                                                                                        inspection):
    login("admin_a")
    response = client.post(f"/inspections/{inspection.id}/review", data={"action": "publish"})
    assert response.status_code == 303  # back to the page, which says why
    assert "状态为“计划”的检查不能这样修改。" in client.get(f"/inspections/{inspection.id}").text
    assert load(app, inspection.id).status == "planned"
    with app.app_context():
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "publish"))
