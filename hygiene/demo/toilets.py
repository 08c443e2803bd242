"""The demo's toilet renovation (改厕): the year's task for every village (quota, deadline 10-31,
subsidy rates), register households at every stage — surveyed to subsidy paid, one excluded, a
failed acceptance reworked and accepted, another failed and waiting — public toilet projects,
follow-up problems open and fixed, and last year's follow-up sample drawn and checked. All through
the services with the day's time, on working days in office hours, so the trail and photos are real.

The year is this year from May on; before then (little of a season done) it is last year's."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageDraw

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.checklists.services import templates_install_builtin
from hygiene.clock import local_zone
from hygiene.demo.inspections import OFFICE_HOURS
from hygiene.extensions import db
from hygiene.inspections import fieldwork, review
from hygiene.inspections.scoring import FAIL, PASS
from hygiene.media.intake import PhotoLimits
from hygiene.media.store import configured_store
from hygiene.places.models import Household, Village
from hygiene.rectifications.workdays import is_working_day
from hygiene.toilets import acceptance, problems, sample, services, tasks
from hygiene.toilets.models import HouseholdToilet
from hygiene.toilets.problem_schemas import CheckInput, ProblemFixInput, ProblemNewInput, ProblemStepInput
from hygiene.toilets.schemas import (
    AcceptanceRequestInput,
    ExcludeInput,
    PlanInput,
    PublicNewInput,
    StepInput,
    ToiletNewInput,
)
from hygiene.toilets.status import ToiletStage
from hygiene.toilets.task_schemas import TaskInput

RATES = {"three_compartment": "1000.00", "double_urn": "800.00", "double_pit": "600.00",
         "urine_diverting": "600.00", "sewer_flush": "1200.00"}
TYPES = ("three_compartment", "three_compartment", "double_urn", "three_compartment", "double_pit")
# where a quota household accepted by now ends ("rework": failed, reworked, accepted), and where the
# households listed beyond the quota stand ("waiting": acceptance asked for, not yet checked)
DONE_ENDS = ("paid", "paid", "accepted", "rework", "paid", "accepted", "paid")
OTHER_ENDS = ("failed", "excluded", "surveyed", "building", "completed", "planned", "waiting")
# where a quota household not yet accepted stands, by how far along its building `last` falls
UNDER_WAY = ((1e-9, "surveyed"), (0.3, "planned"), (0.6, "building"), (0.85, "completed"), (float("inf"), "waiting"))
# each village's pace (by its place in the register): done early, on time, or late (a believable mix)
PROFILES = ("on_pace", "ahead", "behind", "on_pace", "ahead", "on_pace", "behind", "ahead", "on_pace", "behind",
            "on_pace", "ahead")
STEPS = {"surveyed": 0, "excluded": 1, "planned": 1, "building": 2, "completed": 3, "waiting": 4, "failed": 4,
         "accepted": 4, "paid": 5, "rework": 8}   # the working days a household's steps take, less one


class Office:
    """Who does the demo's work, with a random source and the store for photos."""

    def __init__(self, township_id: int, seed: int, admin: User, inspector: User):
        self.rng, self.admin, self.inspector = random.Random(seed), admin, inspector
        self.village_user = db.session.scalar(sa.select(User).where(User.role == Role.VILLAGE_CONTACT)
                                              .join(Village, Village.id == User.village_id)
                                              .where(Village.township_id == township_id).limit(1))
        self.scope = Scope.of(self.admin)
        self.store, self.limits = configured_store(current_app.config), PhotoLimits()

    def at(self, day: date, hours: tuple[int, ...] = OFFICE_HOURS) -> datetime:
        """A moment in office hours on `day`."""
        return datetime.combine(day, time(self.rng.choice(hours), self.rng.randint(0, 59),
                                          self.rng.randint(0, 59)), local_zone())

    def worker(self, village_id: int) -> tuple[Scope, int]:
        """The village's contact records their own village; the office the others."""
        if self.village_user is not None and self.village_user.village_id == village_id:
            return Scope.of(self.village_user), self.village_user.id
        return self.scope, self.admin.id

    def photos(self, day: date, *, buried: bool = False) -> services.Photos:
        taken = self.at(day) - timedelta(minutes=30)
        shots = [(f"现场{n + 1}.jpg", _scene(self.rng, taken, tank=buried)) for n in range(1 + buried)]
        return services.Photos(store=self.store, limits=self.limits, stage=[] if buried else shots,
                               buried=shots if buried else [])


def demo_toilets(*, township_id: int, today: date, seed: int = 11) -> int:
    """This season's renovation for every village of the township; the number of household toilets."""
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN, User.township_id == township_id)
                              .order_by(User.id).limit(1))
    inspector = db.session.scalar(sa.select(User).where(User.role == Role.INSPECTOR, User.township_id == township_id)
                                  .order_by(User.id).limit(1))
    if admin is None or inspector is None:
        return 0
    office = Office(township_id, seed, admin, inspector)
    templates_install_builtin()
    year = today.year if today >= date(today.year, 5, 1) else today.year - 1
    villages = list(db.session.scalars(sa.select(Village).where(Village.township_id == township_id)
                                       .order_by(Village.id)))
    households = {v.id: list(db.session.scalars(sa.select(Household).where(Household.village_id == v.id)
                                                .order_by(Household.id))) for v in villages}
    last = min(_working_before(today), date(year, 12, 20))
    made = _last_year(office, villages[:3], households, year - 1, today)
    for n, village in enumerate(villages):
        made += _season(office, village, households[village.id][3 if n < 3 else 0:], year, n, last)
    return made


def _working_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1) if is_working_day(first + timedelta(days=n))]


def _working_before(day: date) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _task(office: Office, village: Village, year: int, quota: int, public: int, day: date) -> None:
    tasks.task_save(scope=office.scope, actor_id=office.admin.id, now=office.at(day), data=TaskInput(
        village_id=village.id, year=year, household_quota=quota, public_quota=public,
        deadline=date(year, 10, 31), rates=dict(RATES), note=""))


def _season(office: Office, village: Village, listed: list[Household], year: int, n: int, last: date) -> int:
    """The village's task and its households moved on as far as the season (and the village's pace)
    allows: each of the quota's households has the day its acceptance falls on at the village's pace
    (PROFILES), so by `last` some are accepted and paid, the later ones still under way; the three
    households listed beyond the quota are at the other stages (surveyed, excluded, failed...)."""
    days = _working_days(date(year, 3, 2), last)
    if len(days) < 20:
        return 0
    quota = 8 + n % 4
    deadline = date(year, 10, 31)
    _task(office, village, year, quota, 1 if n % 3 == 0 else 0, days[0])
    season = _working_days(date(year, 3, 2), max(deadline, last))
    finish = _finish_index(season, deadline, PROFILES[n % len(PROFILES)])
    made = 0
    for k, household in enumerate(listed[:quota]):
        accept_at = int(season.index(days[0]) + 25 + (finish - 25) * (k + 1) / quota)   # evenly to `finish`
        end, plan = _quota_household(season, accept_at, len(days) - 1, k, n, office.rng)
        _household(office, village, household, year, end, plan, k)
        made += 1
    for k, household in enumerate(listed[quota:quota + 3]):
        end = OTHER_ENDS[(k + n) % len(OTHER_ENDS)]
        start = int(office.rng.uniform(0.02, 0.35) * len(days))
        gap = max(1, int((len(days) - start - 1) / (STEPS[end] + 1)))
        _household(office, village, household, year, end, [days[min(start + i * gap, len(days) - 1)]
                                                            for i in range(STEPS[end] + 1)], quota + k)
        made += 1
    if n % 3 == 0:
        _public(office, village, year, days[len(days) // 4:], ("rework", "accepted", "waiting", "completed")[n // 3 % 4])
    return made


def _finish_index(season: list[date], deadline: date, profile: str) -> int:
    """The working day (an index into `season`) the village's last quota household is accepted on:
    well before the deadline (ahead), weeks before it (on pace: the 4-week pace is uneven), or
    weeks after it (behind)."""
    due = max(i for i, day in enumerate(season) if day <= deadline)
    return {"ahead": int(due * 0.55), "on_pace": int(due * 0.8), "behind": int(due * 1.3)}[profile]


def _quota_household(season: list[date], accept_at: int, last: int, k: int, n: int,
                     rng: random.Random) -> tuple[str, list[date]]:
    """A quota household's end and its step days: accepted (paid, or reworked) when its acceptance
    day is past, else as far along its building as `last` allows."""
    span = 20 + rng.randint(0, 15)   # working days from survey to acceptance
    start = max(0, accept_at - span)
    if accept_at <= last:
        end = "rework" if (n == 0 and k == 0) else DONE_ENDS[(k + n) % len(DONE_ENDS)]
        steps = STEPS[end]
        first = max(0, accept_at - span * steps // 4)
        return end, [season[min(first + (accept_at - first) * i // steps, last)] for i in range(steps + 1)]
    done = (last - start) / span if last > start else 0.0
    end = next(name for upto, name in UNDER_WAY if done < upto)
    steps = STEPS[end]
    first = min(start, last) if steps else rng.randint(last // 2, last)   # listed, nothing more yet
    return end, [season[min(first + (last - first) * i // max(steps, 1), last)] for i in range(steps + 1)]


def _household(office: Office, village: Village, household: Household, year: int, end: str, days: list[date],
               k: int) -> HouseholdToilet:
    scope, actor = office.worker(village.id)
    step = iter(days)

    def now_and(day: date) -> tuple[datetime, StepInput]:
        return office.at(day), StepInput(happened_on=day, note="")

    day = next(step)
    toilet = services.toilet_create(scope=scope, actor_id=actor, now=office.at(day), data=ToiletNewInput(
        village_id=village.id, year=year, household_id=household.id, surveyed_on=day, note=""))
    if end == "surveyed":
        return toilet
    day = next(step)
    if end == "excluded":
        services.toilet_exclude(scope=scope, actor_id=actor, record=toilet, now=office.at(day), data=ExcludeInput(
            happened_on=day, note=office.rng.choice(("常年外出务工，房屋空置", "已有水冲式卫生厕所", "拟搬迁安置"))))
        return toilet
    services.toilet_plan(scope=scope, actor_id=actor, record=toilet, now=office.at(day), data=PlanInput(
        happened_on=day, note="", toilet_type=TYPES[k % len(TYPES)], attached=k % 3 == 0, demonstration=k == 1))
    for move in ("start", "complete"):
        if end == "planned" or (end == "building" and move == "complete"):
            return toilet
        day = next(step)
        when, data = now_and(day)
        if move == "start":
            services.toilet_start(scope=scope, actor_id=actor, record=toilet, data=data, now=when,
                                  photos=office.photos(day))
        else:
            services.toilet_complete(scope=scope, actor_id=actor, record=toilet, data=data, now=when,
                                     photos=office.photos(day, buried=True))
    if end == "completed":
        return toilet
    passed = end not in ("failed", "rework")
    _accept(office, toilet, next(step), passed=passed, wait=end == "waiting")
    if end == "rework":
        day = next(step)
        services.toilet_rework(scope=scope, actor_id=actor, record=toilet, now=office.at(day),
                               data=StepInput(happened_on=day, note="按验收意见返工：加高出粪口、更换盖板"))
        day = next(step)
        services.toilet_complete(scope=scope, actor_id=actor, record=toilet, now=office.at(day),
                                 data=StepInput(happened_on=day, note="返工完成"), photos=office.photos(day, buried=True))
        _accept(office, toilet, next(step), passed=True, wait=False)
    if end in ("paid", "rework") and toilet.stage == ToiletStage.ACCEPTED:
        day = next(step, days[-1])
        services.subsidy_pay(scope=office.scope, actor_id=office.admin.id, toilet=toilet, now=office.at(day),
                             data=StepInput(happened_on=day, note=""))
    return toilet


def _accept(office: Office, toilet: services.Record, day: date, *, passed: bool, wait: bool) -> None:
    """The office asks for the acceptance, the inspector checks it that day, the office publishes."""
    asked = office.at(day, hours=(8, 9, 10, 14))  # checked an hour later, published before six
    inspection = acceptance.acceptance_request(scope=office.scope, actor_id=office.admin.id, toilet=toilet,
                                               now=asked, data=AcceptanceRequestInput(
                                                   happened_on=day, note="", inspector_ids=[office.inspector.id],
                                                   due_on=day + timedelta(days=7)))
    if wait or inspection is None:
        return
    scope, checked = Scope.of(office.inspector), asked + timedelta(hours=1)
    for n, item in enumerate(inspection.version.items):
        fails = not passed and n < 2
        fieldwork.answer_save(scope=scope, user=office.inspector, inspection=inspection, item_id=item.id,
                              result=FAIL if fails else PASS, findings=1 if fails else 0, now=checked)
        if fails:
            fieldwork.photo_attach(scope=scope, user=office.inspector, inspection=inspection, item_id=item.id,
                                   filename="验收.jpg", data=_scene(office.rng, checked, tank=True),
                                   store=office.store, limits=office.limits, now=checked)
    fieldwork.inspection_submit(scope=scope, user=office.inspector, inspection=inspection,
                                submission_key=f"demo-accept-{inspection.id}", now=checked)
    review.inspection_publish(scope=office.scope, actor_id=office.admin.id, inspection=inspection,
                              now=checked + timedelta(minutes=40), flag_reason="演示数据")
    db.session.refresh(toilet)


def _public(office: Office, village: Village, year: int, days: list[date], end: str) -> None:
    """A public toilet repaired through acceptance by the public toilet checklist, as far as `end`."""
    project = services.public_create(scope=office.scope, actor_id=office.admin.id, now=office.at(days[0]),
                                     data=PublicNewInput(village_id=village.id, year=year, name=f"{village.name}村委会旁公厕",
                                                         location="村委会东侧", work="repair", surveyed_on=days[0]))
    for i, move in enumerate(("plan", "start", "complete")):
        day = days[min((i + 1) * 10, len(days) - 1)]
        kwargs: dict[str, Any] = {"scope": office.scope, "actor_id": office.admin.id, "record": project, "now": office.at(day),
                  "data": StepInput(happened_on=day, note="")}
        if move == "plan":
            services.toilet_plan(**kwargs)
        elif move == "start":
            services.toilet_start(**kwargs, photos=office.photos(day))
        else:
            services.toilet_complete(**kwargs, photos=office.photos(day))
    if end == "completed":
        return
    day = days[min(40, len(days) - 1)]
    _accept(office, project, day, passed=end != "rework", wait=end == "waiting")
    if end == "rework":
        day = days[min(50, len(days) - 1)]
        services.toilet_rework(scope=office.scope, actor_id=office.admin.id, record=project, now=office.at(day),
                               data=StepInput(happened_on=day, note="按验收意见返工：补装洗手池和扶手"))
        day = days[min(60, len(days) - 1)]
        services.toilet_complete(scope=office.scope, actor_id=office.admin.id, record=project, now=office.at(day),
                                 data=StepInput(happened_on=day, note="返工完成"), photos=office.photos(day))
        _accept(office, project, days[min(62, len(days) - 1)], passed=True, wait=False)


def _last_year(office: Office, villages: list[Village], households: dict[int, list[Household]], year: int,
               today: date) -> int:
    """Last year's task for a few villages (three households each, accepted and paid), its follow-up
    sample drawn this spring, checked: most fine, one full tank found and pumped, one leak still open."""
    days = _working_days(date(year, 4, 1), date(year, 10, 30))
    made, toilets = 0, []
    for n, village in enumerate(villages):
        _task(office, village, year, 3, 0, days[0])
        for k, household in enumerate(households[village.id][:3]):
            steps = [days[min(10 * k + 15 * i, len(days) - 1)] for i in range(7)]
            toilets.append(_household(office, village, household, year, "paid", steps, k + n))
            made += 1
    drawn_on = _working_days(date(year + 1, 3, 2), date(year + 1, 3, 31))[0]
    if drawn_on >= today:
        return made
    drawn = sample.sample_draw(scope=office.scope, actor_id=office.admin.id, year=year, size="50%",
                               now=office.at(drawn_on))
    check_days = _working_days(drawn_on + timedelta(days=1), min(drawn_on + timedelta(days=40), _working_before(today)))
    for i, toilet_id in enumerate(drawn.chosen):
        day = check_days[min(i, len(check_days) - 1)] if check_days else drawn_on
        toilet = db.session.get_one(HouseholdToilet, toilet_id)
        if i in (1, 3):
            _problem(office, toilet, day, kind="full_tank" if i == 1 else "leak", drawn_id=drawn.id,
                     fixed=i == 1, today=today)
        else:
            sample.sample_check_fine(scope=office.scope, actor_id=office.admin.id, sample=drawn, now=office.at(day),
                                     data=CheckInput(toilet_id=toilet_id, checked_on=day, note=""))
    # households call in too: a broken lid reported and fixed, one not used still open
    for i, toilet in enumerate(toilets[-2:]):
        day = check_days[-1] if check_days else drawn_on
        _problem(office, toilet, day, kind=("broken_parts", "not_used")[i], drawn_id=None, fixed=i == 0, today=today)
    # the village contact's own village: a full tank they reported, pumped; a leak they reported, still open
    own = [t for t in toilets if office.village_user is not None and t.village_id == office.village_user.village_id]
    for i, toilet in enumerate(own[:2]):
        day = check_days[min(5 + 3 * i, len(check_days) - 1)] if check_days else drawn_on
        _problem(office, toilet, day, kind=("full_tank", "leak")[i], drawn_id=None, fixed=i == 0, today=today,
                 by_village=True)
    return made


def _problem(office: Office, toilet: HouseholdToilet, day: date, *, kind: str, drawn_id: int | None, fixed: bool,
             today: date, by_village: bool = False) -> None:
    notes = {"full_tank": "粪池已满，需抽取清掏", "leak": "第二格有渗漏", "broken_parts": "便器盖板破损",
             "not_used": "户主外出，厕所未启用"}
    scope, actor = office.worker(toilet.village_id) if by_village else (office.scope, office.admin.id)
    found = problems.problem_report(scope=scope, actor_id=actor, record=toilet, now=office.at(day),
                                    photos=office.photos(day), data=ProblemNewInput(kind=kind, reported_on=day,
                                                                                    note=notes[kind]),
                                    source=problems.FOLLOW_UP if drawn_id else problems.REPORT, sample_id=drawn_id)
    later = [d for d in _working_days(day + timedelta(days=2), day + timedelta(days=12)) if d < today]
    if len(later) < 2:
        return
    problems.problem_take_up(scope=office.scope, actor_id=office.admin.id, problem=found, now=office.at(later[0]),
                             data=ProblemStepInput(note="已联系管护员"))
    if fixed:
        problems.problem_fix(scope=office.scope, actor_id=office.admin.id, problem=found, record=toilet,
                             now=office.at(later[-1]), photos=office.photos(later[-1]), data=ProblemFixInput(
                                 fixed_on=later[-1], fix_note="吸粪车清掏完毕" if kind == "full_tank" else "已更换维修"))


def _scene(rng, when: datetime, *, tank: bool = False) -> bytes:
    """A small camera-like JPEG of a toilet site (a tank in the ground), its capture time in EXIF."""
    image = Image.new("RGB", (320, 240), (rng.randint(140, 200), rng.randint(140, 190), rng.randint(120, 170)))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 140, 320, 240], fill=(rng.randint(90, 130), rng.randint(70, 110), rng.randint(50, 90)))
    x = rng.randint(20, 200)
    if tank:
        draw.rectangle([x, 150, x + 100, 210], fill=(rng.randint(40, 90), rng.randint(90, 140), rng.randint(40, 90)))
    else:
        draw.rectangle([x, 60, x + 80, 150], fill=(rng.randint(200, 240), rng.randint(200, 240), rng.randint(190, 230)))
    for _ in range(8):  # grass, stones, tools: no two sites look alike (nor flag each other as reused)
        x, y = rng.randint(0, 300), rng.randint(0, 230)
        draw.ellipse([x, y, x + rng.randint(6, 60), y + rng.randint(6, 40)],
                     fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = when.strftime("%Y:%m:%d %H:%M:%S")
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=80, exif=exif)
    return buffer.getvalue()
