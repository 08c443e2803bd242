"""The briefing's pages: the office reads its township's briefing (a month by default last month,
or a week), prints it, shares a read-only link that works without a login until it is revoked;
contacts and other townships reach nothing of it."""
from __future__ import annotations

import re
import threading
import urllib.parse
import urllib.request
import uuid

import pytest
import sqlalchemy as sa
import time_machine

from hygiene.audit.models import AuditEvent
from hygiene.briefing.models import BriefingLink
from hygiene.extensions import db
from tests.briefing.helpers import add_october
from tests.rectifications.test_evidence_once import signed_in, status_of

TODAY = "2026-11-20 10:00 +0800"


@pytest.fixture
def october(app, world):
    with app.app_context():
        add_october(world)
    return world


def make_link(client, period="2026-10", key=None, **extra):
    return client.post(f"/briefing/{period}/links", data={"request_key": key or uuid.uuid4().hex, **extra})


def links(app) -> list[BriefingLink]:
    with app.app_context():
        return list(db.session.scalars(sa.select(BriefingLink).order_by(BriefingLink.id)))


def test_the_office_reads_last_month_s_briefing_by_default(client, login, october):
    with time_machine.travel(TODAY, tick=False):
        login("inspector_a")
        page = client.get("/briefing/").text
    assert "甲镇爱卫办工作简报" in page and "2026年第10期" in page and "2026年10月" in page
    assert "完成检查4次，其中已公布3次。" in page and "本期验收户厕3座。" in page
    assert "一、检查" in page and "六、改厕" in page
    assert "乙一村" not in page and "乙镇" not in page
    assert "生成链接" not in page  # sharing is the admins'


def test_a_week_and_a_month_are_read_from_the_address_and_nonsense_is_said(client, login, october):
    with time_machine.travel(TODAY, tick=False):
        login("admin_a")
        week = client.get("/briefing/?period=2026-W42").text   # 12-18 October
        assert "2026年第42期（周报）" in week and "2026年第42周（2026年10月12日至2026年10月18日）" in week
        for bad in ("2026-13", "x\u3000", "99999999999999999999", "2027-01", "-5", "2026-W60"):
            page = client.get("/briefing/", query_string={"period": bad})
            assert page.status_code == 200 and "2026年第10期" in page.text and "无法识别" in page.text, bad


def test_a_period_with_nothing_says_so_plainly(client, login, world):
    with time_machine.travel(TODAY, tick=False):
        login("admin_a")
        page = client.get("/briefing/").text
    assert page.count("本期无相关数据。") == 10


def test_the_page_prints_on_a4(client, login, october):
    login("admin_a")
    with open("static/css/briefing.css", encoding="utf-8") as sheet:
        css = sheet.read()
    assert "size:A4" in css and "@media print" in css
    assert "data-print" in client.get("/briefing/?period=2026-10").text


def test_a_shared_link_reads_without_a_login_until_it_is_revoked(app, client, login, october):
    login("admin_a")
    assert make_link(client).status_code == 303
    [link] = links(app)
    assert len(link.token) >= 32 and link.period_key == "2026-10"
    page = client.get("/briefing/?period=2026-10").text
    assert f"/b/{link.token}" in page
    client.post("/logout")
    shared = client.get(f"/b/{link.token}")
    assert shared.status_code == 200 and "完成检查4次" in shared.text and "生成链接" not in shared.text
    assert shared.headers["Referrer-Policy"] == "no-referrer"
    other = "y" if link.token.endswith("x") else "x"  # a token one character off, never the same one
    assert client.get(f"/b/{link.token[:-1]}{other}").status_code == 404
    login("admin_a")
    assert client.post(f"/briefing/links/{link.token}/revoke").status_code == 303
    assert client.post(f"/briefing/links/{link.token}/revoke").status_code == 303  # again: nothing changes
    client.post("/logout")
    assert client.get(f"/b/{link.token}").status_code == 404
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.entity_type == "briefing_link"))
        assert sorted(actions) == ["create", "withdraw"]


def test_a_double_tap_makes_one_link(app, client, login, october):
    login("admin_a")
    key = uuid.uuid4().hex
    assert make_link(client, key=key).status_code == make_link(client, key=key).status_code == 303
    assert len(links(app)) == 1
    make_link(client)
    assert len(links(app)) == 2


def test_identical_posts_at_the_same_moment_make_one_link(app, live, october):
    opener = signed_in(live, "admin_a")
    start, statuses, key = threading.Barrier(4), [], uuid.uuid4().hex

    def post():
        body = urllib.parse.urlencode({"request_key": key}).encode()
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(f"{live}/briefing/2026-10/links", data=body)))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    assert len(links(app)) == 1


def test_a_bad_form_key_makes_nothing_and_says_so(app, client, login, october):
    login("admin_a")
    for key in (" ", "x" * 300, "a\u3000b" * 5, "12\x01345678"):
        response = client.post("/briefing/2026-10/links", data={"request_key": key, "township": "9" * 20},
                               follow_redirects=True)
        assert response.status_code == 200 and "表单已过期，请重试。" in response.text, key
    assert links(app) == []
    assert client.post("/briefing/2026-13/links", data={"request_key": uuid.uuid4().hex}).status_code == 404


def test_contacts_get_403_and_other_townships_404(app, client, login, october):
    login("admin_a")
    make_link(client)
    [link] = links(app)
    for user in ("village_a1", "unit_a1"):
        login(user)
        assert client.get("/briefing/").status_code == 403
        assert make_link(client).status_code == 403
        assert client.post(f"/briefing/links/{link.token}/revoke").status_code == 403
        assert "工作简报" not in client.get("/").text  # no menu entry
    login("inspector_a")
    assert make_link(client).status_code == 403
    assert client.post(f"/briefing/links/{link.token}/revoke").status_code == 403
    login("admin_b")
    page = client.get(f"/briefing/?period=2026-10&township={world_ta(app)}").text
    assert "乙镇爱卫办工作简报" in page and "甲一村" not in page  # its own township, whatever was asked
    assert client.post(f"/briefing/links/{link.token}/revoke").status_code == 404
    assert links(app)[0].revoked_at is None
    login("county")
    assert "甲镇爱卫办工作简报" in client.get(f"/briefing/?period=2026-10&township={world_ta(app)}").text
    assert client.get("/briefing/?period=2026-10&township=99999").status_code == 404


def world_ta(app) -> int:
    from hygiene.places.models import Township

    with app.app_context():
        return db.session.scalar(sa.select(Township.id).where(Township.name == "甲镇"))


def test_the_menu_offers_the_briefing_to_the_office(client, login, world):
    login("inspector_a")
    assert re.search(r'href="/briefing/"[^>]*>工作简报<', client.get("/").text)
