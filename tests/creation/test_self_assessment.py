"""The self-assessment is an inspection: the applicant's contact starts it from the application's
page, fills it on the field form and submits it; that is the step (score and day), with no office
review. It counts in no ranking or statistics, orders nothing, and a contact fills no other
inspection. Starting it twice, or from two phones at once, gives one inspection."""
import threading
import urllib.request
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.checklists.services import templates_install_builtin
from hygiene.clock import local_today, now_utc
from hygiene.core.dashboard import work_counts
from hygiene.core.periods import Period
from hygiene.creation.models import CreationApplication
from hygiene.creation.status import CreationStatus
from hygiene.extensions import db
from hygiene.inspections import fieldwork, review
from hygiene.inspections.adhoc import acceptance_template, inspection_request
from hygiene.inspections.briefing import inspections_section
from hygiene.inspections.models import Inspection
from hygiene.inspections.scoring import FAIL, PASS
from hygiene.media.intake import PhotoLimits
from hygiene.media.store import FileSystemStore
from hygiene.places.models import Village
from hygiene.rankings.components import Subject, inspection_mean
from hygiene.rectifications.models import RectificationOrder
from tests.creation.helpers import (
    application,
    application_id_of,
    apply,
    count,
    fill_on_phone,
    self_assess,
    self_assess_on_phone,
    self_inspection_id_of,
    start_self_assessment,
)
from tests.inspections.conftest import jpeg
from tests.rectifications.test_evidence_once import signed_in, status_of


@pytest.fixture
def checklists(app, db):
    with app.app_context():
        templates_install_builtin()
        db.session.commit()


def applied(client, login, world, user="village_a1", applicant=None, title="hygienic_village:county") -> int:
    login(user)
    return application_id_of(apply(client, applicant or f"v{world.a1}", title))


def test_the_contact_starts_fills_and_submits_and_the_application_is_self_assessed(
        app, client, login, world, checklists):
    application_id = applied(client, login, world)
    page = client.get(f"/creation/applications/{application_id}").get_data(as_text=True)
    assert "开始自评" in page and 'name="score"' not in page   # no typed score for the contact
    inspection_id = self_inspection_id_of(start_self_assessment(client, application_id))
    assert client.get(f"/inspections/{inspection_id}/fill").status_code == 200
    done = fill_on_phone(app, client, inspection_id)
    assert done.status_code == 302
    found = application(app, application_id)
    assert found.status == CreationStatus.SELF_ASSESSED and found.self_score == Decimal("100.0")
    assert found.self_assessed_on == local_today() and found.self_inspection_id == inspection_id
    with app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        assert inspection.self_assessment and inspection.status == "submitted"
        assert [u.id for u in inspection.inspectors] == [world.user_village_a1]
        assert (inspection.target_kind, inspection.village_id, inspection.version.template.code) == (
            "village", world.a1, "hygienic_village")
    assert "100" in client.get(f"/inspections/{inspection_id}").get_data(as_text=True)  # its own answers, shown
    login("admin_a")
    page = client.get(f"/creation/applications/{application_id}").get_data(as_text=True)
    assert f"/inspections/{inspection_id}" in page and "自评检查" in page
    with app.app_context():   # the applicant's own view: nothing for the office to review
        admin = db.session.get(User, world.user_admin_a)
        assert work_counts(Scope.of(admin), local_today())["to_review"] == 0


def test_a_unit_contact_assesses_the_unit_with_the_unit_s_checklist(app, client, login, world, checklists):
    application_id = applied(client, login, world, "unit_a1", f"u{world.unit_a1}", "smoke_free_unit:county")
    inspection_id = self_assess_on_phone(app, client, application_id)
    assert application(app, application_id).status == CreationStatus.SELF_ASSESSED
    with app.app_context():
        inspection = db.session.get(Inspection, inspection_id)
        assert (inspection.target_kind, inspection.unit_id) == ("unit", world.unit_a1)
        assert inspection.version.template.code == "smoke_free_unit"


def test_a_contact_fills_no_other_inspection(app, client, login, world, checklists):
    with app.app_context():
        admin = db.session.get(User, world.user_admin_a)
        village = db.session.get(Village, world.a1)
        other = inspection_request(scope=Scope.of(admin), actor_id=admin.id, target=village,
                                   template=acceptance_template("hygienic_village"),
                                   inspector_ids=[world.user_inspector_a], planned_on=local_today(),
                                   due_on=local_today() + timedelta(days=7), now=now_utc())
        db.session.commit()
        other_id = other.id
    login("village_a1")
    assert client.get(f"/inspections/{other_id}/fill").status_code == 403
    assert fill_on_phone(app, client, other_id).status_code == 403
    with app.app_context():
        assert db.session.get(Inspection, other_id).status == "planned"


def test_another_village_s_self_assessment_is_not_there(app, client, login, world, checklists):
    application_id = applied(client, login, world)
    inspection_id = self_inspection_id_of(start_self_assessment(client, application_id))
    for user in ("village_b1", "unit_a1"):
        login(user)
        assert client.get(f"/inspections/{inspection_id}/fill").status_code == 404
        assert fill_on_phone(app, client, inspection_id).status_code == 404
        assert start_self_assessment(client, application_id).status_code == 404
    login("inspector_a")   # staff of the township: not theirs to fill, nor to start
    assert fill_on_phone(app, client, inspection_id).status_code == 403
    assert start_self_assessment(client, application_id).status_code == 403
    assert application(app, application_id).status == CreationStatus.APPLIED


def test_the_self_assessment_counts_in_no_ranking_statistics_or_order(app, client, login, world, checklists):
    application_id = applied(client, login, world)
    inspection_id = self_inspection_id_of(start_self_assessment(client, application_id))
    with app.app_context():   # failed items with their photos: still no order
        contact = db.session.get(User, world.user_village_a1)
        inspection = db.session.get(Inspection, inspection_id)
        scope, store = Scope.of(contact), FileSystemStore(app.config["UPLOAD_DIR"])
        for n, item in enumerate(inspection.version.items):
            fieldwork.answer_save(scope=scope, user=contact, inspection=inspection, item_id=item.id,
                                  result=FAIL if n < 2 else PASS, findings=1 if n < 2 else 0, now=now_utc())
            if n < 2:
                fieldwork.photo_attach(scope=scope, user=contact, inspection=inspection, item_id=item.id,
                                       filename="f.jpg", data=jpeg(pattern=n), store=store,
                                       limits=PhotoLimits(), now=now_utc())
        fieldwork.inspection_submit(scope=scope, user=contact, inspection=inspection, submission_key="k",
                                    now=now_utc())
        db.session.commit()
        assert inspection.score < 100
        admin = db.session.get(User, world.user_admin_a)   # even published by the office
        review.inspection_publish(scope=Scope.of(admin), actor_id=admin.id, inspection=inspection,
                                  now=now_utc(), flag_reason="测试")
        db.session.commit()
        period = Period("month", local_today().replace(day=1), local_today())
        assert world.a1 not in inspection_mean(Subject(world.ta, "villages"), period)
        section = inspections_section(Scope.of(admin), period)
        assert section.empty   # not done, not published, no mean: the briefing leaves it out
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RectificationOrder)) == 0
    assert application(app, application_id).status == CreationStatus.SELF_ASSESSED


def test_a_repeated_start_gives_the_same_open_inspection(app, client, login, world, checklists):
    application_id = applied(client, login, world)
    first = self_inspection_id_of(start_self_assessment(client, application_id))
    assert self_inspection_id_of(start_self_assessment(client, application_id)) == first
    fill_on_phone(app, client, first, submit=False)   # a draft: going back to it still gives it
    assert self_inspection_id_of(start_self_assessment(client, application_id)) == first
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Inspection)) == 1


def test_two_starts_at_the_same_moment_make_one_inspection(app, live, client, login, world, checklists):
    application_id = applied(client, login, world)
    opener = signed_in(live, "village_a1")
    page = opener.open(f"{live}/creation/applications/{application_id}", timeout=60).read().decode()
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    start, answers = threading.Barrier(4), []

    def post():
        start.wait()
        answers.append(status_of(opener, urllib.request.Request(
            f"{live}/creation/applications/{application_id}/self-assessment",
            data=f"csrf_token={token}".encode())))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert answers == [303] * 4
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Inspection)) == 1
        made = db.session.scalar(sa.select(Inspection.id))
    assert application(app, application_id).self_inspection_id == made


def test_only_the_office_records_a_paper_self_assessment(app, client, login, world, checklists):
    application_id = applied(client, login, world)
    assert self_assess(client, application_id).status_code == 403
    assert application(app, application_id).status == CreationStatus.APPLIED
    login("admin_a")
    assert self_assess(client, application_id).status_code == 303
    found = application(app, application_id)
    assert found.status == CreationStatus.SELF_ASSESSED and found.self_inspection_id is None
    assert count(app, CreationApplication.self_inspection_id.is_not(None)) == 0
