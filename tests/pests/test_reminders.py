"""The morning pest-control sweep with a fake clock: rounds that start, places behind near a
round's end, stock that expires or runs low, the peak-season spray cadence; each told once."""
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.pests import reminders
from hygiene.pests.models import PestProduct, PestSettings, SupplyMovement
from hygiene.pests.rounds.models import PestRound, RoundTarget, RoundWork
from hygiene.pests.rounds.status import RoundStatus
from hygiene.scheduler import registered_job
from tests.pests.derived import refresh_derived

KINDS = ("round_starting", "round_behind", "round_behind_office", "stock_expiring", "stock_low", "spray_due")


def at(day: date) -> datetime:
    """07:15 Beijing time on `day`."""
    return datetime(day.year, day.month, day.day, 7, 15, tzinfo=UTC) - timedelta(hours=8)


def outbox(kind: str) -> list[tuple[str, str]]:
    """(username, subject) of each in-app row of a kind, in the order queued."""
    return [tuple(row) for row in db.session.execute(
        sa.select(User.username, Notification.subject).join(User, User.id == Notification.recipient_id)
        .where(Notification.kind == kind, Notification.channel == "in_app").order_by(Notification.id))]


def told(kind: str) -> list[str]:
    return [username for username, _subject in outbox(kind)]


def a_round(world, *, starts: date, ends: date, status=RoundStatus.ANNOUNCED, pests=("rodent",),
            township="ta", places=("a1",), households=100) -> PestRound:
    """A round with targets: village keys ("a1") or unit keys ("unit_a1") of the world."""
    pest_round = PestRound(township_id=getattr(world, township), name=f"统一灭鼠{starts}", pests=list(pests),
                           season="autumn", starts_on=starts, ends_on=ends, status=status,
                           coverage_goal=Decimal(95))
    db.session.add(pest_round)
    db.session.flush()
    for place in places:
        unit_id = getattr(world, place) if place.startswith("unit_") else None
        village_id = getattr(world, place.removeprefix("unit_")) if unit_id else getattr(world, place)
        db.session.add(RoundTarget(round_id=pest_round.id, township_id=pest_round.township_id, village_id=village_id,
                                   unit_id=unit_id, place_key=RoundTarget.key_of(village_id, unit_id),
                                   households_target=households))
    db.session.flush()
    return pest_round


def work(pest_round: PestRound, place_index: int, households: int, on: date) -> None:
    target = pest_round.targets[place_index]
    db.session.add(RoundWork(round_id=pest_round.id, target_id=target.id, township_id=target.township_id,
                             village_id=target.village_id, unit_id=target.unit_id, done_on=on,
                             households_covered=households))
    refresh_derived()


TODAY = date(2026, 11, 29)


# --- a round starting ----------------------------------------------------------------------

def test_a_round_starting_tomorrow_tells_its_targets_contacts_and_the_office_once(world, ctx):
    a_round(world, starts=TODAY + timedelta(days=1), ends=TODAY + timedelta(days=5), places=("a1", "unit_a1"))
    reminders.scan(now=at(TODAY - timedelta(days=1)))
    assert told("round_starting") == []  # two days ahead: not yet
    reminders.scan(now=at(TODAY))
    reminders.scan(now=at(TODAY))  # the job again
    reminders.scan(now=at(TODAY + timedelta(days=1)))  # the start day: already told
    assert sorted(told("round_starting")) == ["admin_a", "unit_a1", "village_a1"]
    assert outbox("round_starting")[0][1].startswith("灭杀行动 2026-11-30 开始")
    link = db.session.scalar(sa.select(Notification.link).where(Notification.kind == "round_starting").limit(1))
    assert link.startswith("/pests/rounds/")


def test_a_round_announced_on_its_start_day_is_told_that_day(world, ctx):
    a_round(world, starts=TODAY, ends=TODAY + timedelta(days=3))
    assert reminders.scan(now=at(TODAY))["round_starting"] == 2
    assert sorted(told("round_starting")) == ["admin_a", "village_a1"]


@pytest.mark.parametrize("status", [RoundStatus.PLANNED, RoundStatus.CANCELLED, RoundStatus.CLOSED])
def test_a_round_not_announced_tells_nobody(world, ctx, status):
    a_round(world, starts=TODAY + timedelta(days=1), ends=TODAY + timedelta(days=5), status=status)
    a_round(world, starts=TODAY - timedelta(days=2), ends=TODAY + timedelta(days=1), status=status)
    reminders.scan(now=at(TODAY))
    assert told("round_starting") == told("round_behind") == told("round_behind_office") == []


def test_another_township_s_round_tells_only_its_own_people(world, ctx):
    a_round(world, starts=TODAY + timedelta(days=1), ends=TODAY + timedelta(days=5), township="tb", places=("b1",))
    reminders.scan(now=at(TODAY))
    assert sorted(told("round_starting")) == ["admin_b", "village_b1"]


# --- behind near the end ---------------------------------------------------------------------

def test_a_place_behind_two_days_before_the_end_is_told_once_and_the_office_hears_who(world, ctx):
    pest_round = a_round(world, starts=TODAY - timedelta(days=3), ends=TODAY + timedelta(days=4),
                         places=("a1", "a2", "unit_a1"))
    work(pest_round, 0, 60, TODAY - timedelta(days=1))   # 甲一村 60% of 100: behind
    work(pest_round, 1, 100, TODAY - timedelta(days=1))  # 甲二村 done
    # 甲一村饭店 (the unit) recorded nothing: behind
    reminders.scan(now=at(TODAY + timedelta(days=1)))     # three days before the end: not yet
    assert told("round_behind") == told("round_behind_office") == []
    for day in (2, 2, 3, 4):
        reminders.scan(now=at(TODAY + timedelta(days=day)))
    assert sorted(told("round_behind")) == ["unit_a1", "village_a1"]
    [(who, subject)] = outbox("round_behind_office")
    assert who == "admin_a" and "2 处进度落后" in subject
    body = db.session.scalar(sa.select(Notification.body).where(Notification.kind == "round_behind_office"))
    assert "甲一村" in body and "a1饭店" in body and "甲二村" not in body
    village_body = db.session.scalar(sa.select(Notification.body).join(User, User.id == Notification.recipient_id)
                                     .where(Notification.kind == "round_behind", User.username == "village_a1"))
    assert "60%" in village_body and "95%" in village_body


def test_a_round_whose_end_moves_later_reminds_again_in_the_new_window(world, ctx):
    pest_round = a_round(world, starts=TODAY - timedelta(days=3), ends=TODAY + timedelta(days=1))
    reminders.scan(now=at(TODAY))
    pest_round.ends_on = TODAY + timedelta(days=6)  # the office extends the round
    reminders.scan(now=at(TODAY + timedelta(days=2)))
    assert told("round_behind") == ["village_a1"]
    reminders.scan(now=at(TODAY + timedelta(days=4)))
    assert told("round_behind") == ["village_a1"] * 2


def test_the_office_sets_how_many_days_before_the_end_to_remind(world, ctx):
    db.session.add(PestSettings(township_id=world.ta, spray_months=[6, 7, 8], spray_every_days_min=2,
                                spray_every_days_max=3, days_before_end=5))
    a_round(world, starts=TODAY - timedelta(days=3), ends=TODAY + timedelta(days=5))
    reminders.scan(now=at(TODAY))
    assert told("round_behind") == ["village_a1"] and told("round_behind_office") == ["admin_a"]


def test_a_place_that_met_the_goal_is_not_reminded(world, ctx):
    pest_round = a_round(world, starts=TODAY - timedelta(days=3), ends=TODAY + timedelta(days=1))
    work(pest_round, 0, 95, TODAY - timedelta(days=1))
    reminders.scan(now=at(TODAY))
    assert told("round_behind") == told("round_behind_office") == []


# --- the supplies ledger -------------------------------------------------------------------

def product(world, *, stock="10", expiry=None, minimum="0", township="ta") -> PestProduct:
    row = PestProduct(township_id=getattr(world, township), name="溴敌隆毒饵", active_ingredient="溴敌隆 0.005%",
                      unit="kg", expiry=expiry, minimum_stock=Decimal(minimum), stock=Decimal(stock))
    db.session.add(row)
    db.session.flush()
    return row


def test_stock_expiring_within_30_days_tells_the_office_once(world, ctx):
    soon = product(world, expiry=TODAY + timedelta(days=30))
    product(world, expiry=TODAY + timedelta(days=31))                 # not yet
    product(world, expiry=TODAY + timedelta(days=5), stock="0")       # nothing left to expire
    product(world, expiry=TODAY - timedelta(days=1))                  # expired already
    product(world, expiry=TODAY + timedelta(days=5), township="tb")   # the other office's
    reminders.scan(now=at(TODAY))
    reminders.scan(now=at(TODAY))
    assert outbox("stock_expiring") == [("admin_a", "溴敌隆毒饵 将于 2026-12-29 过期"),
                                        ("admin_b", "溴敌隆毒饵 将于 2026-12-04 过期")]
    soon.expiry = TODAY + timedelta(days=20)  # a corrected expiry date is a new occasion
    reminders.scan(now=at(TODAY))
    assert told("stock_expiring") == ["admin_a", "admin_b", "admin_a"]
    link = db.session.scalar(sa.select(Notification.link).where(Notification.kind == "stock_expiring").limit(1))
    assert link == f"/supplies/{soon.id}"


def move(row: PestProduct, kind: str, quantity: str) -> None:
    change = {"in": 1, "return": 1, "issue": -1}.get(kind, 0) * Decimal(quantity)
    db.session.add(SupplyMovement(product_id=row.id, township_id=row.township_id, kind=kind,
                                  quantity=Decimal(quantity), moved_on=TODAY))
    row.stock = Decimal(row.stock) + change
    db.session.flush()


def test_stock_below_the_minimum_tells_once_per_drop_and_a_restock_rearms_it(world, ctx):
    low = product(world, stock="0", minimum="5")
    move(low, "in", "20")
    reminders.scan(now=at(TODAY))
    assert told("stock_low") == []                  # 20 of a minimum 5
    move(low, "issue", "16")                        # 4 left
    reminders.scan(now=at(TODAY))
    reminders.scan(now=at(TODAY + timedelta(days=1)))
    assert outbox("stock_low") == [("admin_a", "库存不足：溴敌隆毒饵")]
    move(low, "issue", "2")                         # lower still: the same drop
    reminders.scan(now=at(TODAY + timedelta(days=2)))
    assert told("stock_low") == ["admin_a"]
    move(low, "in", "10")                           # 12: back above the minimum
    reminders.scan(now=at(TODAY + timedelta(days=3)))
    move(low, "issue", "10")                        # 2: a new drop
    reminders.scan(now=at(TODAY + timedelta(days=3)))
    assert told("stock_low") == ["admin_a"] * 2
    body = db.session.scalar(sa.select(Notification.body).where(Notification.kind == "stock_low")
                             .order_by(Notification.id.desc()).limit(1))
    assert "2 千克" in body and "5 千克" in body


def test_a_product_without_a_minimum_is_never_low(world, ctx):
    product(world, stock="0", minimum="0")
    reminders.scan(now=at(TODAY))
    assert told("stock_low") == []


def test_a_new_product_below_its_minimum_tells_once(world, ctx):
    product(world, stock="0", minimum="5")
    for day in (0, 1):
        reminders.scan(now=at(TODAY + timedelta(days=day)))
    assert told("stock_low") == ["admin_a"]


# --- the peak-season spray cadence --------------------------------------------------------

JULY = date(2026, 7, 10)


def test_in_season_without_a_recent_spray_round_the_office_is_told_once_a_day(world, ctx):
    a_round(world, starts=JULY - timedelta(days=4), ends=JULY, pests=("mosquito", "fly"))  # 4 days ago: too long
    a_round(world, starts=JULY - timedelta(days=1), ends=JULY, pests=("rodent",))          # not a spray round
    a_round(world, starts=JULY - timedelta(days=1), ends=JULY, pests=("fly",), status=RoundStatus.PLANNED)
    reminders.scan(now=at(JULY))
    reminders.scan(now=at(JULY))
    assert outbox("spray_due") == [("admin_a", "高峰期：应开展消杀"), ("admin_b", "高峰期：应开展消杀")]
    reminders.scan(now=at(JULY + timedelta(days=1)))
    assert sorted(told("spray_due")) == ["admin_a", "admin_a", "admin_b", "admin_b"]


def test_a_spray_round_within_the_interval_or_a_day_out_of_season_tells_nobody(world, ctx):
    a_round(world, starts=JULY - timedelta(days=3), ends=JULY, pests=("mosquito",), status=RoundStatus.CLOSED)
    a_round(world, starts=JULY - timedelta(days=2), ends=JULY, pests=("fly",), township="tb", places=("b1",))
    reminders.scan(now=at(JULY))
    reminders.scan(now=at(TODAY))  # November
    assert told("spray_due") == []


def test_the_office_sets_its_own_season_and_interval(world, ctx):
    db.session.add(PestSettings(township_id=world.ta, spray_months=[11], spray_every_days_min=5,
                                spray_every_days_max=7, days_before_end=2))
    a_round(world, starts=date(2026, 11, 10), ends=date(2026, 11, 12), pests=("mosquito",))
    reminders.scan(now=at(date(2026, 11, 17)))
    assert told("spray_due") == []  # 7 days after the last round: within the interval
    reminders.scan(now=at(date(2026, 11, 18)))
    assert told("spray_due") == ["admin_a"]
    reminders.scan(now=at(JULY))  # July is no longer the township's season (township B's still is)
    assert told("spray_due") == ["admin_a", "admin_b"]


# --- the job ------------------------------------------------------------------------------------

def test_the_job_runs_the_sweep_each_morning(app):
    job = registered_job("pest_reminders")
    assert job.func is reminders.scan and job.at is not None and (job.at.hour, job.at.minute) == (7, 15)


def test_two_sweeps_at_the_same_moment_tell_each_person_once(app, world):
    with app.app_context():
        a_round(world, starts=TODAY + timedelta(days=1), ends=TODAY + timedelta(days=5), places=("a1", "unit_a1"))
        product(world, stock="1", minimum="5", expiry=TODAY + timedelta(days=3))
        db.session.commit()
    start, errors = threading.Barrier(3), []

    def sweep():
        try:
            with app.app_context():
                start.wait(10)
                reminders.scan(now=at(TODAY))
                db.session.commit()
        except Exception as error:  # surfaced below; a thread's exception is otherwise lost
            errors.append(error)

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with app.app_context():
        assert sorted(told("round_starting")) == ["admin_a", "unit_a1", "village_a1"]
        assert told("stock_expiring") == told("stock_low") == ["admin_a"]
