"""Work never takes a target's covered total over its target: households, a unit's places and
snail area alike, a mop-up too, and two posts at the same moment neither."""
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.pests.rounds.models import RoundWork
from tests.pests.rounds.test_round_use import at_once
from tests.pests.rounds.test_work import field_fixture, post_work, target_url, work_data  # noqa: F401


def _covered(app, target_id):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.sum(RoundWork.households_covered))
                                 .where(RoundWork.target_id == target_id))


def test_work_and_a_mop_up_cannot_pass_the_target(app, client, login, field):
    login("village_a1")
    assert post_work(client, field, households_covered="30", quantity_used="").status_code == 303
    response = post_work(client, field, households_covered="30", quantity_used="")
    assert response.status_code == 422 and "本对象还剩 20 户未覆盖" in response.text
    assert post_work(client, field, households_covered="20", quantity_used="").status_code == 303
    response = post_work(client, field, kind="mop-up", households_covered="1", quantity_used="")
    assert response.status_code == 422 and "本对象还剩 0 户未覆盖" in response.text
    assert _covered(app, field.t_a1) == 50
    assert "50 / 50" in client.get(target_url(field.round, field.t_a1)).text


def test_a_unit_counts_places_left(client, login, field):
    login("unit_a1")
    assert post_work(client, field, target="t_unit", households_covered="1", quantity_used="").status_code == 303
    response = post_work(client, field, target="t_unit", households_covered="1", quantity_used="")
    assert response.status_code == 422 and "本对象还剩 0 处未覆盖" in response.text


def test_snail_area_left_is_in_the_targets_unit(client, login, field):
    login("village_a1")
    snail = {"target": "t_snail", "round_id": field.snail_round, "households_covered": "", "baits_placed": "",
             "product_id": "", "quantity_used": ""}
    assert post_work(client, field, area_covered="62.5", **snail).status_code == 303
    response = post_work(client, field, area_covered="40", **snail)
    assert response.status_code == 422 and "本对象还剩 37.5 亩未覆盖" in response.text
    assert post_work(client, field, area_covered="37.5", **snail).status_code == 303


def test_two_posts_at_once_never_pass_the_target(app, live, field):
    url = target_url(field.round, field.t_a1, "/work/new")
    posts = [(url, work_data(field, households_covered="30", quantity_used="")) for _ in range(2)]
    assert at_once(live, "village_a1", posts) == [303, 422]
    assert _covered(app, field.t_a1) == 30
