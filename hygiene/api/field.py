"""The offline field app's operations (docs/field-contract.md): the bundle of the inspector's open
work, answers written all at once, photos and the submission made once, and the office's ad hoc
request. Every rule is the inspections domain's (fieldwork, offline, adhoc); this module reads the
request and shapes the answer."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from hygiene.api.views import api
from hygiene.clock import local_today, now_utc
from hygiene.core.input import MAX_DB_INT
from hygiene.core.web import current_scope
from hygiene.inspections import offline
from hygiene.inspections.models import Answer, Inspection
from hygiene.media.models import Photo

TAG = "field"
ID = Annotated[int, Field(ge=1, le=MAX_DB_INT)]
CLIENT_ID = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{7,63}$",
                                 description="An id the client made (a UUID): a resend with it finds the first")]
NUMBER = "A decimal number as a string (\"87.5\")"


def _number(value: Decimal | None) -> str | None:
    """A Decimal as people write it: "10" rather than "10.00" (NUMBER)."""
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class ItemOut(BaseModel):
    id: int
    text: str
    points: str = Field(description=NUMBER)
    scoring: Literal["pass_fail", "deduction", "grade"]
    deduction_step: str | None = Field(description=NUMBER)
    veto: bool
    photo_on_fail: bool
    guidance: str


class SectionOut(BaseModel):
    title: str
    items: list[ItemOut]


class ChecklistOut(BaseModel):
    name: str
    pass_mark: str = Field(description=NUMBER)
    sections: list[SectionOut]


class AnswerOut(BaseModel):
    item_id: int
    result: Literal["pass", "fail", "na"] | None
    findings: int
    grade: str | None = Field(description=NUMBER)
    note: str
    updated_at: datetime = Field(description="Send it back as base_updated_at when changing this answer")


class PhotoRef(BaseModel):
    id: int
    item_id: int | None
    client_id: str | None


class AssignmentOut(BaseModel):
    id: int
    status: Literal["planned", "in_progress"]
    target_kind: str = Field(description="village, unit, household, cleaner, ...")
    target_id: int
    target_label: str
    planned_date: date
    due_date: date
    review_comment: str = Field(description="The office's comment when it sent the inspection back")
    sent_back: bool
    version_id: int
    checklist: ChecklistOut
    answers: list[AnswerOut]
    photos: list[PhotoRef]
    etag: str = Field(description="Changes when the office changes the inspection (status, dates, inspectors)")


class AssignmentsOut(BaseModel):
    server_time: datetime
    inspections: list[AssignmentOut]


def _answer(answer: Answer) -> AnswerOut:
    return AnswerOut(item_id=answer.item_id, result=answer.result, findings=answer.findings,  # type: ignore[arg-type]
                     grade=_number(answer.grade), note=answer.note, updated_at=answer.updated_at)


def _checklist(inspection: Inspection) -> ChecklistOut:
    version = inspection.version
    return ChecklistOut(name=version.name, pass_mark=_number(version.pass_mark) or "0", sections=[
        SectionOut(title=section.title, items=[ItemOut(
            id=item.id, text=item.text, points=_number(item.points) or "0", scoring=item.scoring,  # type: ignore[arg-type]
            deduction_step=_number(item.deduction_step), veto=item.veto, photo_on_fail=item.photo_on_fail,
            guidance=item.guidance) for item in section.items])
        for section in version.sections])


def _assignment(inspection: Inspection, photos: list[Photo]) -> AssignmentOut:
    return AssignmentOut(
        id=inspection.id, status=inspection.status, target_kind=inspection.target_kind,  # type: ignore[arg-type]
        target_id=inspection.target_id, target_label=inspection.target_label,
        planned_date=inspection.planned_date, due_date=inspection.due_date,
        review_comment=inspection.review_comment or "", sent_back=inspection.is_sent_back,
        version_id=inspection.version_id, checklist=_checklist(inspection),
        answers=[_answer(a) for a in sorted(inspection.answers, key=lambda a: a.item_id)],
        photos=[PhotoRef(id=p.id, item_id=p.item_id, client_id=p.client_id) for p in photos],
        etag=offline.inspection_etag(inspection))


@api.operation("GET", "/field/assignments", tag=TAG, summary="The token user's open inspections, to fill offline",
               response=AssignmentsOut, description=(
                   "Planned, in progress or sent back, assigned to the token's user, planned up to 7 days "
                   "ahead or overdue (the agenda's), each with its checklist, answers and photos."))
def field_assignments() -> AssignmentsOut:
    inspections = offline.field_assignments(scope=current_scope(), user_id=current_user.id, today=local_today())
    photos = offline.photos_of([i.id for i in inspections])
    return AssignmentsOut(server_time=now_utc(),
                          inspections=[_assignment(i, photos.get(i.id, [])) for i in inspections])
