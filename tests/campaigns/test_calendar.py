"""The office's yearly calendar: generated once however often it is asked (at the same moment
too), a year the official calendar does not know said to the office, events edited and added,
bad input refused with nothing written, and contacts kept out."""
import threading
import uuid

import sqlalchemy as sa

from hygiene.campaigns.models import CampaignEvent
from hygiene.extensions import db
from tests.campaigns.helpers import TODAY, counts, post_form, signed_in


def events(app, township_id):
    with app.app_context():
        return list(db.session.scalars(sa.select(CampaignEvent).where(CampaignEvent.township_id == township_id)
                                       .order_by(CampaignEvent.starts_on)))


def test_the_office_generates_the_years_calendar_once(app, client, login, world):
    login("admin_a")
    answer = client.post("/campaigns/calendar/generate", data={"year": "2026"}, follow_redirects=True)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "第38个爱国卫生月" in page and "春季统一灭鼠" in page and "元旦前环境卫生大扫除" in page
    made = events(app, world.ta)
    assert len(made) == 9 and {e.year for e in made} == {2026}
    # the clean-up before New Year 2027: that year's holidays are not official yet, and the office is told
    new_year = next(e for e in made if e.key == "new_year_cleanup")
    assert new_year.provisional and new_year.holiday_on.isoformat() == "2027-01-01"
    assert "暂定" in page or "provisional" in page
    again = client.post("/campaigns/calendar/generate", data={"year": "2026"}, follow_redirects=True)
    assert again.status_code == 200
    assert len(events(app, world.ta)) == 9
    assert events(app, world.tb) == []


def test_an_edited_event_keeps_its_dates_and_is_not_made_again(app, client, login, world):
    login("admin_a")
    client.post("/campaigns/calendar/generate", data={"year": "2026"})
    month = next(e for e in events(app, world.ta) if e.key == "hygiene_month")
    answer = client.post(f"/campaigns/calendar/{month.id}/edit", data={
        "name": month.name, "starts_on": "2026-03-25", "ends_on": "2026-04-30", "note": "提前一周启动"})
    assert answer.status_code == 303
    client.post("/campaigns/calendar/generate", data={"year": "2026"})
    kept = [e for e in events(app, world.ta) if e.key == "hygiene_month"]
    assert len(kept) == 1 and kept[0].starts_on.isoformat() == "2026-03-25" and kept[0].edited


def test_the_office_adds_its_own_event_once_per_form(app, client, login, world):
    login("admin_a")
    data = {"name": "全镇卫生死角清理日", "starts_on": "2026-06-06", "ends_on": "2026-06-06", "note": "",
            "request_key": uuid.uuid4().hex}
    assert client.post("/campaigns/calendar/new?year=2026", data=data).status_code == 303
    assert client.post("/campaigns/calendar/new?year=2026", data=data).status_code == 303
    own = [e for e in events(app, world.ta) if e.key is None]
    assert [e.name for e in own] == ["全镇卫生死角清理日"]


def test_bad_event_input_is_refused_with_a_message_and_nothing_written(app, client, login, world):
    login("admin_a")
    before = counts(app)
    for data in ({"name": "", "starts_on": "2026-06-06", "ends_on": "2026-06-06"},
                 {"name": "清理日", "starts_on": "2026-06-06", "ends_on": "2026-06-01"},
                 {"name": "清理日", "starts_on": "9999-06-06", "ends_on": "9999-06-07"},
                 {"name": "清理日", "starts_on": "2026-02-30", "ends_on": "2026-06-07"},
                 {"name": "清理日", "starts_on": "2025-12-30", "ends_on": "2026-01-02"},
                 {"name": "长" * 101, "starts_on": "2026-06-06", "ends_on": "2026-06-07"}):
        answer = client.post("/campaigns/calendar/new?year=2026", data=data | {"request_key": uuid.uuid4().hex})
        assert answer.status_code == 422, data
        assert 'class="error' in answer.get_data(as_text=True)
    nul = client.post("/campaigns/calendar/new?year=2026", data={"name": "清理\x00日", "starts_on": "2026-06-06",
                                                                 "ends_on": "2026-06-06"})
    assert nul.status_code == 400  # the request-wide answer to a NUL character, never a 500
    for year in ("99999999999999999999", "-5", "abc", "1900"):
        answer = client.post("/campaigns/calendar/generate", data={"year": year}, follow_redirects=True)
        assert answer.status_code == 200 and "2000" in answer.get_data(as_text=True)
        assert client.get(f"/campaigns/calendar?year={year}").status_code == 200
    assert client.get("/campaigns/calendar/99999999999999999999/edit").status_code == 404
    assert counts(app) == before


def test_contacts_do_not_see_the_calendar_and_another_township_gets_404(app, client, login, world):
    login("admin_a")
    client.post("/campaigns/calendar/generate", data={"year": str(TODAY.year)})
    event_id = events(app, world.ta)[0].id
    for user in ("village_a1", "unit_a1"):
        login(user)
        assert client.get("/campaigns/calendar").status_code == 403
        assert client.post("/campaigns/calendar/generate", data={"year": "2026"}).status_code == 403
        assert client.get(f"/campaigns/calendar/{event_id}/edit").status_code in (403, 404)
    login("inspector_a")
    assert client.get("/campaigns/calendar").status_code == 200
    assert client.post("/campaigns/calendar/generate", data={"year": "2026"}).status_code == 403
    login("admin_b")
    assert client.get(f"/campaigns/calendar/{event_id}/edit").status_code == 404
    assert client.post(f"/campaigns/calendar/{event_id}/edit", data={"name": "x", "starts_on": "2026-06-06",
                                                                      "ends_on": "2026-06-06"}).status_code == 404


def test_two_generations_at_the_same_moment_make_each_event_once(app, live, world):
    openers = [signed_in(live, "admin_a") for _ in range(4)]
    start, statuses = threading.Barrier(4), []

    def post(opener):
        start.wait()
        statuses.append(post_form(opener, f"{live}/campaigns/calendar/generate", {"year": "2026"}))

    workers = [threading.Thread(target=post, args=(opener,)) for opener in openers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    assert len(events(app, world.ta)) == 9
