"""Refusals: a household picked from the village's register or typed, a reason from the list
(worded in Chinese), "other" with a note; one open refusal per household and target."""
import threading
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.pests.rounds.models import PestRound, RoundRefusal
from hygiene.pests.rounds.status import RoundStatus
from tests.pests.rounds.test_work import counts, field_fixture, target_url  # noqa: F401
from tests.rectifications.test_evidence_once import signed_in, status_of


def refuse(client, field, target="t_a1", **data):
    return client.post(target_url(field.round, getattr(field, target), "/refusals/new"),
                       data={"household_id": "", "household_name": "", "reason": "refused", "note": ""} | data)


def refusals(app):
    with app.app_context():
        return list(db.session.execute(sa.select(RoundRefusal.household_id, RoundRefusal.household_name,
                                                 RoundRefusal.reason, RoundRefusal.note)
                                       .order_by(RoundRefusal.id)))


def test_the_form_offers_the_villages_households_and_the_reasons_in_chinese(client, login, field):
    login("village_a1")
    form = client.get(target_url(field.round, field.t_a1, "/refusals/new")).text
    assert "a1户主" in form and "a2户主" not in form
    for words in ("拒绝投药", "家中无人", "无法进入", "有家畜或幼儿", "其他"):
        assert words in form


def test_a_household_from_the_register_or_a_typed_name(app, client, login, world, field):
    login("village_a1")
    assert refuse(client, field, household_id=str(world.household_a1), reason="livestock_or_children").status_code == 303
    assert refuse(client, field, household_name="李四", reason="absent", note="外出务工").status_code == 303
    assert refusals(app) == [(world.household_a1, "一组 a1户主", "livestock_or_children", ""),
                             (None, "李四", "absent", "外出务工")]
    page = client.get(target_url(field.round, field.t_a1)).text
    assert "李四 · 家中无人 · 外出务工" in page and "待补投" in page


@pytest.mark.parametrize(("data", "words"), [
    ({"reason": "other"}, "请说明其他原因"),
    ({"reason": "bribed"}, "请从列表中选择原因"),
    ({"reason": ""}, "请从列表中选择原因"),
    ({"household_name": ""}, "请选择农户或填写户主姓名"),
    ({"household_name": "长" * 61}, "60"),
    ({"note": "长" * 201}, "200"),
])
def test_bad_refusals_are_refused_with_the_reason(app, client, login, field, data, words):
    login("village_a1")
    before = counts(app)
    response = refuse(client, field, **({"household_name": "李四"} | data))
    assert response.status_code == 422 and words in response.text
    assert counts(app) == before


def test_another_villages_household_is_refused(app, client, login, world, field):
    login("village_a1")
    response = refuse(client, field, household_id=str(world.household_b1))
    assert response.status_code == 422 and "请从列表中选择" in response.text
    assert refuse(client, field, household_id="99999999999999").status_code == 422
    assert refusals(app) == []


def test_a_resent_refusal_records_once(app, client, login, field):
    login("village_a1")
    assert refuse(client, field, household_name="李四").status_code == 303
    assert refuse(client, field, household_name="李四").status_code == 303
    assert len(refusals(app)) == 1


def test_identical_refusals_at_the_same_moment_record_once(app, live, field):
    opener = signed_in(live, "village_a1")
    body = urllib.parse.urlencode({"household_name": "王五", "reason": "refused"}).encode()
    start, statuses = threading.Barrier(4), []

    def post():
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(
            f"{live}{target_url(field.round, field.t_a1, '/refusals/new')}", data=body)))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4 and len(refusals(app)) == 1


def test_refusals_only_while_the_round_is_announced(app, client, login, field):
    with app.app_context():
        db.session.get(PestRound, field.round).status = RoundStatus.CLOSED
        db.session.commit()
    login("admin_a")
    response = refuse(client, field, household_name="李四")
    assert response.status_code == 422 and "已结束" in response.text
    assert refusals(app) == []
