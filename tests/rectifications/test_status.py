"""A rectification order's statuses: the stored words, their labels, and which moves each allows."""
from __future__ import annotations

import pytest

from hygiene.rectifications import status
from hygiene.rectifications.status import OrderStatus as S


def test_the_stored_values_are_the_words_the_database_holds():
    assert [s.value for s in S] == ["issued", "evidence_submitted", "closed", "superseded", "withdrawn"]


@pytest.mark.parametrize(("move", "sources", "target"), [
    (status.REPORT_FIX, {S.ISSUED, S.EVIDENCE_SUBMITTED}, S.EVIDENCE_SUBMITTED),
    (status.PASS_REINSPECTION, {S.EVIDENCE_SUBMITTED}, S.CLOSED),
    (status.FAIL_REINSPECTION, {S.EVIDENCE_SUBMITTED}, S.SUPERSEDED),
    (status.WITHDRAW, {S.ISSUED, S.EVIDENCE_SUBMITTED}, S.WITHDRAWN),
])
def test_each_move_starts_only_from_its_statuses(move, sources, target):
    assert move.target is target
    assert {s for s in S if move.allows(s)} == sources


def test_a_reinspection_closes_on_a_pass_and_supersedes_on_a_fail():
    assert (status.reinspection(True).target, status.reinspection(False).target) == (S.CLOSED, S.SUPERSEDED)


def test_labels_and_the_list_filter_speak_the_readers_language(app):
    with app.test_request_context("/"):
        assert [s.label for s in S] == ["已下发", "已报整改", "已办结", "未整改到位，已再次下发", "已撤销"]
        assert list(status.LIST_FILTERS) == ["open", "overdue", "issued", "evidence_submitted", "closed",
                                             "superseded", "withdrawn", "all"]
