"""A round's status moves, its page and coverage board, the township's board, the list, and
who sees what: a contact only the announced or closed rounds that reach them, and only their own
targets."""
from datetime import date, timedelta

import sqlalchemy as sa

import hygiene.models  # noqa: F401  every table first, so mappers resolve names whatever is collected next
from hygiene.extensions import db
from hygiene.pests.rounds.models import PestRound, RoundRefusal, RoundTarget, RoundWork
from tests.pests.derived import refresh_derived
from tests.pests.rounds.test_planning import audits, plan, round_form, rounds


def work(app, round_id, place, done_on=date(2026, 10, 22), covered=None, area=None, kind="completion"):
    """Record work on a target (the field side's rows, written directly)."""
    with app.app_context():
        target = db.session.scalar(sa.select(RoundTarget).where(RoundTarget.round_id == round_id,
                                                                RoundTarget.place_key == place))
        row = RoundWork(round_id=round_id, target_id=target.id, township_id=target.township_id,
                        village_id=target.village_id, unit_id=target.unit_id, kind=kind, done_on=done_on,
                        households_covered=covered, area_covered=area)
        db.session.add(row)
        refresh_derived()
        db.session.commit()
        return target.id


def refuse(app, round_id, place, name="张三"):
    with app.app_context():
        target = db.session.scalar(sa.select(RoundTarget).where(RoundTarget.round_id == round_id,
                                                                RoundTarget.place_key == place))
        db.session.add(RoundRefusal(round_id=round_id, target_id=target.id, township_id=target.township_id,
                                    village_id=target.village_id, household_name=name, reason="absent"))
        refresh_derived()
        db.session.commit()


def two_village_round(app, login, world, **changes) -> int:
    """甲一村 30 households and its restaurant, 甲二村 20 households; announced."""
    data = {f"v{world.a2}": "1", f"v{world.a2}_households": "20"} | changes
    round_id = plan(app, login, world, **data)
    login("admin_a").post(f"/pests/rounds/{round_id}/announce")
    return round_id


def test_announce_close_reopen_and_cancel_move_the_round_and_are_audited(app, client, login, world):
    round_id = plan(app, login, world)
    client = login("admin_a")
    for move, status in (("announce", "announced"), ("close", "closed"), ("reopen", "announced"),
                         ("cancel", "cancelled")):
        response = client.post(f"/pests/rounds/{round_id}/{move}", data={"confirmed": "1"})
        assert response.status_code == 303
        assert rounds(app)[0].status == status, move
    made = rounds(app)[0]
    assert made.announced_at is not None and made.closed_at is None
    assert [audits(app, a) for a in ("announce", "close", "reopen", "cancel")] == [1, 1, 1, 1]


def test_a_move_the_round_cannot_make_is_refused_with_a_message(app, client, login, world):
    round_id = plan(app, login, world)
    client = login("admin_a")
    response = client.post(f"/pests/rounds/{round_id}/close", follow_redirects=True)
    assert "本轮次当前为“计划中”，不能结束" in response.text or "不能结束" in response.text
    assert rounds(app)[0].status == "planned" and audits(app, "close") == 0


def test_a_repeated_click_moves_the_round_once(app, client, login, world):
    round_id = plan(app, login, world)
    client = login("admin_a")
    assert client.post(f"/pests/rounds/{round_id}/announce").status_code == 303
    assert client.post(f"/pests/rounds/{round_id}/announce").status_code == 303
    assert audits(app, "announce") == 1


def test_identical_announce_clicks_at_once_move_the_round_once(app, live, world, login):
    import threading
    import urllib.request

    from tests.rectifications.test_evidence_once import signed_in, status_of

    round_id = plan(app, login, world)
    opener = signed_in(live, "admin_a")
    statuses: list[int] = []
    start = threading.Barrier(4)

    def post():
        request = urllib.request.Request(f"{live}/pests/rounds/{round_id}/announce", data=b"")
        start.wait()
        statuses.append(status_of(opener, request))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    assert rounds(app)[0].status == "announced" and audits(app, "announce") == 1


def test_the_round_page_shows_each_targets_coverage_behind_first_with_totals(app, client, login, world):
    round_id = two_village_round(app, login, world)
    work(app, round_id, f"village:{world.a1}", covered=29)
    work(app, round_id, f"village:{world.a1}", covered=3, kind="mop_up", done_on=date(2026, 10, 25))
    unit_target = work(app, round_id, f"unit:{world.unit_a1}", covered=1)
    refuse(app, round_id, f"village:{world.a2}")
    page = login("admin_a").get(f"/pests/rounds/{round_id}").text
    coverage = page[page.index("覆盖情况"):]
    # 甲二村 has no work: behind, listed first; 甲一村 32 of 30 is capped at 100%
    assert coverage.index("甲二村") < coverage.index("甲一村")
    assert "100.00%" in coverage and "2026-10-25" in coverage
    assert f'href="/pests/rounds/{round_id}/targets/{unit_target}"' in coverage
    totals = coverage[coverage.index("合计(3)"):]
    totals = totals[:totals.index("</tr>")]  # the totals row only: the history below has times like 14:51
    # households and places apart, never 51 of mixed 农户 and 处: 30 of 50 households, 1 of 1 place
    assert "50 农户" in totals and "30 农户" in totals and "60.00%" in totals
    assert "1 处" in totals and "100.00%" in totals and "51" not in totals


def test_a_snail_rounds_totals_are_in_mu(app, client, login, world):
    data = {"name": "春季灭螺", "pests": ["snail"], "season": "spring", "starts_on": "2026-11-01",
            "ends_on": "2026-11-30", "request_key": "snail", f"v{world.a1}": "1", f"v{world.a1}_area": "10",
            f"v{world.a1}_area_unit": "mu", f"v{world.a2}": "1", f"v{world.a2}_area": "2000",
            f"v{world.a2}_area_unit": "m2"}
    client = login("admin_a")
    round_id = int(client.post("/pests/rounds/new", data=data).headers["Location"].split("/")[-1])
    client.post(f"/pests/rounds/{round_id}/announce")
    work(app, round_id, f"village:{world.a1}", area=10)
    page = client.get(f"/pests/rounds/{round_id}").text
    assert "13 亩" in page and "10 亩" in page and "76.92%" in page  # 2000 m² = 3 mu


def test_a_contact_sees_only_announced_rounds_that_reach_them_and_their_own_targets(app, client, login, world):
    planned = plan(app, login, world, request_key="planned", name="计划中的轮次")
    announced = two_village_round(app, login, world, request_key="announced", name="已发布的轮次")
    only_a2 = plan(app, login, world, request_key="a2", name="甲二村专项",
                   **{f"v{world.a1}": "", f"u{world.unit_a1}": "", f"v{world.a2}": "1", f"v{world.a2}_households": "5"})
    login("admin_a").post(f"/pests/rounds/{only_a2}/announce")
    client = login("village_a1")
    listing = client.get("/pests/rounds/").text
    assert "已发布的轮次" in listing and "计划中的轮次" not in listing and "甲二村专项" not in listing
    assert client.get(f"/pests/rounds/{planned}").status_code == 404
    assert client.get(f"/pests/rounds/{only_a2}").status_code == 404
    page = client.get(f"/pests/rounds/{announced}").text
    assert "甲一村" in page and "a1饭店" in page and "甲二村" not in page
    assert "发布</button>" not in page and "修改</a>" not in page
    unit_page = login("unit_a1").get(f"/pests/rounds/{announced}").text
    assert "a1饭店" in unit_page and "甲二村" not in unit_page and "20" not in unit_page.split("覆盖情况")[1]


def test_contacts_and_inspectors_cannot_move_or_edit_a_round(app, client, login, world):
    round_id = two_village_round(app, login, world)
    for user in ("village_a1", "unit_a1", "inspector_a"):
        client = login(user)
        for move in ("close", "cancel"):
            assert client.post(f"/pests/rounds/{round_id}/{move}").status_code == 403, (user, move)
        assert client.get(f"/pests/rounds/{round_id}/edit").status_code == 403
    assert rounds(app)[0].status == "announced"
    assert login("inspector_a").get(f"/pests/rounds/{round_id}").status_code == 200


def test_another_townships_round_is_not_found(app, client, login, world):
    round_id = plan(app, login, world)
    client = login("admin_b")
    assert client.get(f"/pests/rounds/{round_id}").status_code == 404
    assert client.post(f"/pests/rounds/{round_id}/announce").status_code == 404
    assert client.get(f"/pests/rounds/{round_id}/edit").status_code == 404
    assert client.get("/exports/round_roster.xlsx", query_string={"round_id": round_id}).status_code == 404
    assert rounds(app)[0].status == "planned"
    assert client.get("/pests/rounds/99999999999999999999").status_code == 404
    assert client.post("/pests/rounds/2147483648/announce").status_code == 404


def test_the_list_filters_by_season_year_pest_and_status(app, client, login, world):
    plan(app, login, world, request_key="a", name="秋季灭鼠")
    plan(app, login, world, request_key="b", name="夏季灭蚊", pests=["mosquito", "fly"], season="summer",
         starts_on="2026-07-01", ends_on="2026-07-31")
    client = login("admin_a")
    assert "夏季灭蚊" not in client.get("/pests/rounds/?season=autumn").text
    assert "秋季灭鼠" not in client.get("/pests/rounds/?pest=fly").text
    assert "夏季灭蚊" in client.get("/pests/rounds/?pest=fly&year=2026&status=planned").text
    assert "秋季灭鼠" not in client.get("/pests/rounds/?year=2025").text
    odd = client.get("/pests/rounds/?pest=dragon&status=%00x&year=99999999999", follow_redirects=True)
    assert odd.status_code in (200, 400)
    odd = client.get("/pests/rounds/?pest=dragon&year=abc")
    assert odd.status_code == 200 and "秋季灭鼠" in odd.text


def test_the_township_board_shows_each_village_in_each_current_round(app, client, login, world):
    current = two_village_round(app, login, world, request_key="now", name="秋季灭鼠")
    work(app, current, f"village:{world.a1}", covered=30)
    work(app, current, f"unit:{world.unit_a1}", covered=1)
    old = two_village_round(app, login, world, request_key="old", name="春季灭鼠", season="spring",
                            starts_on="2026-03-25", ends_on="2026-04-05")
    login("admin_a").post(f"/pests/rounds/{old}/close")
    plan(app, login, world, request_key="next", name="冬季灭鼠", season="winter", starts_on="2026-12-10",
         ends_on="2026-12-20")
    page = login("admin_a").get("/pests/rounds/board").text
    assert "秋季灭鼠" in page and "春季灭鼠" not in page and "冬季灭鼠" not in page
    row_a1 = page[page.index("<td>甲一村</td>"):].split("</tr>")[0]
    row_a2 = page[page.index("<td>甲二村</td>"):].split("</tr>")[0]
    assert "100.00%" in row_a1 and "1个单位" in row_a1 and "个滞后" not in row_a1
    assert "0.00%" in row_a2 and "1个滞后" in row_a2
    assert 'class="behind"' in page


def test_the_board_counts_in_sql_whatever_the_number_of_rounds(app, client, login, world, count_queries):
    client = login("admin_a")
    for n in range(6):
        round_id = two_village_round(app, login, world, request_key=f"r{n}", name=f"第{n}轮")
        work(app, round_id, f"village:{world.a1}", covered=n)
    client.get("/pests/rounds/board")
    with count_queries() as few:
        client.get("/pests/rounds/board")
    round_id = two_village_round(app, login, world, request_key="more", name="再一轮")
    with count_queries() as more:
        assert "再一轮" in client.get("/pests/rounds/board").text
    assert more[0] == few[0]


def test_a_round_that_ended_a_month_ago_leaves_the_board(app, ctx, world):
    from hygiene.pests.rounds.queries import current_rounds_clause

    today = date(2026, 11, 29)
    rows = [PestRound(township_id=world.ta, name=name, pests=["rodent"], season="autumn", starts_on=start,
                      ends_on=end, status=status)
            for name, start, end, status in (("近期结束", today - timedelta(days=40), today - timedelta(days=30),
                                              "closed"),
                                             ("早已结束", today - timedelta(days=60), today - timedelta(days=31),
                                              "closed"),
                                             ("仍发布", today - timedelta(days=90), today - timedelta(days=80),
                                              "announced"),
                                             ("已取消", today, today, "cancelled"))]
    db.session.add_all(rows)
    db.session.flush()
    shown = db.session.scalars(sa.select(PestRound.name).where(current_rounds_clause(today))).all()
    assert sorted(shown) == ["仍发布", "近期结束"]


def test_only_the_office_reads_the_township_board(app, client, login, world):
    assert login("inspector_a").get("/pests/rounds/board").status_code == 200
    for user in ("village_a1", "unit_a1"):
        assert login(user).get("/pests/rounds/board").status_code == 403


def test_a_round_unknown_to_the_form_edit_is_safe(app, client, login, world):
    round_id = plan(app, login, world)
    round_form_data = round_form(world, request_key="")
    response = login("admin_a").post(f"/pests/rounds/{round_id}/edit", data=round_form_data | {"v999999": "1"})
    assert response.status_code == 303  # a village not offered by the form is not read


def test_a_round_is_upcoming_under_way_or_over_on_a_day():
    from hygiene.pests.rounds.timing import ENDED, RUNNING, UPCOMING, phase_on, recently_ended

    start, end = date(2026, 10, 19), date(2026, 10, 31)
    assert [phase_on(start, end, day) for day in (date(2026, 10, 18), start, end, date(2026, 11, 1))] == [
        UPCOMING, RUNNING, RUNNING, ENDED]
    assert recently_ended(end, date(2026, 11, 30)) and not recently_ended(end, date(2026, 12, 1))
