"""The yearly follow-up sample (回头看抽查): the office draws N (or a share) of its township's toilets
accepted in that year or earlier, with a recorded seed so anyone can redraw the same households;
once per township and year (a second draw shows the first). A sampled toilet is checked: found
fine (kept as a stage event that changes no stage: from and to are its stage, the note says the
check) or with a problem (a ToiletProblem with source follow_up and the sample's id)."""
from __future__ import annotations

import math
import random
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record
from hygiene.errors import DomainError, Forbidden, InvalidFields, NotFound
from hygiene.extensions import db
from hygiene.toilets.models import HouseholdToilet, ToiletFollowUpSample, ToiletProblem, ToiletStageEvent
from hygiene.toilets.problem_schemas import CheckInput
from hygiene.toilets.status import DONE


def sample_size(raw: str, population: int) -> int:
    """How many to draw from "25" or "10%" (a share rounds up, so 10% of 5 is one), or refuse; a
    number above the toilets there are is refused with the most it can be."""
    text = (raw or "").strip().replace("％", "%")
    match = re.fullmatch(r"(\d{1,40})(\.\d{1,10})?\s*(%?)", text)
    if not match or (match.group(2) and not match.group(3)):
        raise InvalidFields({"size": _("Enter a number of toilets, or a share such as 10%.")})
    if match.group(3):
        share = float(match.group(1) + (match.group(2) or ""))
        if not 0 < share <= 100:
            raise InvalidFields({"size": _("A share is more than 0 and at most 100 per cent.")})
        return min(population, max(1, math.ceil(share * population / 100)))
    size = int(match.group(1))
    if size < 1:
        raise InvalidFields({"size": _("Enter a number of toilets, or a share such as 10%.")})
    if size > population:
        raise InvalidFields({"size": _(
            "At most %(n)d: only %(n)d accepted toilets can be drawn. Enter %(n)d or fewer, or 100%% to check "
            "them all.", n=population)})
    return size


def sample_reproduce(seed: str, population: list[int], size: int) -> list[int]:
    """Repeat a draw from its seed and population; anyone can check a recorded draw this way."""
    ordered = sorted(population)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))))


def population(township_id: int, year: int) -> list[int]:
    """The township's household toilets accepted in the year or earlier (paid ones too)."""
    t = HouseholdToilet
    return list(db.session.scalars(sa.select(t.id).where(
        t.township_id == township_id, t.stage.in_(DONE), t.accepted_on.is_not(None),
        t.accepted_on <= date(year, 12, 31)).order_by(t.id)))


def sample_for(*, scope: Scope, year: int, township_id: int | None = None) -> ToiletFollowUpSample | None:
    """The year's sample of the scope's township (a county admin names the township)."""
    return db.session.scalar(sa.select(ToiletFollowUpSample).where(
        scope.clause(ToiletFollowUpSample), ToiletFollowUpSample.township_id == (township_id or scope.township_id),
        ToiletFollowUpSample.year == year))


def sample_draw(*, scope: Scope, actor_id: int | None, year: int, size: str, now: datetime) -> ToiletFollowUpSample:
    """Draw the year's sample with a fresh recorded seed, or return the one drawn already."""
    if not (scope.is_admin and scope.township_id is not None):
        raise Forbidden(_("Only the hygiene office can do this."))
    if (drawn := sample_for(scope=scope, year=year)) is not None:
        return drawn
    ids = population(scope.township_id, year)
    if not ids:
        raise DomainError(_("No toilet was accepted by the end of %(year)d: there is nothing to sample.", year=year))
    seed = secrets.token_hex(8)
    sample = ToiletFollowUpSample(township_id=scope.township_id, year=year, seed=seed, population=ids,
                                  chosen=sample_reproduce(seed, ids, sample_size(size, len(ids))),
                                  drawn_by_id=actor_id, drawn_at=now)
    try:  # two office PCs at once: the unique (township, year) keeps the first draw
        with db.session.begin_nested():
            db.session.add(sample)
            db.session.flush()
    except IntegrityError:
        if (drawn := sample_for(scope=scope, year=year)) is not None:
            return drawn
        raise
    audit_record(actor_id=actor_id, action="create", record=sample, township_id=sample.township_id, at=now,
                 after={"year": year, "seed": seed, "population": len(ids), "chosen": len(sample.chosen)})
    return sample


def sample_get(*, scope: Scope, sample_id: int) -> ToiletFollowUpSample:
    sample = db.session.scalar(sa.select(ToiletFollowUpSample).where(
        ToiletFollowUpSample.id == sample_id, scope.clause(ToiletFollowUpSample)))
    if sample is None:
        raise NotFound("sample not found")
    return sample


@dataclass(frozen=True)
class SampledToilet:
    toilet: HouseholdToilet
    fine_on: date | None           # checked and found fine on
    problems: list[ToiletProblem]  # found by this sample's check


def sampled(sample: ToiletFollowUpSample) -> list[SampledToilet]:
    """The chosen toilets with what their check found (three queries)."""
    toilets = list(db.session.scalars(sa.select(HouseholdToilet).where(HouseholdToilet.id.in_(sample.chosen))
                                      .options(joinedload(HouseholdToilet.household),
                                               joinedload(HouseholdToilet.village))
                                      .order_by(HouseholdToilet.village_id, HouseholdToilet.id)))
    fine: dict[int | None, date] = {toilet_id: day for toilet_id, day in db.session.execute(
        sa.select(ToiletStageEvent.toilet_id, sa.func.max(ToiletStageEvent.happened_on))
        .where(*_check_events(sample)).group_by(ToiletStageEvent.toilet_id))}
    found: dict[int, list[ToiletProblem]] = {}
    for problem in db.session.scalars(sa.select(ToiletProblem).where(ToiletProblem.sample_id == sample.id)
                                      .order_by(ToiletProblem.id)):
        found.setdefault(problem.toilet_id or 0, []).append(problem)
    return [SampledToilet(t, fine.get(t.id), found.get(t.id, [])) for t in toilets]


def _check_events(sample: ToiletFollowUpSample) -> tuple[sa.ColumnElement[bool], ...]:
    e = ToiletStageEvent
    return (e.toilet_id.in_(sample.chosen), e.from_stage == e.to_stage, e.created_at >= sample.drawn_at)


def sample_check_fine(*, scope: Scope, actor_id: int | None, sample: ToiletFollowUpSample, data: CheckInput,
                      now: datetime) -> ToiletStageEvent | None:
    """Record a sampled toilet checked and found fine: a stage event that changes no stage."""
    if not (scope.is_admin and scope.covers_township(sample.township_id)):
        raise Forbidden(_("Only the hygiene office can do this."))
    toilet = chosen_toilet(sample, data.toilet_id)
    if data.request_key and db.session.scalar(sa.select(ToiletStageEvent).where(
            ToiletStageEvent.request_key == data.request_key)) is not None:
        return None
    note = _("Follow-up check (回头看): no problem found.") + (f" {data.note}" if data.note else "")
    event = ToiletStageEvent(township_id=toilet.township_id, village_id=toilet.village_id, toilet_id=toilet.id,
                             from_stage=toilet.stage, to_stage=toilet.stage, happened_on=data.checked_on,
                             note=note, actor_id=actor_id, request_key=data.request_key, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(event)
            db.session.flush()
    except IntegrityError:
        if data.request_key:
            return None
        raise
    audit_record(actor_id=actor_id, action="check", record=toilet, township_id=toilet.township_id, at=now,
                 after={"checked_on": data.checked_on.isoformat(), "note": note})
    return event


def chosen_toilet(sample: ToiletFollowUpSample, toilet_id: int | None) -> HouseholdToilet:
    """A toilet of the sample, or refuse (a toilet not drawn is no sample's check)."""
    if toilet_id is None or toilet_id not in sample.chosen:
        raise InvalidFields({"toilet_id": _("This toilet is not in the sample.")})
    return db.session.get_one(HouseholdToilet, toilet_id)
