"""The target page and who reaches it: the office and the target's own contacts read it; anyone
else, by any URL of the target (page, forms, posts, photos), gets 404 and changes nothing."""
import pytest
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.pests.rounds.models import PestRound
from hygiene.pests.rounds.status import RoundStatus
from tests.pests.rounds.test_work import balance, counts, field_fixture, jpeg, post_work, target_url  # noqa: F401


def test_the_page_shows_the_rounds_field_facts_and_the_buttons(client, login, field):
    login("village_a1")
    page = client.get(target_url(field.round, field.t_a1)).text
    for words in ("冬季统一灭鼠", "室内外统一投放毒饵", "溴敌隆毒饵", "每20平方米2-3堆，每堆10克", "统一组织、统一时间、统一药物",
                  "登记工作", "补投/补喷", "拒绝/未覆盖", "尚未登记工作", "95%"):
        assert words in page, words


@pytest.mark.parametrize("user", ["admin_a", "inspector_a", "village_a1"])
def test_the_office_and_the_village_read_the_village_target(client, login, field, user):
    login(user)
    assert client.get(target_url(field.round, field.t_a1)).status_code == 200


def test_a_unit_contact_reads_its_unit_target_only(client, login, field):
    login("unit_a1")
    assert client.get(target_url(field.round, field.t_unit)).status_code == 200
    assert client.get(target_url(field.round, field.t_a1)).status_code == 404
    assert client.get(target_url(field.round, field.t_a1, "/work/new")).status_code == 404


def test_a_mismatched_round_and_target_is_not_found(client, login, field):
    login("admin_a")
    assert client.get(target_url(field.snail_round, field.t_a1)).status_code == 404
    assert client.get(target_url(field.round, field.t_snail)).status_code == 404
    assert client.get(target_url(2**31, field.t_a1)).status_code == 404
    assert client.get(target_url(field.round, 10**20)).status_code == 404
    assert post_work(client, field, target="t_snail").status_code == 404


def _every_url(field, target, work_id=1):
    base = (field.round, getattr(field, target))
    return [("get", target_url(*base)), ("get", target_url(*base, "/work/new")),
            ("get", target_url(*base, "/mop-up/new")), ("get", target_url(*base, "/refusals/new")),
            ("post", target_url(*base, "/refusals/new")), ("post", target_url(*base, f"/work/{work_id}/delete"))]


@pytest.mark.parametrize("user", ["village_b1", "admin_b", "unit_a1"])
def test_anyone_outside_the_target_gets_404_by_every_url(app, client, login, field, user):
    login("village_a1")
    assert post_work(client, field, photos=[("a.jpg", jpeg())]).status_code == 303
    with app.app_context():
        photo = db.session.scalar(sa.select(Photo.id))
    before = counts(app)
    login(user)
    for method, url in _every_url(field, "t_a1"):
        data = {"household_name": "李四", "reason": "absent"} if method == "post" else None
        answer = getattr(client, method)(url, data=data)
        assert answer.status_code == 404, (user, url, answer.status_code)
    assert post_work(client, field).status_code == 404
    assert client.get(f"/inspections/photos/{photo}/thumb").status_code == 404
    assert counts(app) == before


def test_another_village_of_the_same_township_cannot_touch_it(app, client, login, field):
    login("village_a1")  # A1's contact and A2's target
    before = counts(app)
    for method, url in _every_url(field, "t_a2"):
        assert getattr(client, method)(url).status_code == 404, url
    assert post_work(client, field, target="t_a2", households_covered="3").status_code == 404
    assert counts(app) == before


def test_a_village_contact_records_for_a_unit_in_its_village(app, client, login, world, field):
    login("village_a1")
    assert client.get(target_url(field.round, field.t_unit)).status_code == 200
    response = post_work(client, field, target="t_unit", households_covered="1", quantity_used="0.5")
    assert response.status_code == 303, response.text
    assert balance(app, field.bait, village_id=world.a1, unit_id=world.unit_a1) == 2.5  # the unit's holding


def test_a_planned_round_is_not_shown_to_its_targets(app, client, login, field):
    with app.app_context():
        db.session.get(PestRound, field.round).status = RoundStatus.PLANNED
        db.session.commit()
    login("village_a1")
    assert client.get(target_url(field.round, field.t_a1)).status_code == 404
    login("admin_a")
    page = client.get(target_url(field.round, field.t_a1)).text
    assert "/work/new" not in page and "/refusals/new" not in page  # nothing is recorded on a planned round


def test_a_closed_round_is_read_without_the_buttons(app, client, login, field):
    login("village_a1")
    assert post_work(client, field).status_code == 303
    with app.app_context():
        db.session.get(PestRound, field.round).status = RoundStatus.CLOSED
        db.session.commit()
    page = client.get(target_url(field.round, field.t_a1)).text
    assert "张村医" in page and "/work/new" not in page and "/mop-up/new" not in page


def test_only_the_office_admin_sees_the_remove_button(client, login, field):
    login("village_a1")
    assert post_work(client, field).status_code == 303
    assert "删除（误录）" not in client.get(target_url(field.round, field.t_a1)).text
    login("inspector_a")
    assert "删除（误录）" not in client.get(target_url(field.round, field.t_a1)).text
    login("admin_a")
    assert "删除（误录）" in client.get(target_url(field.round, field.t_a1)).text


def test_the_page_reads_in_a_fixed_number_of_queries(app, client, login, field, count_queries):
    login("village_a1")
    for _n in range(3):
        assert post_work(client, field, households_covered="5", quantity_used="0.1",
                         photos=[("a.jpg", jpeg())]).status_code == 303
    with count_queries() as few:
        client.get(target_url(field.round, field.t_a1))
    for _n in range(6):
        assert post_work(client, field, households_covered="5", quantity_used="0.1",
                         photos=[("a.jpg", jpeg())]).status_code == 303
    with count_queries() as many:
        client.get(target_url(field.round, field.t_a1))
    assert few[0] == many[0]


@pytest.mark.parametrize("user", ["admin_a", "village_a1"])
def test_the_field_pages_speak_chinese(app, client, login, field, user):
    from tests.test_zh_every_page import english_words

    login("village_a1")
    assert post_work(client, field, photos=[("a.jpg", jpeg())]).status_code == 303
    client.post(target_url(field.round, field.t_a1, "/refusals/new"), data={"household_name": "李四",
                                                                            "reason": "other", "note": "外出"})
    login(user)
    for url in (target_url(field.round, field.t_a1), target_url(field.round, field.t_a1, "/work/new"),
                target_url(field.round, field.t_a1, "/mop-up/new"), target_url(field.round, field.t_a1, "/refusals/new"),
                target_url(field.snail_round, field.t_snail), target_url(field.snail_round, field.t_snail, "/work/new")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_words(response.text, {user, "village_a1"}) == [], url
    refused = post_work(client, field, households_covered="-1", done_on="2000-01-01")
    assert refused.status_code == 422 and english_words(refused.text, {user}) == []
