"""The walkthrough's letter defects: a contact acknowledges only a signed letter (a draft: no button,
409); reopening clears the acknowledgement and tells the contact; letters are made only for last,
this and next year; a draft never signed can be deleted (audited); a unit's signing form names the
unit's signer; a contact posting targets gets 403 whatever the values."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
import time_machine

from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.letters.models import LetterTarget, TargetLetter
from hygiene.notifications.models import Notification
from tests.letters.helpers import year_of_work
from tests.letters.test_letters import DEFAULTS, letters, make
from tests.letters.test_unit_letters import make_units, unit_letters


@pytest.fixture(autouse=True)
def mid_december():
    with time_machine.travel("2026-12-10 10:00 +0800", tick=False):
        yield


@pytest.fixture
def made(app, client, login, world):
    login("admin_a")
    assert make(client).status_code == 303
    return letters(app)


def sign(client, letter_id: int):
    return client.post(f"/letters/{letter_id}/sign", data={"signed_on": "2026-02-01", "signed_by_name": "王书记",
                                                           "request_key": uuid.uuid4().hex})


def test_a_draft_is_not_acknowledged_a_signed_one_is(app, client, login, made, world):
    letter_id = made[world.a1].id
    login("village_a1")
    assert "确认收到责任书" not in client.get(f"/letters/{letter_id}").get_data(as_text=True)
    refused = client.post(f"/letters/{letter_id}/acknowledge")
    assert refused.status_code == 409 and "仍是草稿" in refused.get_data(as_text=True)
    assert letters(app)[world.a1].acknowledged_at is None
    login("admin_a")
    assert sign(client, letter_id).status_code == 303
    login("village_a1")
    assert "确认收到责任书" in client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert client.post(f"/letters/{letter_id}/acknowledge").status_code == 303
    assert letters(app)[world.a1].acknowledged_at is not None
    login("admin_a")  # a signed letter's targets stay as signed
    assert client.post(f"/letters/{letter_id}/targets", data={**DEFAULTS, "target_toilet_quota": "80"}
                       ).status_code == 422
    with app.app_context():
        assert {t.target for t in db.session.scalars(sa.select(LetterTarget).where(
            LetterTarget.letter_id == letter_id, LetterTarget.kind == "toilet_quota"))} == {100}


def test_reopening_clears_the_acknowledgement_and_tells_the_contact(app, client, login, made, world):
    letter_id = made[world.a1].id
    with app.app_context():
        year_of_work(world)
    assert sign(client, letter_id).status_code == 303
    login("village_a1")
    assert client.post(f"/letters/{letter_id}/acknowledge").status_code == 303
    login("admin_a")
    assert client.post(f"/letters/{letter_id}/assess", data={"outcome": "none", "amount": "", "decision_note": "",
                                                             "request_key": "a1"}).status_code == 303
    assert client.post(f"/letters/{letter_id}/reopen").status_code == 303
    assert letters(app)[world.a1].acknowledged_at is None
    with app.app_context():
        told = db.session.scalars(sa.select(Notification).where(Notification.kind == "letter_reopened")).all()
        assert told and "确认收到已撤销" in told[0].body
    login("village_a1")
    assert "确认收到责任书" in client.get(f"/letters/{letter_id}").get_data(as_text=True)


@pytest.mark.parametrize("year", ["2100", "2024", "2028"])
def test_letters_are_made_only_for_last_this_and_next_year(app, client, login, world, year):
    login("admin_a")
    answer = make(client, year=year)
    assert answer.status_code == 422 and "只能为去年、今年或明年制定责任书（2025至2027年）" in answer.get_data(as_text=True)
    answer = make_units(client, year=year)
    assert answer.status_code == 422 and "2025至2027年" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TargetLetter)) == 0
    for fine in ("2025", "2027"):
        assert make(client, year=fine).status_code == 303


def test_a_draft_never_signed_is_deleted_audited_a_signed_one_stays(app, client, login, made, world):
    draft, signed = made[world.a1].id, made[world.a2].id
    assert sign(client, signed).status_code == 303
    assert "删除草稿责任书" in client.get(f"/letters/{draft}").get_data(as_text=True)
    assert "删除草稿责任书" not in client.get(f"/letters/{signed}").get_data(as_text=True)
    login("village_a1")
    assert client.post(f"/letters/{draft}/delete").status_code == 403
    login("admin_b")
    assert client.post(f"/letters/{draft}/delete").status_code == 404
    login("admin_a")
    refused = client.post(f"/letters/{signed}/delete")
    assert refused.status_code == 303
    assert "只有从未签订的草稿才能删除" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert client.post(f"/letters/{draft}/delete").status_code == 303
    assert set(letters(app)) == {world.a2}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LetterTarget)
                                 .where(LetterTarget.letter_id == draft)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "target_letter", AuditEvent.entity_id == draft,
            AuditEvent.action == "delete")) == 1
    assert client.post(f"/letters/{draft}/delete").status_code == 404  # gone: a second tap finds nothing
    assert make(client).status_code == 303 and set(letters(app)) == {world.a1, world.a2}  # made again


def test_a_unit_letter_s_signing_form_names_the_unit_s_signer(app, client, login, world):
    login("admin_a")
    assert make_units(client).status_code == 303
    letter_id = unit_letters(app)[world.unit_a1].id
    page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "单位签字人" in page and "村方签订人" not in page
    client.get("/language/en")
    page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "Signed for the unit by" in page and "Signed for the village by" not in page


def test_a_contact_posting_targets_sign_or_assess_is_refused_403_whatever_the_values(client, login, made, world):
    letter_id = made[world.a1].id
    login("village_a1")
    for step in ("targets", "sign", "assess"):
        assert client.post(f"/letters/{letter_id}/{step}", data={}).status_code == 403
        assert client.post(f"/letters/{letter_id}/{step}", data={"target_toilet_quota": "", "signed_on": ""}
                           ).status_code == 403
