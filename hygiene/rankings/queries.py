"""Reads behind the ranking pages: explaining a score, publications and what changed."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.checklists.models import TemplateItem
from hygiene.core.periods import Period, parse_period
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.inspections.models import Answer, Inspection
from hygiene.inspections.status import InspectionStatus
from hygiene.media.models import Photo
from hygiene.places.models import Township
from hygiene.rankings.components import Subject
from hygiene.rankings.models import RankingPublication
from hygiene.rankings.movement import Movement, movement
from hygiene.rankings.services import Ranking, publication_current


@dataclass(frozen=True)
class Deduction:
    answer: Answer
    lost: Decimal
    photos: list[Photo]

    @property
    def item(self) -> TemplateItem:
        return self.answer.item


@dataclass(frozen=True)
class Explained:
    inspection: Inspection
    deductions: list[Deduction] = field(default_factory=list)


def live_rows(ranking: Ranking) -> list[dict]:
    """The live ranking in the shape of a published snapshot's rows, so one template shows both."""
    return [{"rank": r.rank, "id": r.candidate.id, "name": r.candidate.name, "reason": r.reason,
             "score": r.score, "components": r.candidate.components, "inspections": r.candidate.inspections,
             "overdue": r.candidate.overdue_orders} for r in ranking.rows]


def explain_inspections(*, subject: Subject, period: Period, candidate_id: int) -> list[Explained]:
    """The published inspections a candidate's inspection score is the mean of, each with
    the items that lost points and their photos (three queries, whatever the count)."""
    stmt = (sa.select(Inspection)
            .where(*subject.filters(Inspection), Inspection.status == InspectionStatus.PUBLISHED,
                   Inspection.planned_date.between(period.start, period.end),
                   subject.group_column(Inspection) == candidate_id)
            .options(joinedload(Inspection.version),
                     selectinload(Inspection.answers).joinedload(Answer.item).joinedload(TemplateItem.section))
            .order_by(Inspection.planned_date, Inspection.id))
    inspections = list(db.session.scalars(stmt))
    photos = _item_photos([i.id for i in inspections])
    return [Explained(i, _deductions(i, photos)) for i in inspections]


def _deductions(inspection: Inspection, photos: dict[tuple[int, int], list[Photo]]) -> list[Deduction]:
    lost = [a for a in inspection.answers if a.earned is not None and a.earned < a.item.points]
    lost.sort(key=lambda a: (a.item.section.position, a.item.position, a.item.id))
    return [Deduction(a, a.item.points - a.earned, photos.get((inspection.id, a.item_id), [])) for a in lost]


def _item_photos(inspection_ids: list[int]) -> dict[tuple[int, int], list[Photo]]:
    if not inspection_ids:
        return {}
    stmt = (sa.select(Photo).where(Photo.inspection_id.in_(inspection_ids), Photo.purpose == "inspection",
                                   Photo.item_id.is_not(None)).order_by(Photo.id))
    found: dict[tuple[int, int], list[Photo]] = {}
    for photo in db.session.scalars(stmt):
        found.setdefault((photo.inspection_id, photo.item_id), []).append(photo)
    return found


def publication_get(*, scope: Scope, publication_id: int) -> RankingPublication:
    """A publication of a township the scope covers, or NotFound (other townships' look absent)."""
    publication = db.session.get(RankingPublication, publication_id)
    if publication is None or not scope.covers_township(publication.township_id):
        raise NotFound("publication not found")
    return publication


@dataclass(frozen=True)
class PublicationContext:
    published_by: User | None
    corrects: RankingPublication | None
    corrected_by: list[RankingPublication]


def publication_context(publication: RankingPublication) -> PublicationContext:
    """Who published it, what it corrects, and the later publications that correct it."""
    later = sa.select(RankingPublication).where(RankingPublication.corrects_id == publication.id)
    return PublicationContext(
        published_by=db.session.get(User, publication.published_by_id) if publication.published_by_id else None,
        corrects=db.session.get(RankingPublication, publication.corrects_id) if publication.corrects_id else None,
        corrected_by=list(db.session.scalars(later.order_by(RankingPublication.id))))


def publication_previous(publication: RankingPublication) -> RankingPublication | None:
    """The standing publication of the period before, for the same township and subject."""
    return publication_current(township_id=publication.township_id, subject_key=publication.subject,
                               period_key=parse_period(publication.period_key).previous().key)


@dataclass(frozen=True)
class Change:
    name: str
    rank: int | None
    previous_rank: int | None
    score: str | None
    previous_score: str | None
    status: Movement

    @property
    def moved(self) -> int:
        return abs((self.previous_rank or 0) - (self.rank or 0))

    @property
    def move_text(self) -> str:
        return self.status.text(self.moved)

    @property
    def score_delta(self) -> Decimal | None:
        if self.score is None or self.previous_score is None:
            return None
        return Decimal(self.score) - Decimal(self.previous_score)


def rank_changes(rows: list[dict], previous_rows: list[dict]) -> list[Change]:
    """Rank by rank, how each name moved since the previous snapshot; then those that fell out."""
    before = {row["id"]: row for row in previous_rows}
    changes = [_change(row, before.get(row["id"])) for row in rows if row["rank"]]
    dropped = [Change(row["name"], None, old["rank"], row["score"], old["score"], Movement.DROPPED)
               for row in rows if not row["rank"] and (old := before.get(row["id"])) and old["rank"]]
    return changes + dropped


def _change(row: dict, old: dict | None) -> Change:
    if not old or not old["rank"]:
        return Change(row["name"], row["rank"], None, row["score"], old and old["score"], Movement.NEW)
    return Change(row["name"], row["rank"], old["rank"], row["score"], old["score"],
                  movement(row["rank"], old["rank"]))


def township_name(township_id: int) -> str:
    return db.session.scalar(sa.select(Township.name).where(Township.id == township_id)) or ""


@dataclass(frozen=True)
class Difference:
    """A candidate whose live figures are not what the standing publication shows."""

    id: int
    name: str
    published_rank: int | None
    published_score: Decimal | None
    live_rank: int | None
    live_score: Decimal | None
    published_inspections: int
    live_inspections: int


def publication_differences(publication: RankingPublication, live: list[dict]) -> list[Difference]:
    """The candidates whose rank, score or number of inspections moved since the publication,
    in live order; one that appeared or left counts too."""
    published = {row["id"]: row for row in publication.rows}
    found = []
    for row in live:
        old = published.pop(row["id"], None) or {"rank": None, "score": None, "inspections": 0}
        then = (old["rank"], _decimal(old["score"]), old["inspections"])
        now = (row["rank"], _decimal(row["score"]), row["inspections"])
        if then != now:
            found.append(Difference(row["id"], row["name"], *then[:2], *now[:2], then[2], now[2]))
    found += [Difference(old["id"], old["name"], old["rank"], _decimal(old["score"]), None, None,
                         old["inspections"], 0) for old in published.values()]
    return found


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def amendments_since(publication: RankingPublication, subject: Subject, period: Period) -> list:
    """The amendments of the period's inspections made after the publication: why figures moved."""
    from hygiene.audit.models import AuditEvent

    stmt = (sa.select(AuditEvent, Inspection).join(Inspection, sa.and_(
        AuditEvent.entity_type == "inspection", AuditEvent.entity_id == Inspection.id))
        .where(AuditEvent.action == "amend", AuditEvent.at >= publication.published_at,
               *subject.filters(Inspection), Inspection.planned_date.between(period.start, period.end))
        .options(joinedload(AuditEvent.actor)).order_by(AuditEvent.at, AuditEvent.id))
    return list(db.session.execute(stmt))
