"""The totals kept on each target (households covered, works, mop-ups, open refusals, last day)
always equal what its records add up to: after work, a mop-up, refusals, their resolution and a
removed record; and when several targets' work arrives at the same moment (both databases)."""
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.pests.rounds.models import RoundRefusal, RoundTarget, RoundWork
from hygiene.pests.rounds.queries import round_coverage
from tests.pests.rounds.test_round_use import at_once
from tests.pests.rounds.test_work import field_fixture, post_work, target_url, work_data  # noqa: F401


def summed(app, round_id):
    """Each target's totals summed from its records now, as the boards read them before."""
    with app.app_context():
        rows = {}
        for target in db.session.scalars(sa.select(RoundTarget).where(RoundTarget.round_id == round_id)):
            works = list(db.session.scalars(sa.select(RoundWork).where(RoundWork.target_id == target.id)))
            open_ = db.session.scalar(sa.select(sa.func.count()).select_from(RoundRefusal).where(
                RoundRefusal.target_id == target.id, RoundRefusal.resolved_by_work_id.is_(None)))
            rows[target.id] = (sum(w.households_covered or 0 for w in works), len(works),
                               sum(w.kind == "mop_up" for w in works), open_,
                               max((w.done_on for w in works), default=None))
        return rows


def stored(app, round_id):
    with app.app_context():
        return {c.target_id: (c.households_covered, c.works, c.mop_ups, c.open_refusals, c.last_done_on)
                for c in round_coverage(round_id)}


def test_the_totals_follow_work_mop_ups_refusals_and_a_removed_record(app, client, login, field):
    login("village_a1")
    assert post_work(client, field, households_covered="30").status_code == 303
    for name in ("李四", "王五"):
        client.post(target_url(field.round, field.t_a1, "/refusals/new"), data={"household_name": name,
                                                                                "reason": "absent"})
    with app.app_context():
        li = db.session.scalar(sa.select(RoundRefusal.id).where(RoundRefusal.household_name == "李四"))
    assert post_work(client, field, kind="mop-up", households_covered="1", quantity_used="0.1",
                     resolves=[str(li)]).status_code == 303
    totals = stored(app, field.round)
    assert totals[field.t_a1][:4] == (31, 2, 1, 1) and totals == summed(app, field.round)
    with app.app_context():
        mop_up = db.session.scalar(sa.select(RoundWork.id).where(RoundWork.kind == "mop_up"))
    login("admin_a")
    assert client.post(target_url(field.round, field.t_a1, f"/work/{mop_up}/delete")).status_code == 303
    totals = stored(app, field.round)
    assert totals[field.t_a1][:4] == (30, 1, 0, 2) and totals == summed(app, field.round)
    board = client.get(f"/pests/rounds/{field.round}").text
    assert "60" in board  # 30 of 50 households: the round page reads the stored totals


def test_work_on_one_target_at_the_same_moment_adds_up(app, live, field):
    url = target_url(field.round, field.t_a1, "/work/new")
    posts = [(url, work_data(field, quantity_used="0.5", households_covered=str(n))) for n in (3, 4, 5, 6)]
    assert at_once(live, "village_a1", posts) == [303, 303, 303, 303]
    totals = stored(app, field.round)
    assert totals[field.t_a1][:2] == (18, 4) and totals == summed(app, field.round)
