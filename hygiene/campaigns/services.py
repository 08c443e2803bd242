"""Every write of the campaign calendar: the year's calendar generated, events edited and added,
campaigns made with their tasks, moved, and the reminder settings. Tasks completed and reopened
are in tasks.py. Services flush and never commit (views do, through core.web)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record, snapshot
from hygiene.campaigns import counts, yearly
from hygiene.campaigns.models import Campaign, CampaignEvent, CampaignSettings, CampaignTask
from hygiene.campaigns.schemas import CampaignInput, CampaignInvalid, EventInput, SettingsInput, TasksInput
from hygiene.campaigns.status import CANCEL, CLOSE, REOPEN_CAMPAIGN, CampaignStatus
from hygiene.core.status import Transition
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.places.models import Unit, Village

EVENT_TRAIL = ("name", "starts_on", "ends_on", "note")
CAMPAIGN_TRAIL = ("name", "starts_on", "ends_on", "description")
MOVES: dict[str, Transition] = {"close": CLOSE, "reopen": REOPEN_CAMPAIGN, "cancel": CANCEL}


def require_planner(scope: Scope) -> int:
    """The township's admins keep the calendar and run campaigns; the township they do it for."""
    if not scope.is_admin or scope.township_id is None:
        raise Forbidden(_("The campaign calendar is kept by the township's hygiene office."))
    return scope.township_id


# --- the calendar -----------------------------------------------------------------------------

def calendar_generate(*, scope: Scope, actor_id: int | None, year: int, now: datetime) -> tuple[int, list[str]]:
    """Make the year's built-in events the calendar lacks (safe to repeat: each key once per year,
    so a second click or two at once make nothing more). Returns how many were made and the names
    of the events whose holiday dates are provisional (a year chinese-calendar does not know)."""
    township_id = require_planner(scope)
    have = set(db.session.scalars(sa.select(CampaignEvent.key).where(
        CampaignEvent.township_id == township_id, CampaignEvent.year == year, CampaignEvent.key.is_not(None))))
    made = 0
    planned = yearly.year_events(year)
    for event in planned:
        if event.key in have:
            continue
        row = CampaignEvent(township_id=township_id, year=year, key=event.key, name=event.name,
                            starts_on=event.starts_on, ends_on=event.ends_on, edition=event.edition,
                            holiday_on=event.holiday_on, provisional=event.provisional, created_by_id=actor_id,
                            created_at=now)
        try:  # (township, year, key) is unique: of two generations at once, the second skips it
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
        except IntegrityError:
            continue
        after = snapshot(row, EVENT_TRAIL)
        after["year"] = year
        audit_record(actor_id=actor_id, action="create", record=row, township_id=township_id, at=now, after=after)
        made += 1
    return made, [e.name for e in planned if e.provisional]


def event_create(*, scope: Scope, actor_id: int | None, year: int, data: EventInput, now: datetime) -> CampaignEvent:
    """The office's own event; the same form sent twice (or at once) makes one."""
    township_id = require_planner(scope)
    if data.starts_on.year != year:
        raise CampaignInvalid({"starts_on": _("Choose a start date in %(year)d.", year=year)})
    if data.request_key and (made := _event_of_key(data.request_key)) is not None:
        return made
    row = CampaignEvent(township_id=township_id, year=year, name=data.name, starts_on=data.starts_on,
                        ends_on=data.ends_on, note=data.note, created_by_id=actor_id, created_at=now,
                        request_key=data.request_key)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # the same form at the same moment: the other request made it
        if data.request_key and (made := _event_of_key(data.request_key)) is not None:
            return made
        raise
    after = snapshot(row, EVENT_TRAIL)
    after["year"] = year
    audit_record(actor_id=actor_id, action="create", record=row, township_id=township_id, at=now, after=after)
    return row


def event_update(*, scope: Scope, actor_id: int | None, event: CampaignEvent, data: EventInput,
                 now: datetime) -> CampaignEvent:
    """Change an event's name, dates or note; a built-in event so changed is never regenerated."""
    require_planner(scope)
    if data.starts_on.year != event.year:
        raise CampaignInvalid({"starts_on": _("Choose a start date in %(year)d.", year=event.year)})
    before = snapshot(event, EVENT_TRAIL)
    event.name, event.starts_on, event.ends_on, event.note = data.name, data.starts_on, data.ends_on, data.note
    after = snapshot(event, EVENT_TRAIL)
    if after != before:
        event.edited = True
        audit_record(actor_id=actor_id, action="update", record=event, township_id=event.township_id, at=now,
                     before={k: v for k, v in before.items() if after[k] != v},
                     after={k: v for k, v in after.items() if before[k] != v})
    db.session.flush()
    return event


def _event_of_key(key: str) -> CampaignEvent | None:
    return db.session.scalar(sa.select(CampaignEvent).where(CampaignEvent.request_key == key))


# --- campaigns --------------------------------------------------------------------------------

def campaign_create(*, scope: Scope, actor_id: int | None, data: CampaignInput, tasks: TasksInput,
                    now: datetime) -> Campaign:
    """A campaign with its first task for each place chosen; the same form sent twice (or at
    once) makes one campaign."""
    township_id = require_planner(scope)
    if data.request_key and (made := _campaign_of_key(data.request_key)) is not None:
        return made
    _check_due(data.starts_on, data.ends_on, tasks.due_on)
    places = _places(township_id, tasks)
    _check_event(township_id, data)
    if (made := _refuse_same_campaign(township_id, data)) is not None:
        return made
    campaign = Campaign(township_id=township_id, event_id=data.event_id, name=data.name, starts_on=data.starts_on,
                        ends_on=data.ends_on, description=data.description, created_by_id=actor_id,
                        created_at=now, request_key=data.request_key)
    try:
        with db.session.begin_nested():
            db.session.add(campaign)
            db.session.flush()
    except IntegrityError:
        if data.request_key and (made := _campaign_of_key(data.request_key)) is not None:
            return made
        if (made := _refuse_same_campaign(township_id, data)) is not None:  # the same campaign, at once
            return made
        raise
    added = _insert_tasks(campaign, places, tasks, now)
    after = snapshot(campaign, CAMPAIGN_TRAIL)
    after["tasks"] = added
    after["task_title"] = tasks.title
    audit_record(actor_id=actor_id, action="create", record=campaign, township_id=township_id, at=now, after=after)
    return campaign


def tasks_add(*, scope: Scope, actor_id: int | None, campaign: Campaign, data: TasksInput, now: datetime) -> int:
    """Give a task to more places; a place that has a task of that title already is left as it
    is, so the same form twice adds nothing more. Returns the tasks added."""
    require_planner(scope)
    if not campaign.is_active:
        raise DomainError(_("Tasks are added only while the campaign is under way."))
    _check_due(campaign.starts_on, campaign.ends_on, data.due_on)
    places = _places(campaign.township_id, data)
    added = _insert_tasks(campaign, places, data, now)
    if added:
        audit_record(actor_id=actor_id, action="add_tasks", record=campaign, township_id=campaign.township_id,
                     at=now, after={"task_title": data.title, "due_on": data.due_on.isoformat(), "tasks": added})
    return added


def _check_due(starts_on: date, ends_on: date, due_on: date) -> None:
    """A task falls due within its campaign's days."""
    if not starts_on <= due_on <= ends_on:
        raise CampaignInvalid({"due_on": _("The due date must be within the campaign (%(start)s to %(end)s).",
                                           start=starts_on.isoformat(), end=ends_on.isoformat())})


def _insert_tasks(campaign: Campaign, places: list[tuple[int, int | None]], data: TasksInput, now: datetime) -> int:
    """Insert the tasks the campaign lacks, in one statement; when another request added some at
    the same moment (the unique key refuses the batch), one at a time, skipping those."""
    have = set(db.session.scalars(sa.select(CampaignTask.place_key).where(
        CampaignTask.campaign_id == campaign.id, CampaignTask.title == data.title)))
    rows = [{"campaign_id": campaign.id, "township_id": campaign.township_id, "village_id": village_id,
             "unit_id": unit_id, "place_key": CampaignTask.key_of(village_id, unit_id), "title": data.title,
             "due_on": data.due_on, "created_at": now} for village_id, unit_id in places]
    rows = [row for row in rows if row["place_key"] not in have]
    if not rows:
        return 0
    try:
        with db.session.begin_nested():
            db.session.execute(sa.insert(CampaignTask), rows)
        added = len(rows)
    except IntegrityError:
        added = 0
        for row in rows:
            try:
                with db.session.begin_nested():
                    db.session.execute(sa.insert(CampaignTask), [row])
                added += 1
            except IntegrityError:
                continue
    counts.refresh(campaign.id)
    return added


def _places(township_id: int, data: TasksInput) -> list[tuple[int, int | None]]:
    """(village, unit) of every place chosen: active villages of the township, active units in them."""
    villages = sa.select(Village.id).where(Village.township_id == township_id, Village.active)
    chosen = villages if data.all_villages else villages.where(Village.id.in_(data.village_ids))
    found = [(village_id, None) for village_id in db.session.scalars(chosen.order_by(Village.name, Village.id))]
    units = [(village_id, unit_id) for village_id, unit_id in db.session.execute(
        sa.select(Unit.village_id, Unit.id).join(Village, Village.id == Unit.village_id)
        .where(Unit.id.in_(data.unit_ids), Unit.active, Village.township_id == township_id, Village.active)
        .order_by(Unit.name, Unit.id))] if data.unit_ids else []
    if (not data.all_villages and len(found) != len(data.village_ids)) or len(units) != len(data.unit_ids):
        raise CampaignInvalid({"village_ids": _("Choose villages and units from the register.")})
    return found + [(village_id, unit_id) for village_id, unit_id in units]


def _check_event(township_id: int, data: CampaignInput) -> None:
    if data.event_id is None:
        return
    found = db.session.scalar(sa.select(CampaignEvent.id).where(CampaignEvent.id == data.event_id,
                                                                CampaignEvent.township_id == township_id))
    if found is None:
        raise CampaignInvalid({"event": _("The calendar event was not found; start from the calendar again.")})


def campaign_move(*, scope: Scope, actor_id: int | None, campaign: Campaign, move: str, now: datetime) -> Campaign:
    """Close, reopen or cancel, by one conditional UPDATE: of two clicks at once one moves it."""
    require_planner(scope)
    step = MOVES[move]
    before = campaign.status
    stamps: dict[str, object] = {"closed_at": now} if move == "close" else {"closed_at": None}
    moved = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        sa.update(Campaign).where(Campaign.id == campaign.id, step.clause(Campaign.status))
        .values(status=step.target, **stamps).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(campaign)
    if not moved:
        if campaign.status == step.target:
            return campaign  # the same click, twice
        raise DomainError(_("This campaign is %(status)s; that cannot be done now.",
                            status=CampaignStatus.label_of(campaign.status)))
    audit_record(actor_id=actor_id, record=campaign, township_id=campaign.township_id, at=now,
                 action={"close": "close", "reopen": "reopen", "cancel": "cancel"}[move],
                 before={"status": before}, after={"status": campaign.status})
    return campaign


def _refuse_same_campaign(township_id: int, data: CampaignInput) -> Campaign | None:
    """A township runs one campaign of a title starting on a day (a cancelled one leaves room):
    the form sent again with a new key (Back, then submit) is refused, naming the first; the
    same key again (made a moment ago) finds its campaign."""
    same = db.session.scalar(sa.select(Campaign).where(
        Campaign.township_id == township_id, Campaign.name == data.name, Campaign.starts_on == data.starts_on,
        Campaign.status != CampaignStatus.CANCELLED))
    if same is not None and data.request_key and same.request_key == data.request_key:
        return same
    if same is not None:
        raise CampaignInvalid({"name": _("The campaign \"%(name)s\" starting %(day)s exists already (No. %(id)s).",
                                         name=same.name, day=same.starts_on.isoformat(), id=same.id)})
    return None


def _campaign_of_key(key: str) -> Campaign | None:
    return db.session.scalar(sa.select(Campaign).where(Campaign.request_key == key))


# --- settings ---------------------------------------------------------------------------------

def settings_save(*, scope: Scope, actor_id: int | None, data: SettingsInput, now: datetime) -> CampaignSettings:
    """The office's reminder days (one row per township, made on the first save)."""
    township_id = require_planner(scope)
    row = db.session.scalar(sa.select(CampaignSettings).where(CampaignSettings.township_id == township_id))
    start, due = yearly.reminder_defaults()
    if row is None:
        row = CampaignSettings(township_id=township_id, days_before_start=start, days_before_due=due)
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
        except IntegrityError:  # another save made the row a moment ago
            row = db.session.scalars(sa.select(CampaignSettings).where(
                CampaignSettings.township_id == township_id)).one()
    before = snapshot(row, ("days_before_start", "days_before_due"))
    row.days_before_start, row.days_before_due = data.days_before_start, data.days_before_due
    row.updated_by_id, row.updated_at = actor_id, now
    after = snapshot(row, ("days_before_start", "days_before_due"))
    if after != before:
        audit_record(actor_id=actor_id, action="update", record=row, township_id=township_id, at=now,
                     before=before, after=after)
    db.session.flush()
    return row
