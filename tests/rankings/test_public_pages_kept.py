"""Public pages rendered once per publication and served from the kept bytes by every process."""
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import template_rendered

from config import TestConfig
from hygiene import create_app
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.rankings.models import PublicPage, RankingPublication
from tests.rankings.test_public import october, publish, version  # noqa: F401  (fixtures)


@contextmanager
def renders(app):
    """Count the templates rendered inside the block (n[0])."""
    counter = [0]

    def rendered(*_args, **_kwargs):
        counter[0] += 1

    template_rendered.connect(rendered, app)
    try:
        yield counter
    finally:
        template_rendered.disconnect(rendered, app)


@pytest.fixture
def second_app(app):
    """Another process of the same installation: its own app, its own memory, the same database."""
    other = create_app(type("Other", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "UPLOAD_DIR": app.config["UPLOAD_DIR"]}))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def pages(world):
    return ["/public/", f"/public/{world.ta}/", f"/public/{world.ta}/2026-10/",
            f"/public/{world.ta}/villages/{world.a1}/", f"/public/{world.ta}/?lang=en"]


def test_a_page_is_rendered_once_then_served_from_its_kept_bytes(
        app, client, world, october, count_queries):  # noqa: F811
    for path in pages(world):
        first = client.get(path)
        with renders(app) as n, count_queries() as statements:
            again = client.get(path)
        assert again.status_code == 200 and again.get_data() == first.get_data(), path
        # no template and no ORM statement: the one lookup runs on the driver's cursor (pages.py)
        assert n[0] == 0 and statements[0] == 0, (path, n[0], statements[0])
        assert again.cache_control.public and again.cache_control.max_age == 300
        assert "Set-Cookie" not in again.headers and "Cookie" in again.headers.get("Vary", "")


def test_a_second_process_serves_the_kept_page_without_rendering(app, second_app, client, world, october):  # noqa: F811
    first = client.get(f"/public/{world.ta}/")
    with renders(second_app) as n:
        served = second_app.test_client().get(f"/public/{world.ta}/")
    assert n[0] == 0 and served.get_data() == first.get_data()


def test_each_language_is_kept_apart(app, client, world, october):  # noqa: F811
    chinese = client.get(f"/public/{world.ta}/").get_data(as_text=True)
    client.get(f"/language/en?next=/public/{world.ta}/")
    english = client.get(f"/public/{world.ta}/").get_data(as_text=True)
    assert "Red list" in english and "红榜" not in english
    assert "红榜" in chinese and "Red list" not in chinese
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(PublicPage.locale).where(
            PublicPage.path == f"/public/{world.ta}/?"))) == ["en", "zh_CN"]


def test_a_correction_shows_at_once_in_another_process_in_both_languages(
        app, second_app, client, world, october):  # noqa: F811
    other = second_app.test_client()
    for path in pages(world):  # both processes have served (and kept) the first publication
        client.get(path), other.get(path)
    with app.app_context():
        first = db.session.get(RankingPublication, october)
        db.session.execute(sa.text("UPDATE inspection SET score = 99 WHERE village_id = :v"), {"v": world.a1})
        publish(world.ta, "2026-10", corrects=first, note="甲一村复核更正")
        db.session.commit()
    for path in (f"/public/{world.ta}/", f"/public/{world.ta}/2026-10/"):
        html = other.get(path).get_data(as_text=True)
        assert "甲一村复核更正" in html and "99.00" in html, path
        english = other.get(path + "?lang=en").get_data(as_text=True)
        assert "甲一村复核更正" in english and "99.00" in english and "Red list" in english, path
    assert "99.00" in other.get(f"/public/{world.ta}/villages/{world.a1}/").get_data(as_text=True)


def test_publishing_drops_the_townships_kept_pages_and_the_index_in_its_transaction(
        app, client, world, october):  # noqa: F811
    for path in pages(world):
        client.get(path)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PublicPage)) == len(pages(world))
        publish(world.ta, "2026-10", corrects=db.session.get(RankingPublication, october), note="更正")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PublicPage)) == 0
        db.session.rollback()  # nothing published, nothing forgotten
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PublicPage)) == len(pages(world))


def test_the_link_in_the_published_notice_leads_to_the_current_ranking(app, client, world, october):  # noqa: F811
    with app.app_context():
        first = db.session.get(RankingPublication, october)
        publish(world.ta, "2026-10", corrects=first, note="复核更正")
        db.session.commit()
        links = set(db.session.scalars(sa.select(Notification.link).where(Notification.kind == "ranking_published")))
    assert links == {f"/public/{world.ta}/2026-10/"}
    for _ in range(2):  # rendered, then kept
        html = client.get(links.pop() if links else f"/public/{world.ta}/2026-10/").get_data(as_text=True)
        assert "复核更正" in html


@pytest.mark.parametrize("query", ["?utm=x", "?lang=fr", "?lang=en&lang=en", "?subject=zz"])
def test_an_unknown_query_is_answered_but_never_kept(app, client, world, october, query):  # noqa: F811
    assert client.get(f"/public/{world.ta}/{query}").status_code in (200, 404)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PublicPage)) == 0


def test_a_page_not_found_is_not_kept(app, client, world, october):  # noqa: F811
    for path in (f"/public/{world.tb}/", f"/public/{world.ta}/garbage/", f"/public/{world.ta}/2026-10/?subject=zz"):
        assert client.get(path).status_code == 404
    assert client.get(f"/public/{world.ta}/?subject=zz").status_code == 200  # the page reads no subject
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PublicPage)) == 0


def test_readers_of_a_cold_page_at_the_same_moment_all_get_it_and_it_is_kept_once(
        app, second_app, world, october):  # noqa: F811
    from concurrent.futures import ThreadPoolExecutor

    def read(i):
        return (app if i % 2 else second_app).test_client().get(f"/public/{world.ta}/2026-10/")

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(read, range(12)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.get_data() for a in answers}) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PublicPage)) == 1


@pytest.fixture
def remembering_app(app):
    """A process that sends kept pages from memory for up to a minute before asking again."""
    other = create_app(type("Remembering", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "PUBLIC_PAGE_RECHECK_SECONDS": 60.0}))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_busy_page_is_sent_from_memory_until_it_is_checked_again(
        app, remembering_app, client, world, october, monkeypatch):  # noqa: F811
    from hygiene.rankings.public import pages as kept

    reads, clock = [], [1000.0]
    real_read = kept._page_read
    monkeypatch.setattr(kept, "_page_read", lambda **key: reads.append(key["path"]) or real_read(**key))
    monkeypatch.setattr(kept, "monotonic", lambda: clock[0])
    other = remembering_app.test_client()
    path = f"/public/{world.ta}/"
    first = other.get(path)  # asked: not kept yet, so rendered and kept
    assert other.get(path).get_data() == first.get_data()  # asked: the kept page, remembered
    assert other.get(path).get_data() == first.get_data() and len(reads) == 2  # from memory: no statement
    with app.app_context():
        first_publication = db.session.get(RankingPublication, october)
        db.session.execute(sa.text("UPDATE inspection SET score = 99 WHERE village_id = :v"), {"v": world.a1})
        publish(world.ta, "2026-10", corrects=first_publication, note="甲一村复核更正")
        db.session.commit()
    assert "甲一村复核更正" not in other.get(path).get_data(as_text=True)  # within the minute: as remembered
    clock[0] += 61
    assert "甲一村复核更正" in other.get(path).get_data(as_text=True)  # checked again: the correction
    assert "甲一村复核更正" in client.get(path).get_data(as_text=True)  # a process that asks every time
