"""The yearly follow-up sample: the office draws N or a share of the township's accepted toilets,
once per year (a second draw shows the first), reproducibly from the recorded seed; each sampled
toilet is checked (fine, or a problem with source follow_up); villages and other townships see none."""
import threading
import urllib.parse
import urllib.request
import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.toilets.models import HouseholdToilet, ToiletFollowUpSample, ToiletProblem, ToiletStageEvent
from hygiene.toilets.sample import sample_reproduce, sample_size
from hygiene.toilets.status import ToiletStage
from tests.rectifications.test_evidence_once import signed_in, status_of
from tests.toilets.task_helpers import add_toilets
from tests.toilets.test_toilet_pages import make_tasks

YEAR = local_today().year


@pytest.fixture
def tasks(app, world):
    tasks = make_tasks(app, world)
    with app.app_context():
        tasks.accepted = add_toilets(tasks.task_a1, ToiletStage.ACCEPTED, 6, accepted_on=date(YEAR, 6, 1))
        tasks.paid = add_toilets(tasks.task_a2, ToiletStage.SUBSIDY_PAID, 4, accepted_on=date(YEAR - 1, 9, 1))
        tasks.later = add_toilets(tasks.task_a1, ToiletStage.COMPLETED, 2)
        tasks.other = add_toilets(tasks.task_b1, ToiletStage.ACCEPTED, 3, accepted_on=date(YEAR, 6, 1))
    return tasks


def draw(client, size, year=YEAR):
    return client.post(f"/toilets/sample?year={year}", data={"size": size})


def the_sample(app, year=YEAR):
    with app.app_context():
        drawn = db.session.scalar(sa.select(ToiletFollowUpSample).where(ToiletFollowUpSample.year == year))
        if drawn is not None:
            db.session.expunge(drawn)
        return drawn


@pytest.mark.parametrize(("raw", "population", "size"), [
    ("3", 10, 3), ("10", 10, 10), ("10%", 10, 1), ("10%", 5, 1), ("25%", 10, 3), ("100%", 7, 7), ("12.5%", 8, 1),
    ("５０％".replace("５０", "50"), 4, 2)])
def test_the_size_is_a_number_or_a_share_rounded_up(raw, population, size):
    assert sample_size(raw, population) == size


@pytest.mark.parametrize("raw", ["", "0", "-3", "abc", "0%", "101%", "3.5", "1e3", "99999999999999999999"])
def test_a_size_that_is_no_number_is_refused(raw):
    from hygiene.errors import InvalidFields
    with pytest.raises(InvalidFields):
        sample_size(raw, 10)


def test_the_office_draws_once_a_year_from_the_accepted_toilets(app, client, login, world, tasks):
    login("admin_a")
    page = client.get("/toilets/sample").text
    assert "截至" in page and "10" in page  # 6 accepted this year + 4 paid last year; not the completed ones
    assert draw(client, "50%").status_code == 303
    drawn = the_sample(app)
    assert sorted(drawn.population) == sorted(tasks.accepted + tasks.paid)
    assert len(drawn.chosen) == 5 and set(drawn.chosen) <= set(drawn.population)
    assert sample_reproduce(drawn.seed, drawn.population, 5) == drawn.chosen
    page = client.get("/toilets/sample").text
    assert "名单一致" in page and drawn.seed in page
    assert all(f"/toilets/households/{t}" in page for t in drawn.chosen)
    again = draw(client, "2")  # a second draw shows the first
    assert again.status_code == 303
    assert the_sample(app).chosen == drawn.chosen
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ToiletFollowUpSample)) == 1


def test_last_years_sample_counts_only_toilets_accepted_by_its_end(app, client, login, world, tasks):
    login("admin_a")
    assert draw(client, "100%", year=YEAR - 1).status_code == 303
    assert sorted(the_sample(app, YEAR - 1).population) == sorted(tasks.paid)


@pytest.mark.parametrize("raw", ["11", "99999999999", "99999999999999999999", "1" + "0" * 39])
def test_a_size_above_the_accepted_toilets_says_the_most_it_can_be(raw):
    from hygiene.errors import InvalidFields
    with pytest.raises(InvalidFields) as refused:
        sample_size(raw, 10)
    assert "At most 10:" in refused.value.errors["size"]


def test_a_huge_size_is_refused_with_the_most_the_sample_can_be(app, client, login, world, tasks):
    login("admin_a")
    for size in ("11", "99999999999999999999"):
        answer = draw(client, size)
        assert answer.status_code == 422
        assert "最多 10 户" in answer.text and "100%" in answer.text, answer.text
    assert draw(client, "10").status_code == 303
    assert len(the_sample(app).chosen) == 10


def test_bad_sizes_and_an_empty_year_are_refused_in_the_form(app, client, login, world, tasks):
    login("admin_a")
    for size in ("", "abc", "0", "200%"):
        answer = draw(client, size)
        assert answer.status_code == 422 and "比例" in answer.text
    nothing = draw(client, "3", year=2001)
    assert nothing.status_code == 422 and "无可抽查对象" in nothing.text
    assert client.get("/toilets/sample?year=99999999999999999999").status_code == 200
    assert the_sample(app) is None


def test_a_sampled_toilet_is_checked_fine_or_with_a_problem(app, client, login, world, tasks):
    login("admin_a")
    draw(client, "3")
    drawn = the_sample(app)
    fine, bad = drawn.chosen[0], drawn.chosen[1]
    answer = client.post(f"/toilets/sample/{drawn.id}/check", data={
        "toilet_id": fine, "checked_on": local_today().isoformat(), "request_key": uuid.uuid4().hex})
    assert answer.status_code == 303
    form = client.get(f"/toilets/problems/new?toilet_id={bad}&sample_id={drawn.id}")
    assert form.status_code == 200 and "回头看抽查发现" in form.text
    made = client.post(f"/toilets/problems/new?toilet_id={bad}&sample_id={drawn.id}", data={
        "kind": "not_used", "reported_on": local_today().isoformat(), "request_key": uuid.uuid4().hex})
    assert made.status_code == 303
    with app.app_context():
        problem = db.session.scalar(sa.select(ToiletProblem))
        assert (problem.toilet_id, problem.source, problem.sample_id) == (bad, "follow_up", drawn.id)
        assert db.session.get(HouseholdToilet, fine).stage in (ToiletStage.ACCEPTED, ToiletStage.SUBSIDY_PAID)
        check = db.session.scalar(sa.select(ToiletStageEvent).where(ToiletStageEvent.toilet_id == fine))
        assert check.from_stage == check.to_stage  # a check moves no stage
    page = client.get("/toilets/sample").text
    assert "已核查，无问题" in page and "建而未用" in page
    outside = next(t for t in tasks.accepted + tasks.paid if t not in drawn.chosen)
    refused = client.post(f"/toilets/sample/{drawn.id}/check", data={
        "toilet_id": outside, "checked_on": local_today().isoformat(), "request_key": uuid.uuid4().hex})
    assert refused.status_code == 422
    # a sample's link for a toilet it did not draw is no page: it would say the sample found it
    assert client.get(f"/toilets/problems/new?toilet_id={outside}&sample_id={drawn.id}").status_code == 404
    assert client.post(f"/toilets/problems/new?toilet_id={outside}&sample_id={drawn.id}", data={
        "kind": "leak", "reported_on": local_today().isoformat()}).status_code == 404


def test_villages_inspectors_and_other_townships(app, client, login, world, tasks):
    login("admin_a")
    draw(client, "3")
    drawn = the_sample(app)
    login("inspector_a")
    assert client.get("/toilets/sample").status_code == 200
    assert draw(client, "3").status_code == 403  # the office draws
    login("village_a1")
    assert client.get("/toilets/sample").status_code == 403
    assert client.post(f"/toilets/sample/{drawn.id}/check", data={"toilet_id": drawn.chosen[0]}).status_code == 404
    assert client.get(f"/toilets/problems/new?toilet_id={tasks.accepted[0]}&sample_id={drawn.id}").status_code == 404
    login("admin_b")
    assert client.post(f"/toilets/sample/{drawn.id}/check", data={
        "toilet_id": drawn.chosen[0], "checked_on": local_today().isoformat()}).status_code == 404
    assert draw(client, "100%").status_code == 303  # 乙镇's own sample, of its own toilets
    with app.app_context():
        mine = db.session.scalar(sa.select(ToiletFollowUpSample).where(ToiletFollowUpSample.township_id == world.tb))
        assert sorted(mine.population) == sorted(tasks.other)


@pytest.mark.parametrize("same_key", [True, False], ids=["double-tap", "two-office-pcs"])
def test_draws_and_checks_at_the_same_moment_happen_once(app, live, client, login, world, tasks, same_key):
    opener = signed_in(live, "admin_a")
    start, statuses = threading.Barrier(4), []

    def post(url, fields):
        body = urllib.parse.urlencode(fields).encode()
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(url, data=body)))

    workers = [threading.Thread(target=post, args=(f"{live}/toilets/sample", {"size": str(n + 2)})) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    drawn = the_sample(app)
    key, statuses[:] = uuid.uuid4().hex, []
    fields = {"toilet_id": drawn.chosen[0], "checked_on": local_today().isoformat()}
    workers = [threading.Thread(target=post, args=(f"{live}/toilets/sample/{drawn.id}/check",
                                                  fields | {"request_key": key if same_key else uuid.uuid4().hex}))
               for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ToiletFollowUpSample)) == 1
        checks = db.session.scalar(sa.select(sa.func.count()).select_from(ToiletStageEvent).where(
            ToiletStageEvent.from_stage == ToiletStageEvent.to_stage))
        assert checks == (1 if same_key else 4)


def test_a_year_that_cannot_be_read_is_said_to_be_left_out(client, login, world, tasks):
    login("admin_a")
    for bad in ("abc", "-5", "0", "99999999999999999999"):
        page = client.get(f"/toilets/sample?year={bad}")
        assert page.status_code == 200 and "网址中有筛选条件无法识别，已忽略" in page.text, bad
    assert "网址中有筛选条件无法识别" not in client.get("/toilets/sample?year=2026").text


def test_the_county_admin_chooses_a_township_and_reads_its_sample(app, client, login, world, tasks):
    login("admin_a")
    assert draw(client, "3").status_code == 303
    drawn = the_sample(app)
    login("county")
    page = client.get(f"/toilets/sample?township_id={world.ta}&year={YEAR}").text
    assert drawn.seed in page and all(f"/toilets/households/{t}" in page for t in drawn.chosen)
    assert f'<option value="{world.ta}" selected' in page and "乙镇" in page  # the chooser lists both
    other = client.get(f"/toilets/sample?township_id={world.tb}&year={YEAR}").text
    assert drawn.seed not in other and "尚未进行本年度抽样" in other and "截至" in other
    assert "抽样" in other and 'name="size"' not in other  # the township's office draws, not the county
    first = client.get(f"/toilets/sample?year={YEAR}")  # none chosen: the first by name
    assert first.status_code == 200 and "<select name=\"township_id\"" in first.text
    for wrong in ("99999999999999999999", "abc", "-1", "0"):
        assert client.get(f"/toilets/sample?township_id={wrong}").status_code == 404, wrong
    assert client.post(f"/toilets/sample?township_id={world.tb}&year={YEAR}", data={"size": "1"}).status_code in (
        403, 422)
    assert the_sample(app).id == drawn.id
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ToiletFollowUpSample)) == 1
    login("admin_a")
    assert client.get(f"/toilets/sample?township_id={world.tb}&year={YEAR}").text.count(drawn.seed) == 1
