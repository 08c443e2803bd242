"""Walk every URL rule with each role and the ids of records outside that role's scope.

A person must never read or change another village's (or township's) records by any URL:
GETs answer 403/404 or show a page without the foreign records' names; POSTs answer 403/404
and leave every table as it was. No URL may answer 500. The JSON API signs in by token: its
operations are walked the same way with each role's token (tests/api/test_access_walk.py).
"""
import re

import pytest
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.places.kinds import KINDS

# names of records that each role must never see
FOREIGN = {
    "admin_a": ["b1爱卫活动", "b1宣教讲座", "b1聚餐主家", "b1持证人", "b1灭鼠轮次", "b1公厕项目", "b1饭店", "b1户主", "b1保洁", "乙一村", "village_b1", "admin_b", "乙镇检查表", "乙镇计划", "乙镇通知", "tb排名村"],
    "inspector_a": ["b1爱卫活动", "b1宣教讲座", "b1聚餐主家", "b1持证人", "b1灭鼠轮次", "b1公厕项目", "b1饭店", "b1户主", "b1保洁", "乙一村", "乙镇", "village_b1", "乙镇检查表", "乙镇计划", "tb排名村"],
    "village_a1": ["a2爱卫活动", "b1爱卫活动", "a2宣教讲座", "a2聚餐主家", "a2持证人", "a2灭鼠轮次", "a2公厕项目", "a2饭店", "a2户主", "a2保洁", "甲二村", "b1饭店", "b1户主", "乙一村", "乙镇",
                   "village_b1", "inspector_a", "乙镇通知", "ta排名村"],
    "unit_a1": ["a2爱卫活动", "b1爱卫活动", "a2宣教讲座", "a2聚餐主家", "a2持证人", "a2灭鼠轮次", "a2公厕项目", "a2饭店", "b1饭店", "a1户主", "a1保洁", "甲二村", "乙一村", "乙镇", "village_a1", "ta排名村"],
}
# the ids each role must not reach: (record kind slug -> id), users, and the inspection domain
FOREIGN_RECORDS = {
    "admin_a": lambda w: {"townships": w.tb, "villages": w.b1, "units": w.unit_b1,
                          "households": w.household_b1, "cleaners": w.cleaner_b1},
    "inspector_a": lambda w: {"townships": w.tb, "villages": w.b1, "units": w.unit_b1,
                              "households": w.household_b1, "cleaners": w.cleaner_b1},
    "village_a1": lambda w: {"townships": w.ta, "villages": w.a2, "units": w.unit_a2,
                             "households": w.household_a2, "cleaners": w.cleaner_a2},
    "unit_a1": lambda w: {"townships": w.ta, "villages": w.a1, "units": w.unit_a2,
                          "households": w.household_a1, "cleaners": w.cleaner_a1},
}
# the printed notice's short link is public by design: it shows the notice and its display photos
PUBLIC = {"accounts.login", "accounts.logout", "accounts.language", "static",
          "order_link.order_short_link", "order_link.order_short_link_photo",
          "order_link.order_short_link_report"}
# what every signed-in user may post about their own things; the fingerprint check below
# proves such a post (aimed at another user's notification) changes nobody else's rows
OWN = {"notifications.mark_read_upto"}
# pages about the signed-in user alone, with no id in the URL: posting there changes the poster's
# own contact details by design (tests/accounts/test_contact.py proves nobody else's change)
SELF = {"accounts.my_contact", "accounts.my_password", "api_tokens.token_list", "field.token"}  # one's own tokens: tests/api/test_token_page.py
# forms office staff (inspectors too) post to for their own township, with no record id in the URL:
# the walk's post is refused as input (422), and the fingerprint check proves nothing was written
OFFICE_ENTRY = {"monitoring.monitoring_new"}
# forms a village contact posts to for their own village (and admins for their township), with no
# record id in the URL: the walk's post is refused as input (422) and nothing is written
VILLAGE_ENTRY = {"toilets.toilet_new"}
# forms a village or unit contact posts to for their own village or unit (admins for their township),
# with no record id in the URL: the walk's post is refused as input (422) and nothing is written
APPLICANT_ENTRY = {"creation.application_new"}
# forms every role posts to for its own log (a contact its village's or unit's, the office its township's),
# with no record id in the URL: the walk's post is refused as input (422) and nothing is written
OWN_LOG_ENTRY = {"education.activity_new"}
# forms that register a banquet (the office and village contacts) or keep a health certificate (the
# township's admins and unit contacts), with no record id in the URL: refused as input, nothing written
ENTRY_BY_ROLE = {"food.banquet_new": ("admin_a", "inspector_a", "village_a1"),
                 "food.certificate_new": ("admin_a", "unit_a1")}
# the public ranking pages show every township's published rankings to anyone, by design
PUBLIC |= {"public.township_list", "public.township_latest", "public.township_period", "public.village_page"}


@pytest.fixture
def elsewhere(app, world):
    """A checklist and a plan of 乙镇, and a photographed inspection in 乙一村 and in 甲二村."""
    ids = records_in(app, world, ("b1", "a2"))
    ids |= {"template": ids["template_tb"], "plan": ids["plan_tb"], "notification": ids["notification_tb"],
            "export_task": ids["export_task_tb"]}
    return ids


VILLAGE_NAMES = {"a1": "甲一村", "a2": "甲二村", "b1": "乙一村"}


def records_in(app, world, keys):
    """A record of every kind in each village of `keys` (a1, a2, b1), named for the leak checks,
    and per township a checklist, a plan, a ranking publication, a notification and an export
    of its administrator. Returns the ids as <kind>_<key> and <kind>_<ta|tb>."""
    from datetime import date

    from hygiene.access.scope import Scope
    from hygiene.accounts.models import Role
    from hygiene.checklists.services import template_save
    from hygiene.inspections.models import Inspection, InspectionPlan
    from hygiene.media.models import Photo
    from hygiene.rectifications.models import RectificationOrder
    from tests.inspections.helpers import simple_spec

    townships = {"ta": (world.ta, "甲镇", world.user_admin_a), "tb": (world.tb, "乙镇", world.user_admin_b)}
    places = [(key, getattr(world, f"t{key[0]}"), getattr(world, key), getattr(world, f"unit_{key}"),
               getattr(world, f"household_{key}")) for key in keys]
    ids = {}
    with app.app_context():
        versions = {}
        for tkey, (township, name, _admin) in townships.items():
            spec = simple_spec(name=f"{name}检查表", **({"code": "a-sheet"} if tkey == "ta" else {}))
            versions[tkey] = template_save(scope=Scope(Role.ADMIN, township_id=township), actor_id=None,
                                           spec=spec)
            plan = InspectionPlan(township_id=township, name=f"{name}计划", template_id=versions[tkey].template_id,
                                  target_mode="all", recurrence="once", start_date=date(2026, 11, 1))
            db.session.add(plan)
            db.session.flush()
            ids[f"template_{tkey}"], ids[f"plan_{tkey}"] = versions[tkey].template_id, plan.id
        for key, township, village, unit, _household in places:
            label = f"{VILLAGE_NAMES[key]} · {key}饭店"
            inspection = Inspection(version_id=versions[f"t{key[0]}"].id, township_id=township, village_id=village,
                                    target_kind="unit", target_id=unit, unit_id=unit, target_label=label,
                                    planned_date=date(2026, 11, 23), due_date=date(2026, 11, 30))
            db.session.add(inspection)
            db.session.flush()
            photo = Photo(inspection_id=inspection.id, township_id=township, target_kind="unit",
                          target_id=unit, sha256="0" * 64, phash="0" * 16, width=1, height=1,
                          size_bytes=1)
            db.session.add(photo)
            db.session.flush()
            order = RectificationOrder(
                township_id=township, village_id=village, unit_id=unit, target_kind="unit",
                target_id=unit, target_label=label, inspection_id=inspection.id, year=2026,
                number=2 if key == "a1" else 1, token=f"tok{key}walk01", issued_on=date(2026, 11, 23),
                deadline=date(2026, 12, 7))
            db.session.add(order)
            db.session.flush()
            ids[f"inspection_{key}"], ids[f"photo_{key}"] = inspection.id, photo.id
            ids[f"order_{key}"] = order.id
        from hygiene.clock import now_utc
        from hygiene.exports.models import ExportTask
        from hygiene.notifications.models import Notification
        from hygiene.rankings.models import RankingPublication

        for tkey, (township, name, admin) in townships.items():
            # 甲镇's is read already: the walk's "mark read" post of admin_a must change no row
            note = Notification(recipient_id=admin, channel="in_app", kind="order_due",
                                subject=f"{name}通知", body=f"{name}通知", dedupe_key=f"walk{tkey}", send_after=now_utc(),
                                read_at=now_utc() if tkey == "ta" else None)
            publication = RankingPublication(
                township_id=township, subject="villages", period_key="2026-10", weights={},
                min_inspections=2, red_list=[], black_list=[], overdue_orders=[],
                rows=[{"rank": 1, "id": 0, "name": f"{tkey}排名村", "score": "90", "components": {},
                       "inspections": 2, "overdue": 0, "reason": "", "details": {}}])
            task = ExportTask(user_id=admin, kind="inspections", params={}, status="done",
                              file_name=f"{name}检查记录", created_at=now_utc())
            db.session.add_all([note, publication, task])
            db.session.flush()
            ids[f"notification_{tkey}"], ids[f"publication_{tkey}"] = note.id, publication.id
            ids[f"export_task_{tkey}"] = task.id
        from hygiene.pests.monitoring.models import MonitoringRecord

        for key, township, village, _unit, _household in places:
            survey = MonitoringRecord(township_id=township, village_id=village, pest="rodent", method="room_signs",
                                      surveyed_on=date(2026, 10, 1), counts={"rooms_with_signs": 1, "rooms_checked": 10})
            db.session.add(survey)
            db.session.flush()
            ids[f"monitoring_{key}"] = survey.id
        db.session.commit()
        from hygiene.pests.models import PestProduct, SupplyMovement

        for key, township, village, _unit, _household in places:
            product = PestProduct(township_id=township, name=f"{key}药物", active_ingredient="溴敌隆",
                                  unit="kg", stock=5)
            db.session.add(product)
            db.session.flush()
            db.session.add(SupplyMovement(product_id=product.id, township_id=township, village_id=village,
                                          kind="issue", quantity=1, moved_on=date(2026, 11, 20)))
            ids[f"product_{key}"] = product.id
        from hygiene.pests.rounds.models import PestRound, RoundTarget, RoundWork
        from hygiene.pests.rounds.status import RoundStatus

        for key, township, village, _unit, _household in places:
            round_ = PestRound(township_id=township, name=f"{key}灭鼠轮次", pests=["rodent"], season="winter",
                               starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 20),
                               status=RoundStatus.ANNOUNCED)
            target = RoundTarget(round=round_, township_id=township, village_id=village,
                                 place_key=f"village:{village}", households_target=10)
            db.session.add_all([round_, target])
            db.session.flush()
            work = RoundWork(round_id=round_.id, target_id=target.id, township_id=township, village_id=village,
                             done_on=date(2026, 11, 20), households_covered=5, done_by=f"{key}实施人")
            db.session.add(work)
            db.session.flush()
            ids[f"round_{key}"], ids[f"target_{key}"], ids[f"work_{key}"] = round_.id, target.id, work.id
        from hygiene.toilets.models import (
            HouseholdToilet,
            PublicToiletProject,
            ToiletFollowUpSample,
            ToiletProblem,
            ToiletTask,
        )
        from hygiene.toilets.status import ToiletStage

        # a household toilet and a public toilet of each village, named for the leak check
        for key, township, village, _unit, household in places:
            task = ToiletTask(township_id=township, village_id=village, year=2026, deadline=date(2026, 12, 31))
            db.session.add(task)
            db.session.flush()
            toilet = HouseholdToilet(township_id=township, village_id=village, task_id=task.id, household_id=household,
                                     stage=ToiletStage.ACCEPTED, stage_on=date(2026, 10, 1))
            project = PublicToiletProject(township_id=township, village_id=village, task_id=task.id,
                                          name=f"{key}公厕项目", stage=ToiletStage.SURVEYED, stage_on=date(2026, 10, 1))
            db.session.add_all([toilet, project])
            db.session.flush()
            ids[f"toilet_{key}"], ids[f"project_{key}"] = toilet.id, project.id
            problem = ToiletProblem(township_id=township, village_id=village, toilet_id=toilet.id, kind="leak",
                                    reported_on=date(2026, 10, 2))
            drawn = ToiletFollowUpSample(township_id=township, year=2024 if key == "a1" else 2025, seed=f"walk{key}", population=[toilet.id],
                                         chosen=[toilet.id])
            db.session.add_all([problem, drawn])
            db.session.flush()
            ids[f"problem_{key}"], ids[f"sample_{key}"] = problem.id, drawn.id
        from hygiene.letters.models import TargetLetter

        for key, township, village, _unit, _household in places:
            letter = TargetLetter(township_id=township, village_id=village, year=2026, status="signed")
            db.session.add(letter)
            db.session.flush()
            ids[f"letter_{key}"] = letter.id

        from hygiene.creation.models import CreationApplication

        for key, township, village, _unit, _household in places:
            application = CreationApplication(township_id=township, village_id=village, kind="hygienic_village",
                                              level="county", year=2026, applied_on=date(2026, 10, 1))
            db.session.add(application)
            db.session.flush()
            ids[f"application_{key}"] = application.id

        from hygiene.education.models import EducationActivity

        # a health-education lecture of each village, named for the leak check
        for key, township, village, _unit, _household in places:
            activity = EducationActivity(township_id=township, village_id=village, kind="lecture",
                                         held_on=date(2026, 10, 3), topic=f"{key}宣教讲座")
            db.session.add(activity)
            db.session.flush()
            ids[f"activity_{key}"] = activity.id

        from hygiene.food.models import Banquet, HealthCertificate

        # a banquet and a health certificate of each village, named for the leak check
        for key, township, village, unit, _household in places:
            banquet = Banquet(township_id=township, village_id=village, kind="wedding", host_name=f"{key}聚餐主家",
                              host_phone="13800000000", banquet_on=date(2026, 12, 20), meal="lunch", place="院坝",
                              tables=20, diners=200, cook_name="厨师", registered_on=date(2026, 11, 20))
            certificate = HealthCertificate(township_id=township, village_id=village, unit_id=unit,
                                            worker_name=f"{key}持证人", number=f"{key}-1", issued_on=date(2026, 1, 1),
                                            expires_on=date(2026, 12, 1))
            db.session.add_all([banquet, certificate])
            db.session.flush()
            ids[f"banquet_{key}"], ids[f"certificate_{key}"] = banquet.id, certificate.id

        from hygiene.campaigns.models import Campaign, CampaignEvent, CampaignTask

        # a campaign of each village's township whose only task is that village's
        for key, township, village, _unit, _household in places:
            event = CampaignEvent(township_id=township, year=2026, name=f"{key}爱卫活动日", starts_on=date(2026, 4, 1),
                                  ends_on=date(2026, 4, 30))
            campaign = Campaign(township_id=township, name=f"{key}爱卫活动", starts_on=date(2026, 4, 1),
                                ends_on=date(2026, 4, 30))
            db.session.add_all([event, campaign])
            db.session.flush()
            task = CampaignTask(campaign_id=campaign.id, township_id=township, village_id=village,
                                place_key=f"village:{village}", title="大扫除", due_on=date(2026, 4, 25))
            db.session.add(task)
            db.session.flush()
            ids[f"event_{key}"], ids[f"campaign_{key}"], ids[f"campaign_task_{key}"] = event.id, campaign.id, task.id
        db.session.commit()
    return ids


def concrete_urls(app, role, world, elsewhere, api=False):
    """Yield (rule, methods, url, foreign) for every rule, ids filled with foreign records (the
    JSON API's rules only when `api`)."""
    records = FOREIGN_RECORDS[role](world)
    foreign_user = world.user_admin_b if role.startswith("admin") else world.user_inspector_a
    where = "b1" if role in ("admin_a", "inspector_a") else "a2"
    foreign_ids = {"user_id": foreign_user, "inspection_id": elsewhere[f"inspection_{where}"],
                   "photo_id": elsewhere[f"photo_{where}"], "template_id": elsewhere["template"],
                   "plan_id": elsewhere["plan"], "order_id": elsewhere[f"order_{where}"],
                   "notification_id": elsewhere["notification"], "task_id": elsewhere["export_task"],
                   "product_id": elsewhere[f"product_{where}"],
                   "monitoring_id": elsewhere[f"monitoring_{where}"],
                   "round_id": elsewhere[f"round_{where}"], "target_id": elsewhere[f"target_{where}"],
                   "work_id": elsewhere[f"work_{where}"],
                   "toilet_id": elsewhere[f"toilet_{where}"], "project_id": elsewhere[f"project_{where}"],
                   "problem_id": elsewhere[f"problem_{where}"], "sample_id": elsewhere[f"sample_{where}"],
                   "letter_id": elsewhere[f"letter_{where}"],
                   "application_id": elsewhere[f"application_{where}"],
                   "activity_id": elsewhere[f"activity_{where}"],
                   "banquet_id": elsewhere[f"banquet_{where}"], "certificate_id": elsewhere[f"certificate_{where}"],
                   "event_id": elsewhere[f"event_{where}"], "campaign_id": elsewhere[f"campaign_{where}"],
                   "campaign_task_id": elsewhere[f"campaign_task_{where}"],
                   "publication_id": elsewhere["publication_tb" if where == "b1" else "publication_ta"],
                   "unit_id": getattr(world, f"unit_{where}")}
    if api:
        from hygiene.inspections.models import Inspection

        with app.app_context():
            foreign_ids["version_id"] = db.session.get(Inspection, foreign_ids["inspection_id"]).version_id
    plain = {"code": "en", "size": "thumb", "ext": "xlsx", "kind": "units", "step": "evidence",
             "token": "x" * 12, "township_id": world.tb, "period_key": "2026-10", "village_id": world.b1,
             "pest": "rodent", "method": "room_signs", "year": 2026, "move": "plan",
             "action": "fix", "token_id": 1}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or (rule.endpoint.startswith("api.") and not api):
            continue
        slugs = list(KINDS) if "slug" in rule.arguments else [None]
        for slug in slugs:
            values = {"slug": slug} if slug else {}
            if "record_id" in rule.arguments:
                values["record_id"] = records[slug]
            values |= {k: v for k, v in foreign_ids.items() if k in rule.arguments}
            foreign = bool(rule.arguments & {"record_id", *foreign_ids})
            values |= {k: plain[k] for k in rule.arguments - set(values)}
            with app.test_request_context():
                url = app.url_for(rule.endpoint, **values)
            yield rule, rule.methods - {"HEAD", "OPTIONS"}, url, foreign


def fingerprint(app):
    with app.app_context():
        return {t.name: db.session.execute(sa.select(t).order_by(*t.primary_key.columns)).all()
                for t in db.metadata.sorted_tables}


@pytest.mark.parametrize("role", list(FOREIGN))
def test_no_url_reveals_or_changes_records_outside_the_scope(app, client, world, elsewhere, login, role):
    login(role)
    before = fingerprint(app)
    checked = 0
    for rule, methods, url, foreign in concrete_urls(app, role, world, elsewhere):
        if rule.endpoint in PUBLIC:
            continue
        if "GET" in methods:
            response = client.get(url)
            assert response.status_code != 500, url
            if foreign:
                assert response.status_code in (403, 404), f"{role} read {url}"
            if not response.mimetype.startswith("text/"):
                continue  # downloads (templates, photos) are checked by their own tests
            body = response.get_data(as_text=True)
            leaked = [name for name in FOREIGN[role] if re.search(re.escape(name), body)]
            assert not leaked, f"{role} saw {leaked} at {url}"
        if "POST" in methods and rule.endpoint in SELF:
            pass
        elif "POST" in methods and rule.endpoint in OWN:
            assert client.post(url, data={"upto": elsewhere["notification"]}).status_code < 400
        elif "POST" in methods and rule.endpoint in OFFICE_ENTRY and role in ("admin_a", "inspector_a"):
            assert client.post(url, data={"name": "x", "village_id": "1"}).status_code == 422
        elif "POST" in methods and rule.endpoint in VILLAGE_ENTRY and role in ("admin_a", "village_a1"):
            assert client.post(url, data={"name": "x", "village_id": "1"}).status_code == 422
        elif "POST" in methods and rule.endpoint in APPLICANT_ENTRY and role in ("admin_a", "village_a1", "unit_a1"):
            assert client.post(url, data={"name": "x", "village_id": "1"}).status_code == 422
        elif "POST" in methods and rule.endpoint in OWN_LOG_ENTRY:
            assert client.post(url, data={"name": "x", "village_id": "1"}).status_code == 422
        elif "POST" in methods and role in ENTRY_BY_ROLE.get(rule.endpoint, ()):
            assert client.post(url, data={"name": "x", "village_id": "1"}).status_code == 422
        elif "POST" in methods and (foreign or role != "admin_a"):
            response = client.post(url, data={"active": "0", "name": "x", "village_id": "1"})
            assert response.status_code in (403, 404), f"{role} posted to {url}: {response.status_code}"
        checked += 1
    assert checked > 20
    assert fingerprint(app) == before


def test_every_rule_is_walked(app):
    """A new blueprint must not escape the walk: every endpoint is public or needs a login."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {"places.record_detail", "accounts.user_detail", "audit.event_list"} <= endpoints
