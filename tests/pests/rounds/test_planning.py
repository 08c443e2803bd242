"""The office plans a round: the form's facts and targets, bad input refused with its reason and
nothing written, a resent form making one round, edits, and who may plan."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

import hygiene.models  # noqa: F401  every table first, so mappers resolve names whatever is collected next
from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.pests.models import PestProduct
from hygiene.pests.rounds.models import PestRound, RoundTarget, RoundWork

NEW = "/pests/rounds/new"


def add_product(app, township_id, name="溴敌隆毒饵", expiry=date(2027, 12, 31), active=True) -> int:
    with app.app_context():
        product = PestProduct(township_id=township_id, name=name, active_ingredient="溴敌隆 0.005%", unit="kg",
                              expiry=expiry, active=active, stock=Decimal(10))
        db.session.add(product)
        db.session.commit()
        return product.id


def round_form(world, product_id=None, key="k1", **changes) -> dict:
    """A filled form: spring rat baiting of 甲一村 (30 households) and its restaurant."""
    data = {"name": "2026年秋季统一灭鼠", "pests": ["rodent"], "season": "autumn", "starts_on": "2026-10-20",
            "ends_on": "2026-10-31", "method": "室内投饵", "product_id": str(product_id or ""),
            "dose": "每户2-3堆，每堆10克", "unified_rules": ["organisation", "time", "method", "product", "standard"],
            "coverage_goal": "95", "request_key": key,
            f"v{world.a1}": "1", f"v{world.a1}_households": "30", f"u{world.unit_a1}": "1",
            f"u{world.unit_a1}_households": "1"}
    return {**data, **changes}


def rounds(app) -> list[PestRound]:
    with app.app_context():
        return list(db.session.scalars(sa.select(PestRound).order_by(PestRound.id)))


def targets_of(app, round_id) -> list[tuple]:
    with app.app_context():
        return [tuple(r) for r in db.session.execute(sa.select(
            RoundTarget.village_id, RoundTarget.unit_id, RoundTarget.households_target, RoundTarget.area_target,
            RoundTarget.area_unit).where(RoundTarget.round_id == round_id).order_by(RoundTarget.id))]


def audits(app, action=None) -> int:
    with app.app_context():
        stmt = sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.entity_type == "pest_round")
        return db.session.scalar(stmt.where(AuditEvent.action == action) if action else stmt)


def plan(app, login, world, **changes) -> int:
    """Plan the form's round as admin_a and return its id."""
    client = login("admin_a")
    response = client.post(NEW, data=round_form(world, **changes))
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_the_office_plans_a_round_with_its_facts_and_targets(app, client, login, world):
    product = add_product(app, world.ta)
    round_id = plan(app, login, world, product_id=product)
    made = rounds(app)[0]
    assert (made.name, made.pests, made.season, made.status) == ("2026年秋季统一灭鼠", ["rodent"], "autumn", "planned")
    assert made.product_id == product and made.coverage_goal == Decimal(95) and len(made.unified_rules) == 5
    assert targets_of(app, round_id) == [(world.a1, None, 30, None, None), (world.a1, world.unit_a1, 1, None, None)]
    page = client.get(f"/pests/rounds/{round_id}").text
    assert "2026年秋季统一灭鼠" in page and "溴敌隆毒饵" in page and "统一药物" in page
    assert audits(app, "create") == 1


def test_the_form_offers_households_from_the_register_and_all_five_rules(app, client, login, world):
    page = login("admin_a").get(NEW).text
    assert f'name="v{world.a1}_households" value="1"' in page  # 甲一村 has one household in the register
    assert "甲二村" in page and "乙一村" not in page
    assert page.count('name="unified_rules"') == 5 and page.count("checked") >= 5


def test_all_villages_takes_every_village_of_the_township(app, client, login, world):
    data = round_form(world, all_villages="y") | {f"v{world.a2}_households": "25"}
    del data[f"v{world.a1}"]
    round_id = plan(app, login, world, **{k: v for k, v in data.items() if k != "request_key"})
    assert {t[0] for t in targets_of(app, round_id) if t[1] is None} == {world.a1, world.a2}


def test_a_snail_round_measures_each_village_by_area(app, client, login, world):
    data = {"name": "2026年春季查螺灭螺", "pests": ["snail"], "season": "spring", "starts_on": "2026-04-01",
            "ends_on": "2026-04-30", "request_key": "snail", f"v{world.a1}": "1", f"v{world.a1}_area": "12.5",
            f"v{world.a1}_area_unit": "mu", f"v{world.a2}": "1", f"v{world.a2}_area": "3000",
            f"v{world.a2}_area_unit": "m2"}
    response = login("admin_a").post(NEW, data=data)
    assert response.status_code == 303
    assert targets_of(app, rounds(app)[0].id) == [(world.a1, None, None, Decimal("12.50"), "mu"),
                                                  (world.a2, None, None, Decimal("3000.00"), "m2")]


@pytest.mark.parametrize("changes, message", [
    ({"ends_on": "2026-10-01"}, "结束日期不能早于开始日期"),
    ({"ends_on": "2027-10-01"}, "一轮最长"),
    ({"starts_on": "1999-01-01", "ends_on": "1999-01-02"}, "两年以内"),
    ({"pests": ["snail", "rodent"]}, "灭螺单独成轮"),
    ({"pests": []}, "请勾选本轮防制的对象"),
    ({"season": "monsoon"}, "请从列表中选择"),
    ({"coverage_goal": "120"}, "1到100之间"),
    ({"v{a1}_households": "-3"}, "1到100000之间的整数"),
    ({"v{a1}_households": "99999999999999999999"}, "1到100000之间的整数"),
    ({"v{a1}_households": "三十"}, "1到100000之间的整数"),
    ({"name": "灭鼠\x01"}, "控制字符"),
    ({"product_id": "99999999999999"}, "请从列表中选择"),
    ({"product_id": "12345"}, "请从本镇药物台账中选择药物"),
    ({"starts_on": "2026-13-40"}, "不是有效的日期值"),
])
def test_bad_input_is_refused_with_its_reason_and_nothing_is_written(app, client, login, world, changes, message):
    changes = {k.format(a1=f"v{world.a1}"[1:]): v for k, v in changes.items()}
    response = login("admin_a").post(NEW, data=round_form(world, **changes))
    assert response.status_code == 422
    assert message in response.text
    assert rounds(app) == [] and audits(app) == 0


def test_a_round_without_targets_is_refused(app, client, login, world):
    data = {k: v for k, v in round_form(world).items() if not k.startswith(("v", "u"))}
    response = login("admin_a").post(NEW, data=data)
    assert response.status_code == 422 and "请至少选择一个村或单位" in response.text
    assert rounds(app) == []


def test_a_snail_round_needs_each_villages_area_and_reaches_no_units(app, client, login, world):
    response = login("admin_a").post(NEW, data=round_form(world, pests=["snail"]))
    assert response.status_code == 422
    assert "请输入有螺面积" in response.text and "灭螺轮次只针对村" in response.text
    assert rounds(app) == []


def test_a_nul_byte_is_refused(app, client, login, world):
    response = login("admin_a").post(NEW, data=round_form(world, name="灭鼠\x00"))
    assert response.status_code == 400 and rounds(app) == []


def test_products_of_another_township_expired_or_retired_are_refused_with_the_reason(app, client, login, world):
    other = add_product(app, world.tb, name="乙镇药物")
    expired = add_product(app, world.ta, name="过期药", expiry=date(2026, 10, 25))
    retired = add_product(app, world.ta, name="停用药", active=False)
    client = login("admin_a")
    page = client.get(NEW).text
    assert "乙镇药物" not in page and "停用药" not in page
    for product, message in ((other, "请从本镇药物台账中选择药物"), (expired, "过期药 将于 2026-10-25 过期"),
                             (retired, "停用药 已在药物台账中停用")):
        response = client.post(NEW, data=round_form(world, product_id=product))
        assert response.status_code == 422 and message in response.text, message
    assert rounds(app) == []


def test_a_village_or_unit_outside_the_township_cannot_be_a_target(app, ctx, world):
    from hygiene.access.roles import Role
    from hygiene.access.scope import Scope
    from hygiene.clock import now_utc
    from hygiene.errors import InvalidFields
    from hygiene.pests.rounds.schemas import round_input
    from hygiene.pests.rounds.services import round_create

    data, targets = round_input(round_form(world), [
        {"prefix": f"v{world.b1}", "village_id": world.b1, "households": "5"}])
    with pytest.raises(InvalidFields) as refused:
        round_create(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, data=data, targets=targets,
                     now=now_utc())
    assert "targets" in refused.value.errors


def test_a_resent_form_makes_one_round(app, client, login, world):
    client = login("admin_a")
    first = client.post(NEW, data=round_form(world))
    second = client.post(NEW, data=round_form(world))
    assert first.headers["Location"] == second.headers["Location"]
    assert len(rounds(app)) == 1 and audits(app) == 1


def test_identical_new_round_forms_posted_at_once_make_one_round(app, live, world):
    import threading
    import urllib.parse
    import urllib.request

    from tests.rectifications.test_evidence_once import signed_in, status_of

    opener = signed_in(live, "admin_a")
    body = urllib.parse.urlencode(round_form(world, key="at-once"), doseq=True).encode()
    statuses: list[int] = []
    start = threading.Barrier(4)

    def post():
        request = urllib.request.Request(f"{live}{NEW}", data=body)
        start.wait()
        statuses.append(status_of(opener, request))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    assert len(rounds(app)) == 1 and audits(app) == 1 and len(targets_of(app, rounds(app)[0].id)) == 2


def test_the_office_edits_a_planned_round_and_its_targets(app, client, login, world):
    round_id = plan(app, login, world)
    data = round_form(world, name="秋季灭鼠(调整)", ends_on="2026-11-05")
    del data[f"u{world.unit_a1}"]
    data |= {f"v{world.a2}": "1", f"v{world.a2}_households": "40", f"v{world.a1}_households": "32"}
    response = client.post(f"/pests/rounds/{round_id}/edit", data=data)
    assert response.status_code == 303
    assert rounds(app)[0].name == "秋季灭鼠(调整)" and rounds(app)[0].ends_on == date(2026, 11, 5)
    assert targets_of(app, round_id) == [(world.a1, None, 32, None, None), (world.a2, None, 40, None, None)]
    assert audits(app, "update") == 1


def test_a_target_with_work_stays_and_an_announced_round_keeps_its_kind(app, client, login, world):
    round_id = plan(app, login, world)
    client.post(f"/pests/rounds/{round_id}/announce")
    with app.app_context():
        target = db.session.scalar(sa.select(RoundTarget).where(RoundTarget.unit_id == world.unit_a1))
        db.session.add(RoundWork(round_id=round_id, target_id=target.id, township_id=world.ta, village_id=world.a1,
                                 unit_id=world.unit_a1, done_on=date(2026, 10, 21), households_covered=1))
        db.session.commit()
    data = round_form(world)
    del data[f"u{world.unit_a1}"]
    response = client.post(f"/pests/rounds/{round_id}/edit", data=data)
    assert response.status_code == 422 and "a1饭店" in response.text and "已记录" in response.text
    snail = {k: v for k, v in round_form(world, pests=["snail"]).items() if not k.startswith("u")}
    response = client.post(f"/pests/rounds/{round_id}/edit", data=snail | {f"v{world.a1}_area": "3"})
    assert response.status_code == 422 and "不能在灭螺与其他病媒之间更改" in response.text
    assert len(targets_of(app, round_id)) == 2
    client.post(f"/pests/rounds/{round_id}/close")
    assert client.get(f"/pests/rounds/{round_id}/edit").status_code == 404


def test_only_the_townships_admins_plan(app, client, login, world):
    for user in ("inspector_a", "village_a1", "unit_a1", "county"):
        assert login(user).get(NEW).status_code == 403, user
        assert login(user).post(NEW, data=round_form(world)).status_code == 403, user
    assert rounds(app) == []
