"""The public ranking pages: no login, published snapshots only, a fixed number of queries."""
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists.services import template_save
from hygiene.core.periods import parse_period
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.places.models import Township, Village
from hygiene.rankings import services
from hygiene.rankings.components import Subject
from hygiene.rankings.models import RankingPublication, RankingSettings
from tests.inspections.helpers import simple_spec
from tests.rankings.helpers import add_published

TODAY = date(2026, 12, 20)
NOW = datetime(2026, 12, 20, 2, tzinfo=UTC)


def add_inspections(version_id, township_id, village_id, month, scores, *, unit_id=None, status="published"):
    for day, score in enumerate(scores, start=3):
        add_published(version_id=version_id, township_id=township_id, village_id=village_id,
                      day=date(2026, month, day), score=score, unit_id=unit_id, status=status)


def publish(township_id, period_key, subject="villages", *, corrects=None, note=""):
    kind, _, category = subject.partition(":")
    return services.ranking_publish(
        scope=Scope(Role.ADMIN), actor_id=None, subject=Subject(township_id, kind, category or None),
        period=parse_period(period_key), today=TODAY, now=NOW, corrects=corrects, note=note)


@pytest.fixture
def version(app, world):
    with app.app_context():
        made = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
        db.session.add(RankingSettings(township_id=world.ta, weights={"inspections": "1", "rectification": "0"},
                                       min_inspections=2, list_size=1))
        db.session.commit()
        return made.id


@pytest.fixture
def october(app, world, version):
    """October of 甲镇 published: 甲二村 first (90), 甲一村 second (85); one list place each."""
    with app.app_context():
        add_inspections(version, world.ta, world.a1, 10, [90, 80])
        add_inspections(version, world.ta, world.a2, 10, [95, 85])
        publication = publish(world.ta, "2026-10")
        db.session.commit()
        return publication.id


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


def test_the_township_page_needs_no_login_and_shows_the_snapshot_and_lists(client, world, october):
    response = client.get(f"/public/{world.ta}/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "甲镇" in html and "2026年10月" in html and "甲一村" in html and "90.00" in html
    assert "甲二村" in section(html, 'id="red-list"', "</section>")
    assert "甲一村" in section(html, 'id="black-list"', "</section>")
    assert "红榜" in html and "黑榜" in html and "<svg" in html
    assert f'href="/public/{world.ta}/villages/{world.a1}/"' in html


def test_the_index_lists_only_townships_that_published(client, world, october):
    html = client.get("/public/").get_data(as_text=True)
    assert "甲镇" in html and "乙镇" not in html and f"/public/{world.ta}/" in html


def test_the_public_pages_show_no_signed_in_navigation(client, world, october, login):
    login("admin_a")
    html = client.get(f"/public/{world.ta}/").get_data(as_text=True)
    assert "mainnav" not in html and "/logout" not in html and "admin_a" not in html


@pytest.mark.parametrize("path", ["/public/{ta}/2026-09/", "/public/{ta}/garbage/", "/public/{tb}/",
                                  "/public/{tb}/2026-10/", "/public/999999/", "/public/{ta}/2026-10/?subject=units:shop",
                                  "/public/{ta}/villages/{b1}/", "/public/{ta}/villages/999999/",
                                  "/public/{ta}/villages/{a1}/?kind=year"])
def test_what_was_never_published_is_not_found(client, world, october, path):
    response = client.get(path.format(ta=world.ta, tb=world.tb, a1=world.a1, b1=world.b1))
    assert response.status_code == 404
    assert "公开排名" in response.get_data(as_text=True)  # the public layout, not the office's


def test_an_amendment_after_publishing_does_not_change_the_public_page(app, client, world, october):
    before = client.get(f"/public/{world.ta}/2026-10/").get_data(as_text=True)
    with app.app_context():
        for inspection in db.session.scalars(sa.select(Inspection)):
            inspection.score = D("12.25")
        db.session.commit()
    after = client.get(f"/public/{world.ta}/2026-10/").get_data(as_text=True)
    assert after == before and "12.25" not in after


def test_a_correction_replaces_the_ranking_and_says_so(app, client, world, october):
    with app.app_context():
        db.session.execute(sa.update(Inspection).where(Inspection.village_id == world.a1).values(score=D(99)))
        first = db.session.get(RankingPublication, october)
        publish(world.ta, "2026-10", corrects=first, note="甲一村复核<得分>更正")
        db.session.commit()
    for path in (f"/public/{world.ta}/", f"/public/{world.ta}/2026-10/"):
        html = client.get(path).get_data(as_text=True)
        assert "本期排名已于2026-12-20更正：甲一村复核&lt;得分&gt;更正" in html and "更正" in html
        assert "甲一村" in section(html, 'id="red-list"', "</section>") and "99.00" in html


def test_a_village_trend_follows_the_published_periods(app, client, world, october, version):
    with app.app_context():
        add_inspections(version, world.ta, world.a1, 11, [70, 72])
        add_inspections(version, world.ta, world.a2, 11, [60])  # too few: not ranked in November
        publish(world.ta, "2026-11")
        db.session.commit()
    html = client.get(f"/public/{world.ta}/villages/{world.a1}/").get_data(as_text=True)
    assert "2026年10月" in html and "2026年11月" in html and "85.00" in html and "71.00" in html
    assert "第2名/共2名" in html and "第1名/共1名" in html and "<svg" in html
    other = client.get(f"/public/{world.ta}/villages/{world.a2}/").get_data(as_text=True)
    assert "检查次数不足" in other
    latest = client.get(f"/public/{world.ta}/").get_data(as_text=True)
    assert "2026年11月" in section(latest, "<h1>", "</h1>")
    assert f"/public/{world.ta}/2026-10/" in latest  # the earlier period is linked


def test_a_unit_ranking_is_shown_under_its_category(app, client, world, october, version):
    with app.app_context():
        add_inspections(version, world.ta, world.a1, 10, [77, 79], unit_id=world.unit_a1)
        publish(world.ta, "2026-10", "units:catering")
        db.session.commit()
    html = client.get(f"/public/{world.ta}/").get_data(as_text=True)
    assert f"/public/{world.ta}/2026-10/?subject=units:catering" in html and "餐饮" in html
    units = client.get(f"/public/{world.ta}/2026-10/?subject=units:catering").get_data(as_text=True)
    assert "甲一村 · a1饭店" in units and "78.00" in units


def test_nothing_unpublished_leaks(app, client, world, october, version):
    with app.app_context():
        add_inspections(version, world.ta, world.a1, 11, [42.5, 43.5])            # published, not ranked yet
        add_inspections(version, world.ta, world.a2, 10, [11.5], status="submitted")  # never published
        db.session.commit()
    pages = [client.get(f"/public/{world.ta}/"), client.get(f"/public/{world.ta}/villages/{world.a1}/"),
             client.get("/public/")]
    for page in pages:
        html = page.get_data(as_text=True)
        assert "43.00" not in html and "11.50" not in html and "2026年11月" not in html
    assert client.get(f"/public/{world.ta}/2026-11/").status_code == 404


def test_public_pages_may_be_cached_and_set_no_cookie(client, world, october):
    for path in ("/public/", f"/public/{world.ta}/", f"/public/{world.ta}/villages/{world.a1}/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.cache_control.public and response.cache_control.max_age == 300
        assert "Set-Cookie" not in response.headers
    assert not client.get("/public/999999/").cache_control.public


def test_the_pages_speak_english_when_asked(client, world, october):
    html = client.get(f"/public/{world.ta}/?lang=en").get_data(as_text=True)
    assert "Red list" in html and "Black list" in html and "2026-10" in html


def make_township(app, version, name, villages):
    """A township with `villages` villages, each inspected twice in October, and its ranking published."""
    with app.app_context():
        township = Township(name=name)
        db.session.add(township)
        db.session.flush()
        for i in range(villages):
            village = Village(name=f"{name}{i}村", township_id=township.id)
            db.session.add(village)
            db.session.flush()
            add_inspections(version, township.id, village.id, 10, [60 + i % 40, 70])
        publish(township.id, "2026-10")
        db.session.commit()
        return township.id


def test_the_township_page_runs_few_queries_whatever_the_number_of_villages(app, client, world, version,
                                                                           count_queries):
    small, large = make_township(app, version, "三村镇", 3), make_township(app, version, "卅村镇", 30)
    counts = []
    for township_id in (small, large):
        with count_queries() as n:
            assert client.get(f"/public/{township_id}/").status_code == 200
        counts.append(n[0])
    assert counts[0] == counts[1] <= 4, counts  # the kept page looked up, the page's reads, kept
    with app.app_context():
        village_id = db.session.scalar(sa.select(sa.func.min(Village.id)).where(Village.township_id == large))
    with count_queries() as n:
        assert client.get(f"/public/{large}/villages/{village_id}/").status_code == 200
    assert n[0] <= 3  # looked up, read, kept


def test_an_address_under_the_public_pages_that_matches_nothing_gets_the_public_404(client, world):
    for url in ("/public/99999999999999999999/", "/public/abc/", "/public/1/x/y/z/"):
        page = client.get(url)
        assert page.status_code == 404 and "该排名不存在或尚未发布" in page.text, url
        assert "管辖范围" not in page.text
