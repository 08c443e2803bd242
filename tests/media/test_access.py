"""A photo's access follows its record's: one rule in Scope decides both the photo download and
what the inspection and order pages show."""
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.extensions import db
from hygiene.inspections.access import inspection_results_clause, sees_inspection_results
from hygiene.inspections.models import Inspection
from hygiene.media.models import Photo
from tests.inspections.conftest import inspection  # noqa: F401  (fixture)
from tests.media.support import inspection_of, photo_on, report_fix, user
from tests.rectifications.conftest import order  # noqa: F401  (fixture)


def publish(app, inspection_id):
    with app.app_context():
        db.session.get(Inspection, inspection_id).status = "published"
        db.session.commit()


@pytest.fixture
def photos(app, world, order):  # noqa: F811
    """Photos of: a1's submitted inspection (its failed item is on the order), the order's
    evidence, another a1 inspection still in progress, a published a1 village inspection,
    a published inspection of unit a1, and published inspections of a2 and of b1."""
    like = order.inspection.id

    def made(**kw):
        return inspection_of(like, **kw)

    with app.app_context():
        on_order = db.session.scalar(sa.select(Photo.id).where(Photo.inspection_id == like))
        [evidence] = report_fix(order.id, pattern=11)
        in_progress = made(township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1,
                           label="甲一村 · a1饭店")
        village_a1 = made(township_id=world.ta, village_id=world.a1, unit_id=None, label="甲一村")
        unit_a1 = made(township_id=world.ta, village_id=world.a1, unit_id=world.unit_a1,
                       label="甲一村 · a1饭店")
        a2 = made(township_id=world.ta, village_id=world.a2, unit_id=world.unit_a2, label="甲二村 · a2饭店")
        b1 = made(township_id=world.tb, village_id=world.b1, unit_id=world.unit_b1, label="乙一村 · b1饭店")
        ids = SimpleNamespace(
            on_order=on_order, evidence=evidence, in_progress=photo_on(in_progress, pattern=12),
            village_a1=photo_on(village_a1, pattern=13), unit_a1=photo_on(unit_a1, pattern=14),
            a2=photo_on(a2, pattern=15), b1=photo_on(b1, pattern=16), in_progress_inspection=in_progress,
            submitted_inspection=like)
    for inspection_id in (village_a1, unit_a1, a2, b1):
        publish(app, inspection_id)
    return ids


def fetch(client, photo_id, size="thumb") -> int:
    response = client.get(f"/inspections/photos/{photo_id}/{size}")
    response.close()  # a sent photo is a file stream
    return response.status_code


def test_a_village_contact_fetches_only_what_their_village_is_shown(client, login, photos):
    login("village_a1")
    assert fetch(client, photos.in_progress) == 404  # their inspection, not yet published
    assert fetch(client, photos.in_progress, "display") == 404
    assert fetch(client, photos.a2) == fetch(client, photos.b1) == 404  # other villages
    assert fetch(client, photos.village_a1) == fetch(client, photos.unit_a1) == 200  # published
    assert fetch(client, photos.on_order) == 200  # their order shows its failed items' photos
    assert fetch(client, photos.evidence) == 200
    assert fetch(client, photos.village_a1, "original") == 404  # the original is the office's
    login("village_b1")
    assert fetch(client, photos.b1) == 200
    assert {fetch(client, p) for p in (photos.in_progress, photos.village_a1, photos.on_order,
                                       photos.evidence, photos.a2)} == {404}


def test_a_unit_contact_fetches_only_their_units_photos(client, login, photos):
    login("unit_a1")
    assert fetch(client, photos.unit_a1) == 200
    assert fetch(client, photos.on_order) == fetch(client, photos.evidence) == 200  # their order
    assert fetch(client, photos.village_a1) == 404  # their village's, not their unit's
    assert fetch(client, photos.in_progress) == 404
    assert fetch(client, photos.a2) == fetch(client, photos.b1) == 404


def test_office_staff_fetch_their_townships_photos_at_every_stage(client, login, photos):
    login("inspector_a")
    assert {fetch(client, p) for p in (photos.in_progress, photos.on_order, photos.evidence,
                                       photos.village_a1, photos.a2)} == {200}
    assert fetch(client, photos.b1) == 404
    assert fetch(client, photos.a2, "original") == 404
    login("admin_a")
    assert fetch(client, photos.in_progress, "original") == 200
    assert fetch(client, 999_999) == 404


def test_the_inspection_page_and_the_download_ask_the_same_question(client, login, photos):
    login("village_a1")
    page = client.get(f"/inspections/{photos.in_progress_inspection}")
    assert page.status_code == 200 and "/inspections/photos/" not in page.text
    login("inspector_a")
    assert f"/inspections/photos/{photos.in_progress}/" in client.get(
        f"/inspections/{photos.in_progress_inspection}").text


@pytest.mark.parametrize("username", ["village_a1", "unit_a1", "inspector_a", "admin_b", "county"])
def test_the_rule_for_a_loaded_inspection_agrees_with_the_rule_for_queries(app, photos, username):
    with app.app_context():
        scope = Scope.of(user(username))
        readable = list(db.session.scalars(sa.select(Inspection).where(scope.clause(Inspection))))
        shown = set(db.session.scalars(sa.select(Inspection.id).where(inspection_results_clause(scope))))
        assert readable and {i.id for i in readable if sees_inspection_results(scope, i)} == shown
