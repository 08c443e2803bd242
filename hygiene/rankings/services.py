"""Period rankings: settings, computing, explaining, and publishing frozen snapshots."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record
from hygiene.core.periods import Period
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.places.models import Unit, Village
from hygiene.rankings import notices
from hygiene.rankings.components import COMPONENTS, Subject
from hygiene.rankings.maths import Candidate, Ranked, check_weights, rank
from hygiene.rankings.models import RankingPublication, RankingSettings
from hygiene.rankings.public.pages import pages_forget
from hygiene.rankings.schemas import RankingInvalid, RankingSettingsInput
from hygiene.rectifications.models import RectificationOrder

DEFAULT_MIN_INSPECTIONS = 2   # one lucky check does not make a rank
DEFAULT_LIST_SIZE = 3         # names on the red and on the black list


@dataclass(frozen=True)
class Ranking:
    subject: Subject
    period: Period
    rows: list[Ranked]
    weights: dict[str, Decimal]
    min_inspections: int
    list_size: int


def settings_for(township_id: int) -> RankingSettings:
    """The township's settings, or the documented defaults (90 inspections / 10 on time, min 2)."""
    found = db.session.get(RankingSettings, township_id)
    return found or RankingSettings(township_id=township_id, min_inspections=DEFAULT_MIN_INSPECTIONS,
                                    list_size=DEFAULT_LIST_SIZE,
                                    weights={c.key: str(c.default_weight) for c in COMPONENTS})


def settings_save(*, scope: Scope, actor_id: int, township_id: int,
                  data: RankingSettingsInput) -> RankingSettings:
    """Set the weights and minimums; weights adding up to zero are refused."""
    _check_office(scope, township_id)
    weights, minimum, size = data.weights(), data.min_inspections, data.list_size
    if check_weights(weights):
        raise RankingInvalid({"weights": _("Weights must not be negative, and at least one must be "
                                           "above zero.")})
    settings = db.session.get(RankingSettings, township_id) or RankingSettings(township_id=township_id)
    before = dict(settings.weights or {}), settings.min_inspections
    settings.weights = {k: str(v) for k, v in weights.items()}
    settings.min_inspections, settings.list_size, settings.updated_by_id = minimum, size, actor_id
    db.session.add(settings)
    audit_record(actor_id=actor_id, action="update", record=settings,
                 township_id=township_id, before={"weights": before[0], "min": before[1]},
                 after={"weights": settings.weights, "min": minimum})
    return settings


def ranking_compute(*, subject: Subject, period: Period) -> Ranking:
    """Score every candidate from the registered components and rank them."""
    settings = settings_for(subject.township_id)
    # a component that joined after the settings were saved weighs its default (pest control: 0)
    weights = {c.key: c.default_weight for c in COMPONENTS} | {k: Decimal(v) for k, v in settings.weights.items()}
    values = {c.key: c.compute(subject, period) for c in COMPONENTS}
    candidates = [Candidate(
        id=cid, name=name,
        components={key: per.get(cid, {}).get("value") for key, per in values.items()},
        inspections=values["inspections"].get(cid, {}).get("count", 0),
        overdue_orders=values["rectification"].get(cid, {}).get("overdue", 0),
        details={key: per.get(cid) for key, per in values.items() if per.get(cid)})
        for cid, name in _candidates(subject)]
    return Ranking(subject, period, rank(candidates, weights, min_inspections=settings.min_inspections),
                   weights, settings.min_inspections, settings.list_size)


def _candidates(subject: Subject) -> list[tuple[int, str]]:
    if subject.kind == "villages":
        stmt = sa.select(Village.id, Village.name).where(
            Village.township_id == subject.township_id, Village.active.is_(True))
    else:
        stmt = (sa.select(Unit.id, Village.name + " · " + Unit.name).join(Village, Unit.village_id == Village.id)
                .where(Village.township_id == subject.township_id, Unit.category == subject.category,
                       Unit.active.is_(True)))
    return list(db.session.execute(stmt.order_by(Village.id if subject.kind == "villages" else Unit.id)))


def ranking_publish(*, scope: Scope, actor_id: int, subject: Subject, period: Period, today: date,
                    now: datetime, note: str = "", corrects: RankingPublication | None = None) -> RankingPublication:
    """Freeze the period's ranking; refused while the period runs or when it has no inspections."""
    _check_office(scope, subject.township_id)
    if not period.is_over(today):
        raise DomainError(_("The period %(period)s is not over yet; publish it after %(end)s.",
                            period=period.key, end=period.end.isoformat()))
    ranking = ranking_compute(subject=subject, period=period)
    if not any(r.candidate.inspections for r in ranking.rows):
        raise DomainError(_("No inspection of %(period)s has been published; there is nothing to rank.",
                            period=period.key))
    if corrects is not None and not (note or "").strip():
        raise DomainError(_("Say what the correction corrects."), field="note")
    rows = [_snapshot_row(r) for r in ranking.rows]
    if corrects is not None and rows == corrects.rows and (note or "").strip() == corrects.note:
        return corrects  # the same correction again (a double tap, a resend): it is published
    ranked = [row for row in rows if row["rank"]]
    publication = RankingPublication(
        township_id=subject.township_id, subject=subject.key, period_key=period.key, published_at=now,
        published_by_id=actor_id, corrects_id=corrects.id if corrects else None, note=(note or "").strip(),
        weights={k: str(v) for k, v in ranking.weights.items()}, min_inspections=ranking.min_inspections,
        rows=rows, red_list=ranked[:ranking.list_size],
        black_list=list(reversed(ranked[-ranking.list_size:])) if len(ranked) > ranking.list_size else [],
        overdue_orders=_overdue_orders(subject, today))
    db.session.add(publication)
    db.session.flush()
    pages_forget(subject.township_id)  # every process shows the new publication at once
    audit_record(actor_id=actor_id, action="publish", record=publication, at=now,
                 township_id=subject.township_id,
                 after={"period": period.key, "subject": subject.key, "corrects": publication.corrects_id,
                        "note": publication.note})
    notices.tell_published(publication, now)
    return publication


def _snapshot_row(row: Ranked) -> dict:
    c = row.candidate
    return {"rank": row.rank, "id": c.id, "name": c.name, "reason": row.reason,
            "score": str(row.score) if row.score is not None else None,
            "components": {k: str(v) if v is not None else None for k, v in c.components.items()},
            "inspections": c.inspections, "overdue": c.overdue_orders,
            "details": {k: {kk: str(vv) for kk, vv in v.items()} for k, v in c.details.items()}}


def _overdue_orders(subject: Subject, today: date) -> list[dict]:
    order = RectificationOrder
    stmt = (sa.select(order).where(*subject.filters(order), order.overdue_clause(today))
            .order_by(order.deadline).limit(100))
    return [{"number": o.display_number, "target": o.target_label, "deadline": o.deadline.isoformat()}
            for o in db.session.scalars(stmt)]


def publications_of(*, township_id: int, subject_key: str | None = None) -> list[RankingPublication]:
    """A township's publications, newest first (corrections included)."""
    stmt = sa.select(RankingPublication).where(RankingPublication.township_id == township_id)
    if subject_key:
        stmt = stmt.where(RankingPublication.subject == subject_key)
    return list(db.session.scalars(stmt.order_by(RankingPublication.period_key.desc(),
                                                 RankingPublication.id.desc())))


def publication_current(*, township_id: int, subject_key: str, period_key: str) -> RankingPublication | None:
    """The latest publication of a period (a correction replaces what it corrects)."""
    return db.session.scalar(sa.select(RankingPublication).where(
        RankingPublication.township_id == township_id, RankingPublication.subject == subject_key,
        RankingPublication.period_key == period_key).order_by(RankingPublication.id.desc()).limit(1))


def _check_office(scope: Scope, township_id: int) -> None:
    if not (scope.is_admin and scope.covers_township(township_id)):
        raise Forbidden(_("Only the hygiene office publishes rankings."))


