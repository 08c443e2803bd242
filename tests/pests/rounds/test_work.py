"""Recording a round target's work and mop-ups: the happy path, every bad input refused with
nothing written (no row, no movement, no photo file), repeats, mop-ups resolving refusals, and
the office removing a mistaken record. The fixtures here serve the other test_* modules too."""
import io
import os
import uuid
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from PIL import Image

from hygiene.audit.models import AuditEvent
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.pests.models import PestProduct, SupplyMovement
from hygiene.pests.rounds.models import PestRound, RoundRefusal, RoundTarget, RoundWork
from hygiene.pests.rounds.status import RoundStatus

TODAY = local_today()


def jpeg(colour=(40, 120, 60), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def _round(world, product_id, *, pests=("rodent",), status=RoundStatus.ANNOUNCED, township="ta", **changes):
    return PestRound(township_id=getattr(world, township), name=changes.pop("name", "冬季统一灭鼠"),
                     pests=list(pests), season="winter", starts_on=TODAY - timedelta(days=10),
                     ends_on=TODAY + timedelta(days=10), method="室内外统一投放毒饵", product_id=product_id,
                     dose="每20平方米2-3堆，每堆10克", unified_rules=["organisation", "time", "product"],
                     status=status, **changes)


def _target(round_, world, village, unit=None, **numbers):
    village_id = getattr(world, village)
    unit_id = getattr(world, unit) if unit else None
    return RoundTarget(round=round_, township_id=round_.township_id, village_id=village_id, unit_id=unit_id,
                       place_key=RoundTarget.key_of(village_id, unit_id), **numbers)


@pytest.fixture(name="field")
def field_fixture(app, db, world):
    """Township A's bait issued to village A1 (10 kg) and unit A1 (3 kg); an announced rodent round
    with targets A1, A2 and unit A1; a snail round on A1 (100 mu); township B's round on B1."""
    with app.app_context():
        bait = PestProduct(township_id=world.ta, name="溴敌隆毒饵", active_ingredient="溴敌隆 0.005%", unit="kg",
                           stock=Decimal(7))
        spare = PestProduct(township_id=world.ta, name="杀螺胺", active_ingredient="氯硝柳胺", unit="kg",
                            stock=Decimal(0))
        other = PestProduct(township_id=world.tb, name="乙镇毒饵", active_ingredient="溴敌隆", unit="kg")
        db.session.add_all([bait, spare, other])
        db.session.flush()
        day = TODAY - timedelta(days=20)
        db.session.add_all([
            SupplyMovement(product_id=bait.id, township_id=world.ta, kind="in", quantity=Decimal(20), moved_on=day),
            SupplyMovement(product_id=bait.id, township_id=world.ta, village_id=world.a1, kind="issue",
                           quantity=Decimal(10), moved_on=day),
            SupplyMovement(product_id=bait.id, township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1,
                           kind="issue", quantity=Decimal(3), moved_on=day),
            SupplyMovement(product_id=spare.id, township_id=world.ta, kind="in", quantity=Decimal(5), moved_on=day),
            SupplyMovement(product_id=spare.id, township_id=world.ta, village_id=world.a1, kind="issue",
                           quantity=Decimal(5), moved_on=day)])
        rodent = _round(world, bait.id)
        snail = _round(world, spare.id, pests=("snail",), name="秋季查灭螺")
        far = _round(world, other.id, township="tb", name="乙镇灭鼠")
        targets = {"a1": _target(rodent, world, "a1", households_target=50),
                   "a2": _target(rodent, world, "a2", households_target=40),
                   "unit": _target(rodent, world, "a1", "unit_a1", households_target=1),
                   "snail": _target(snail, world, "a1", area_target=Decimal(100), area_unit="mu"),
                   "b1": _target(far, world, "b1", households_target=30)}
        db.session.add_all([rodent, snail, far, *targets.values()])
        db.session.commit()
        return SimpleNamespace(bait=bait.id, spare=spare.id, other=other.id, round=rodent.id, snail_round=snail.id,
                               far_round=far.id, **{f"t_{k}": v.id for k, v in targets.items()})


def target_url(round_id, target_id, tail=""):
    return f"/pests/rounds/{round_id}/targets/{target_id}{tail}"


def work_data(field, **changes):
    return {"done_on": TODAY.isoformat(), "households_covered": "48", "baits_placed": "120",
            "product_id": str(field.bait), "quantity_used": "2.5", "done_by": "张村医", "note": "",
            "request_key": uuid.uuid4().hex} | changes


def post_work(client, field, *, kind="work", target="t_a1", round_id=None, photos=(), **changes):
    data = work_data(field, **changes)
    if photos:
        data["photos"] = [(io.BytesIO(content), name) for name, content in photos]
    return client.post(target_url(round_id or field.round, getattr(field, target), f"/{kind}/new"), data=data,
                       content_type="multipart/form-data")


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                     for model in (RoundWork, SupplyMovement, Photo, AuditEvent, RoundRefusal))


def balance(app, product_id, *, village_id, unit_id=None):
    from hygiene.pests.queries import holder_balance

    with app.app_context():
        return holder_balance(product_id, village_id=village_id, unit_id=unit_id)


def stored_files(app):
    return sorted(os.path.join(d, f) for d, _dirs, files in os.walk(app.config["UPLOAD_DIR"]) for f in files)


def test_a_village_contact_records_work_with_its_use_and_photos(app, client, login, world, field):
    login("village_a1")
    before = counts(app)
    response = post_work(client, field, photos=[("a.jpg", jpeg()), ("b.jpg", jpeg((200, 30, 30)))])
    assert response.status_code == 303, response.text
    assert counts(app) == (before[0] + 1, before[1] + 1, before[2] + 2, before[3] + 1, before[4])
    assert balance(app, field.bait, village_id=world.a1) == Decimal("7.5")
    with app.app_context():
        work = db.session.scalar(sa.select(RoundWork))
        use = db.session.get(SupplyMovement, work.movement_id)
        assert (use.kind, use.quantity, use.round_id, use.village_id, use.unit_id) == (
            "use", Decimal("2.5"), field.round, world.a1, None)
        assert (work.households_covered, work.baits_placed, work.done_by) == (48, 120, "张村医")
        photo_ids = list(db.session.scalars(sa.select(Photo.id).where(Photo.round_work_id == work.id)))
    page = client.get(target_url(field.round, field.t_a1)).text
    assert "张村医" in page and "2.5 千克" in page and "96%" in page
    thumb = client.get(f"/inspections/photos/{photo_ids[0]}/thumb")
    thumb.close()
    assert thumb.status_code == 200


def test_office_staff_record_for_a_village_that_phoned_it_in(app, client, login, world, field):
    login("inspector_a")
    assert post_work(client, field, target="t_a2", households_covered="38", product_id="",
                     quantity_used="").status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(RoundWork.village_id)) == world.a2


def test_a_snail_round_counts_area_in_the_targets_unit(app, client, login, world, field):
    login("village_a1")
    response = post_work(client, field, target="t_snail", round_id=field.snail_round, households_covered="",
                         baits_placed="", area_covered="62.5", product_id=str(field.spare), quantity_used="1.2")
    assert response.status_code == 303, response.text
    page = client.get(target_url(field.snail_round, field.t_snail)).text
    assert "62.5 / 100 亩" in page and "62.5%" in page


BAD = [
    ({"households_covered": "-3"}, "households_covered", "不能为负数"),
    ({"households_covered": "三十"}, "households_covered", "请输入整数"),
    ({"households_covered": "1e9"}, "households_covered", "请输入整数"),
    ({"households_covered": "99999999999999999999"}, "households_covered", "数字太大"),
    ({"households_covered": "51"}, "households_covered", "本对象还剩 2 户未覆盖"),
    ({"households_covered": ""}, "households_covered", "请填写覆盖户数"),
    ({"baits_placed": "-1"}, "baits_placed", "不能为负数"),
    ({"quantity_used": "-2"}, "quantity_used", "不能为负数"),
    ({"quantity_used": "abc"}, "quantity_used", "请输入数字"),
    ({"quantity_used": "NaN"}, "quantity_used", "请输入数字"),
    ({"quantity_used": "1e999"}, "quantity_used", "数字太大"),
    ({"quantity_used": "0.0001"}, "quantity_used", "小数"),
    ({"quantity_used": "10.001"}, "quantity_used", "仅持有 7"),
    ({"done_on": (TODAY - timedelta(days=11)).isoformat()}, "done_on", "本轮日期"),
    ({"done_on": (TODAY + timedelta(days=1)).isoformat()}, "done_on", "不能晚于今天"),
    ({"done_on": "2026-02-30"}, "done_on", "请输入日期"),
    ({"done_on": ""}, "done_on", "请输入日期"),
    ({"product_id": "999999"}, "product_id", "请从列表中选择药物"),
    ({"product_id": "99999999999999"}, "product_id", "请从列表中选择"),
    ({"product_id": "x"}, "product_id", "请从列表中选择"),
    ({"product_id": "", "quantity_used": "1"}, "product_id", "请选择所用药物"),
    ({"area_covered": "30"}, "area_covered", "不喷洒"),
    ({"done_by": " "}, "done_by", "必填"),
    ({"done_by": "长" * 101}, "done_by", "100"),
]


@pytest.mark.parametrize(("changes", "field_name", "words"), BAD)
def test_bad_input_is_refused_with_the_reason_and_nothing_written(app, client, login, world, field, changes,
                                                                   field_name, words):
    login("village_a1")
    # some bait is used first, so the holding is 7 when the bad post comes
    assert post_work(client, field, quantity_used="3").status_code == 303
    before, files = counts(app), stored_files(app)
    response = post_work(client, field, photos=[("a.jpg", jpeg((1, 2, 3)))], **changes)
    assert response.status_code == 422
    assert words in response.text
    assert counts(app) == before and stored_files(app) == files
    assert balance(app, field.bait, village_id=world.a1) == Decimal(7)


def test_a_product_the_holder_was_not_issued_is_refused(app, client, login, world, field):
    login("unit_a1")  # the unit holds bait, not the snail product
    response = post_work(client, field, target="t_unit", households_covered="1", product_id=str(field.spare))
    assert response.status_code == 422 and "未发放给" in response.text
    response = post_work(client, field, target="t_unit", households_covered="1", product_id=str(field.other))
    assert response.status_code == 422 and "请从列表中选择药物" in response.text  # another township's
    assert counts(app)[:2] == (0, 5)


def test_households_or_baits_on_a_snail_round_are_refused(app, client, login, field):
    login("village_a1")
    response = post_work(client, field, target="t_snail", round_id=field.snail_round, area_covered="3",
                         product_id="", quantity_used="")
    assert response.status_code == 422
    assert "按处理面积" in response.text and "不投放毒饵" in response.text
    response = post_work(client, field, target="t_snail", round_id=field.snail_round, households_covered="",
                         baits_placed="", product_id="", quantity_used="")
    assert response.status_code == 422 and "请填写处理面积" in response.text


def test_a_bad_photo_refuses_the_whole_post(app, client, login, world, field):
    login("village_a1")
    before, files = counts(app), stored_files(app)
    response = post_work(client, field, photos=[("good.jpg", jpeg()), ("bad.jpg", b"not an image at all")])
    assert response.status_code == 422
    assert counts(app) == before and stored_files(app) == files
    assert balance(app, field.bait, village_id=world.a1) == Decimal(10)


def test_a_nul_byte_is_refused_whole(app, client, login, field):
    login("village_a1")
    before = counts(app)
    assert post_work(client, field, note="a\x00b").status_code == 400
    assert counts(app) == before


@pytest.mark.parametrize("status", [RoundStatus.PLANNED, RoundStatus.CLOSED, RoundStatus.CANCELLED])
def test_only_an_announced_round_takes_work(app, client, login, field, status):
    with app.app_context():
        db.session.get(PestRound, field.round).status = status
        db.session.commit()
    login("admin_a")
    before = counts(app)
    response = post_work(client, field)
    assert response.status_code == 422
    assert {"planned": "尚未发布", "closed": "已结束", "cancelled": "已取消"}[status] in response.text
    assert counts(app) == before


def test_the_same_form_sent_twice_records_once(app, client, login, world, field):
    login("village_a1")
    key = uuid.uuid4().hex
    assert post_work(client, field, request_key=key).status_code == 303
    assert post_work(client, field, request_key=key).status_code == 303
    assert counts(app)[0] == 1 and balance(app, field.bait, village_id=world.a1) == Decimal("7.5")


def test_a_mop_up_covers_refused_households(app, client, login, world, field):
    login("village_a1")
    assert post_work(client, field, households_covered="45").status_code == 303
    for name in ("李四", "王五"):
        assert client.post(target_url(field.round, field.t_a1, "/refusals/new"),
                           data={"household_name": name, "reason": "absent"}).status_code == 303
    with app.app_context():
        li = db.session.scalar(sa.select(RoundRefusal.id).where(RoundRefusal.household_name == "李四"))
    form = client.get(target_url(field.round, field.t_a1, "/mop-up/new")).text
    assert "李四" in form and "家中无人" in form
    response = post_work(client, field, kind="mop-up", households_covered="1", quantity_used="0.1",
                         resolves=[str(li)])
    assert response.status_code == 303, response.text
    with app.app_context():
        open_ = list(db.session.scalars(sa.select(RoundRefusal.household_name)
                                        .where(RoundRefusal.resolved_by_work_id.is_(None))))
        assert open_ == ["王五"]
    page = client.get(target_url(field.round, field.t_a1)).text
    assert "补投/补喷" in page and "已补投覆盖" in page


def test_a_completion_cannot_resolve_refusals_nor_another_targets(app, client, login, world, field):
    login("admin_a")
    client.post(target_url(field.round, field.t_a2, "/refusals/new"), data={"household_name": "赵六",
                                                                            "reason": "refused"})
    with app.app_context():
        other = db.session.scalar(sa.select(RoundRefusal.id))
    assert post_work(client, field, resolves=[str(other)]).status_code == 422
    assert post_work(client, field, kind="mop-up", resolves=[str(other)]).status_code == 422
    assert counts(app)[0] == 0


def test_the_office_removes_a_mistaken_record_and_the_ledger_balances(app, client, login, world, field):
    login("village_a1")
    assert post_work(client, field, households_covered="10", photos=[("a.jpg", jpeg())]).status_code == 303
    client.post(target_url(field.round, field.t_a1, "/refusals/new"), data={"household_name": "李四",
                                                                            "reason": "absent"})
    assert post_work(client, field, kind="mop-up", households_covered="1", quantity_used="1").status_code == 303
    with app.app_context():
        first, second = db.session.scalars(sa.select(RoundWork.id).order_by(RoundWork.id))
    url = target_url(field.round, field.t_a1, f"/work/{first}/delete")
    assert client.post(url).status_code == 403  # a contact does not remove records
    login("admin_a")
    assert client.post(url).status_code == 303
    assert balance(app, field.bait, village_id=world.a1) == Decimal(9)
    with app.app_context():
        assert list(db.session.scalars(sa.select(RoundWork.id))) == [second]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 0
        assert db.session.scalar(sa.select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "remove"
    response = client.post(url, follow_redirects=True)
    assert response.status_code == 200 and "已删除" in response.text  # a resent removal: nothing more


def test_removing_a_mop_up_reopens_the_refusals_it_covered(app, client, login, field):
    login("admin_a")
    client.post(target_url(field.round, field.t_a1, "/refusals/new"), data={"household_name": "李四",
                                                                            "reason": "absent"})
    with app.app_context():
        refusal = db.session.scalar(sa.select(RoundRefusal.id))
    assert post_work(client, field, kind="mop-up", households_covered="1", resolves=[str(refusal)],
                     quantity_used="").status_code == 303
    with app.app_context():
        work = db.session.scalar(sa.select(RoundWork.id))
    assert client.post(target_url(field.round, field.t_a1, f"/work/{work}/delete")).status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(RoundRefusal.resolved_by_work_id)) is None
