"""Every page of every role, rendered in Chinese, shows no untranslated English.

The demo township is loaded once (with one run of each scheduled job, so the jobs page and the
bell have something to say); then each role (admin, inspector, village, unit and anonymous)
requests every GET rule of the app with ids from inside its own scope, one per status where a
page looks different per status. The visible text (tags, scripts, styles and <code> stripped;
title, placeholder, alt, aria-label and button values kept) must hold no English word outside
the allow-list: user names, codes and the language switch.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from hygiene.extensions import db
from tests.test_security_headers import headers_missing, inline_script

DEMO_PASSWORD = "hygiene-demo"
ROLES = ("admin", "inspector", "village", "unit", None)  # None: not signed in
# words that stay as they are in a Chinese page: codes and names everyone writes in Latin letters
ALLOWED = {"QR", "A4", "ID", "Excel", "PDF", "SVG", "CSV", "URL", "YAML", "JSON", "xlsx", "yaml",
           "csv", "json", "English", "SMS", "GPS", "EXIF", "HTTPS", "SMTP", "WPS", "MB", "GB", "Python",
           "API", "OpenAPI"}
SKIPPED = {"static", "accounts.language", "accounts.logout"}  # would change the session
JSON_API = "api."  # JSON, signed in by token: its messages come in both languages (tests/api)
VARIANTS_PER_ENDPOINT = 4  # links followed per endpoint, beyond the walk of the rules
VISIBLE_ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")
CODE_LIKE = re.compile(r"\S*[\d_/@=:.]\S*")  # tokens with digits, underscores, paths: codes
WORD = re.compile(r"[A-Za-z]{2,}")


class VisibleText(HTMLParser):
    """The text a reader sees: data outside script/style/code, and a few attributes."""

    HIDDEN = {"script", "style", "code", "pre", "kbd", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.parts += [values[a] for a in VISIBLE_ATTRIBUTES if values.get(a)]
        if tag == "input" and values.get("type") in ("submit", "button", "reset") and values.get("value"):
            self.parts.append(values["value"])
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def english_words(html: str, names: set[str]) -> list[str]:
    """The English words of a page's visible text (user names and codes left out)."""
    parser = VisibleText()
    parser.feed(html)
    words = []
    for part in parser.parts:
        text = part.strip()
        if text in names:
            continue  # a table cell or label holding only a user name
        text = re.sub(r"[(（](?:" + "|".join(map(re.escape, names)) + r")[)）]", " ", text)
        text = CODE_LIKE.sub(" ", text)
        words += [w for w in WORD.findall(text) if w not in ALLOWED]
    return words


@pytest.fixture(scope="module")
def demo_site(app):
    """The demo township with one run of every scheduled job; emptied after the module."""
    from hygiene.demo import demo_load
    from hygiene.scheduler import registered_jobs
    from hygiene.scheduler.runner import run_job

    with app.app_context():
        assert demo_load()
        db.session.commit()
        _office_edits()
        db.session.commit()
        _toilet_records()
        db.session.commit()
    for job in registered_jobs():
        assert run_job(app, job.id, job.func), job.id
    yield app
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


def _office_edits() -> None:
    """Changes the demo does not make, so the trail's "changes" column has something to word:
    a unit edited, a password changed, the ranking weights set, a deadline moved."""
    from datetime import timedelta

    from hygiene.access.scope import Scope
    from hygiene.accounts.models import User
    from hygiene.accounts.schemas import UserInput
    from hygiene.accounts.services import user_update
    from hygiene.places.kinds import UNITS
    from hygiene.places.models import Unit
    from hygiene.places.schemas import place_input
    from hygiene.places.services import record_update
    from hygiene.rankings.components import COMPONENTS
    from hygiene.rankings.schemas import settings_input
    from hygiene.rankings.services import settings_save
    from hygiene.rectifications.models import RectificationOrder
    from hygiene.rectifications.services import order_set_deadline

    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    scope = Scope.of(admin)
    unit = db.session.scalar(sa.select(Unit).order_by(Unit.id))
    data = {name: getattr(unit, name) for name in UNITS.fields}
    record_update(kind=UNITS, scope=scope, actor_id=admin.id, record=unit,
                  data=place_input(UNITS, data | {"category": "hotel", "contact_phone": "13912345678"}))
    inspector = db.session.scalar(sa.select(User).where(User.username == "inspector"))
    user_update(scope=scope, actor_id=admin.id, user=inspector, data=UserInput(
        username="inspector", display_name=inspector.display_name, role="inspector",
        township_id=inspector.township_id, password="another-password-1"))
    inspector.set_password(DEMO_PASSWORD)
    weights = {f"weight_{c.key}": "50" for c in COMPONENTS}
    settings_save(scope=scope, actor_id=admin.id, township_id=admin.township_id,
                  data=settings_input(weights | {"min_inspections": "3", "list_size": "3"}))
    order = db.session.scalar(sa.select(RectificationOrder).where(
        RectificationOrder.status == "issued").order_by(RectificationOrder.id.desc()))
    order_set_deadline(scope=scope, actor_id=admin.id, order=order, deadline=order.deadline + timedelta(days=7))


def _toilet_records() -> None:
    """A renovation task for the village contact's village with a household toilet at each stage and
    a public toilet project, unless the demo made some (its toilets are not the walk's business)."""
    from datetime import date

    from hygiene.accounts.models import User
    from hygiene.places.models import Household
    from hygiene.toilets.models import HouseholdToilet, PublicToiletProject, ToiletStageEvent, ToiletTask
    from hygiene.toilets.status import ToiletStage

    if db.session.scalar(sa.select(HouseholdToilet.id).limit(1)) is not None:
        return
    village = db.session.scalar(sa.select(User).where(User.username == "village")).village
    task = db.session.scalar(sa.select(ToiletTask).where(ToiletTask.village_id == village.id))
    if task is None:
        task = ToiletTask(township_id=village.township_id, village_id=village.id, year=date.today().year,
                          household_quota=5, deadline=date(date.today().year, 12, 31),
                          subsidy_rates={"three_compartment": "1000"})
        db.session.add(task)
        db.session.flush()
    households = db.session.scalars(sa.select(Household).where(Household.village_id == village.id)
                                    .order_by(Household.id)).all()
    for household, stage in zip(households, ToiletStage, strict=False):
        toilet = HouseholdToilet(township_id=village.township_id, village_id=village.id, task_id=task.id,
                                 household_id=household.id, stage=stage, stage_on=date.today(),
                                 toilet_type="three_compartment", failed_reasons=["化粪池渗漏"])
        db.session.add(toilet)
        db.session.flush()
        db.session.add(ToiletStageEvent(township_id=toilet.township_id, village_id=village.id, toilet_id=toilet.id,
                                        to_stage=stage, happened_on=date.today(), reasons=["化粪池渗漏"]))
    db.session.add(PublicToiletProject(township_id=village.township_id, village_id=village.id, task_id=task.id,
                                       name="村委公厕", stage=ToiletStage.COMPLETED, stage_on=date.today()))


def _toilet_ids(scope, model) -> list[int]:
    if not scope.sees_toilets:
        return []
    return list(db.session.scalars(sa.select(model.id).where(scope.clause(model)).order_by(model.id)))


def scoped_values(username: str | None) -> dict[str, list]:
    """Per URL argument, values inside the role's scope: one per status where that matters."""
    from hygiene.access.scope import Scope
    from hygiene.accounts.models import User
    from hygiene.checklists.models import ChecklistTemplate
    from hygiene.inspections.models import Inspection, InspectionPlan
    from hygiene.inspections.queries import inspection_clause
    from hygiene.media.models import Photo
    from hygiene.notifications.models import Notification
    from hygiene.pests.models import PestProduct
    from hygiene.places.kinds import KINDS
    from hygiene.rankings.models import RankingPublication
    from hygiene.rectifications.models import RectificationOrder
    from hygiene.rectifications.queries import order_clause
    from hygiene.toilets.models import HouseholdToilet, PublicToiletProject

    user = db.session.scalar(sa.select(User).where(User.username == (username or "admin")))
    scope = Scope.of(user)
    ins, order = Inspection, RectificationOrder
    inspections = [i for status in ("planned", "in_progress", "submitted", "published")
                   for i in db.session.scalars(sa.select(ins.id).where(
                       inspection_clause(scope), ins.status == status).order_by(ins.id).limit(1))]
    flagged = [p.inspection_id for p in db.session.scalars(sa.select(Photo).where(
        Photo.inspection_id.is_not(None), Photo.township_id == user.township_id)) if p.flags][:1]
    orders = [o for status in ("issued", "evidence_submitted", "closed", "superseded")
              for o in db.session.scalars(sa.select(order.id).where(
                  order_clause(scope), order.status == status).order_by(order.id).limit(1))]
    publication = db.session.scalar(sa.select(RankingPublication).order_by(RankingPublication.id))
    records = {}
    for slug, kind in KINDS.items():
        records[slug] = db.session.scalar(sa.select(kind.model.id).where(scope.clause(kind.model))
                                          .order_by(kind.model.id).limit(1))
    from hygiene.pests.monitoring.models import MonitoringRecord

    surveys = list(db.session.scalars(sa.select(MonitoringRecord.id).where(scope.clause(MonitoringRecord))
                                      .order_by(MonitoringRecord.id).limit(1))) if scope.sees_pest_monitoring else []
    token = db.session.scalar(sa.select(order.token).where(order_clause(scope)).order_by(order.id).limit(1))
    from hygiene.pests.rounds.models import PestRound, RoundTarget
    from hygiene.pests.rounds.status import RoundStatus

    pest_rounds = [r for status in RoundStatus for r in db.session.scalars(sa.select(PestRound.id).where(
        scope.clause(PestRound), PestRound.status == status).order_by(PestRound.id).limit(1))]
    target = db.session.execute(sa.select(RoundTarget.round_id, RoundTarget.id).join(PestRound).where(
        scope.clause(RoundTarget), scope.clause(PestRound)).order_by(RoundTarget.id).limit(1)).first()
    return {
        "target_id": [target.id] if target else [],
        "task_id": _export_tasks(user),
        "inspection_id": inspections + flagged,
        "order_id": orders,
        "plan_id": list(db.session.scalars(sa.select(InspectionPlan.id).order_by(InspectionPlan.id).limit(2))),
        "template_id": list(db.session.scalars(sa.select(ChecklistTemplate.id).order_by(ChecklistTemplate.id).limit(2))),
        "user_id": list(db.session.scalars(sa.select(User.id).order_by(User.id))),
        "notification_id": list(db.session.scalars(sa.select(Notification.id).where(
            Notification.recipient_id == user.id).limit(1))),
        "publication_id": [publication.id],
        "township_id": [publication.township_id],
        "period_key": [publication.period_key],
        "village_id": [user.village_id or publication.rows[0]["id"]],
        "token": [token or "x" * 12],
        "photo_id": list(db.session.scalars(sa.select(Photo.id).limit(1))),
        "records": records,
        "product_id": list(db.session.scalars(sa.select(PestProduct.id).where(scope.clause(PestProduct))
                                              .order_by(PestProduct.id).limit(1))),
        "monitoring_id": surveys, "round_id": pest_rounds, "pest": ["fly"], "method": ["fly_rooms"],
        "size": ["thumb"], "code": ["zh_CN"], "kind": ["units"], "ext": ["xlsx"], "year": [2026],
        "toilet_id": _toilet_ids(scope, HouseholdToilet), "project_id": _toilet_ids(scope, PublicToiletProject),
        "problem_id": _problem_ids(scope), "letter_id": _letter_ids(scope),
        "application_id": _application_ids(scope), "activity_id": _activity_ids(scope),
        **_campaign_ids(scope), **_food_ids(scope),
    }


def _letter_ids(scope) -> list[int]:
    """A target letter of each status the reader may see."""
    from hygiene.letters.models import TargetLetter
    from hygiene.letters.status import LetterStatus

    if not scope.sees_letters:
        return []
    return [p for status in LetterStatus for p in db.session.scalars(sa.select(TargetLetter.id).where(
        scope.clause(TargetLetter), TargetLetter.status == status).order_by(TargetLetter.id).limit(1))]


def _application_ids(scope) -> list[int]:
    """A creation application of each status the reader may see."""
    from hygiene.creation.models import CreationApplication
    from hygiene.creation.status import CreationStatus

    return [a for status in CreationStatus for a in db.session.scalars(sa.select(CreationApplication.id).where(
        scope.clause(CreationApplication), CreationApplication.status == status)
        .order_by(CreationApplication.id).limit(1))]


def _activity_ids(scope) -> list[int]:
    """A health-education activity of each kind the reader may see."""
    from hygiene.education.kinds import ActivityKind
    from hygiene.education.models import EducationActivity

    a = EducationActivity
    return [found for kind in ActivityKind for found in db.session.scalars(
        sa.select(a.id).where(scope.clause(a), a.kind == kind).order_by(a.id.desc()).limit(1))]


def _campaign_ids(scope) -> dict[str, list[int]]:
    """A campaign of each status, a task open and done, and a calendar event the reader may see."""
    from hygiene.campaigns.models import Campaign, CampaignEvent, CampaignTask

    campaigns = [c for status in ("active", "closed") for c in db.session.scalars(sa.select(Campaign.id).where(
        scope.clause(Campaign), Campaign.status == status).order_by(Campaign.id).limit(1))]
    tasks = [t for status in ("open", "done") for t in db.session.scalars(sa.select(CampaignTask.id).where(
        scope.clause(CampaignTask), CampaignTask.status == status).order_by(CampaignTask.id).limit(1))]
    events = list(db.session.scalars(sa.select(CampaignEvent.id).where(scope.clause(CampaignEvent))
                                     .order_by(CampaignEvent.id).limit(1)))
    return {"campaign_id": campaigns, "campaign_task_id": tasks, "event_id": events}


def _food_ids(scope) -> dict[str, list[int]]:
    """A banquet of each status and a health certificate the reader may see."""
    from hygiene.food.models import Banquet, HealthCertificate

    banquets = [b for status in ("registered", "checked", "held", "cancelled") for b in db.session.scalars(
        sa.select(Banquet.id).where(scope.clause(Banquet), Banquet.status == status).order_by(Banquet.id).limit(1))]
    certificates = list(db.session.scalars(sa.select(HealthCertificate.id).where(scope.clause(HealthCertificate))
                                           .order_by(HealthCertificate.id).limit(2)))
    return {"banquet_id": banquets, "certificate_id": certificates}


def _problem_ids(scope) -> list[int]:
    """A follow-up problem of each status the reader may see."""
    from hygiene.toilets.models import ToiletProblem
    from hygiene.toilets.status import ProblemStatus

    return [p for status in ProblemStatus for p in db.session.scalars(sa.select(ToiletProblem.id).where(
        scope.clause(ToiletProblem), ToiletProblem.status == status).order_by(ToiletProblem.id).limit(1))]


def _export_tasks(user) -> list[int]:
    """The user's background exports, one running and one done (made here: the demo has none)."""
    from hygiene.clock import now_utc
    from hygiene.exports.models import ExportTask

    tasks = [ExportTask(user_id=user.id, kind="inspections", params={}, status=status, total=100, progress=40,
                        file_name="检查记录", created_at=now_utc()) for status in ("running", "done")]
    db.session.add_all(tasks)
    db.session.commit()
    return [task.id for task in tasks]


def page_urls(app, values: dict[str, list]) -> Iterator[str]:
    """Every GET rule, once per value of its varying argument."""
    from hygiene.places.kinds import KINDS

    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED or "GET" not in rule.methods or rule.endpoint.startswith(JSON_API):
            continue
        slugs = list(KINDS) if "slug" in rule.arguments else [None]
        for slug in slugs:
            fixed = {"slug": slug} if slug else {}
            if "record_id" in rule.arguments:
                if values["records"][slug] is None:
                    continue
                fixed["record_id"] = values["records"][slug]
            open_args = sorted(rule.arguments - set(fixed))
            unknown = [a for a in open_args if a not in values]
            assert not unknown, f"no value for {unknown} of {rule.rule}: add one to scoped_values()"
            if any(not values[a] for a in open_args):
                continue
            varying = max(open_args, key=lambda a: len(values[a]), default=None)
            for choice in values[varying] if varying else [None]:
                args = fixed | {a: values[a][0] for a in open_args}
                if varying:
                    args[varying] = choice
                with app.test_request_context():
                    yield app.url_for(rule.endpoint, **args)


def linked_variants(app, html: str, seen: set[str], per_endpoint: dict[str, int]) -> list[str]:
    """Links of a page to other variants of the app's pages (filters, periods, page 2...), a
    few per endpoint, so the states that only a query string reaches are read too."""
    adapter = app.url_map.bind("localhost")
    found = []
    for href in re.findall(r'href="(/[^"#]*)"', html):
        url = href.replace("&amp;", "&")
        if url in seen or url.startswith("//"):
            continue
        seen.add(url)
        try:
            endpoint, _args = adapter.match(url.split("?")[0], method="GET")
        except Exception:  # noqa: BLE001 - a link to something that is not a page of the app
            continue
        if endpoint in SKIPPED or endpoint.startswith(JSON_API) or per_endpoint.get(endpoint, 0) >= VARIANTS_PER_ENDPOINT:
            continue
        per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
        found.append(url)
    return found


@pytest.mark.parametrize("username", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_every_page_speaks_chinese(demo_site, username):
    from hygiene.accounts.models import User

    app = demo_site
    client = app.test_client()
    if username:
        response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
    with app.app_context():
        names = set(db.session.scalars(sa.select(User.username)))
        urls = list(page_urls(app, scoped_values(username)))
    problems, shown, seen = {}, 0, set(urls)
    scripts: dict[str, list[str]] = {}
    per_endpoint: dict[str, int] = {}
    while urls:
        url = urls.pop(0)
        response = client.get(url)
        response.close()  # photo downloads hold their file open until closed
        assert response.status_code != 500, url
        if response.mimetype != "text/html" or 300 <= response.status_code < 400:
            continue  # downloads, and redirects whose body nobody sees
        shown += response.status_code == 200
        html = response.get_data(as_text=True)
        if inline := inline_script(html) + headers_missing(response):
            scripts[url] = inline  # the content security policy would block it (tests/test_security_headers.py)
        words = english_words(html, names)
        if words:
            problems[url] = sorted(set(words))
        for link in linked_variants(app, html, seen, per_endpoint):
            urls.append(link)
    assert shown >= (20 if username else 3), f"only {shown} pages answered for {username}"
    assert not scripts, f"inline script or missing headers on the pages of {username or 'anonymous'}: {scripts}"
    assert not problems, f"English on the Chinese pages of {username or 'anonymous'}:\n" + "\n".join(
        f"  {url}: {' '.join(words)}" for url, words in problems.items())


def test_the_check_finds_english_and_spares_names_and_codes():
    page = ("<html><head><title>首页</title><style>.a{color:red}</style></head><body>"
            "<p>李检查 (inspector) 发送 3, failed 0</p><td>village</td>"
            "<code>dispatch_notifications</code><script>var x = 'hello';</script>"
            "<input type=submit value='Save'><span title='old_capture, reused'>⚠</span>"
            "<a href='/x'>English</a> A4 QR v2 〔2026〕第3号</body></html>")
    assert english_words(page, {"inspector", "village"}) == ["failed", "Save", "reused"]
