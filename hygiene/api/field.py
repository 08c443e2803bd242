"""The offline field app's operations (docs/field-contract.md): the bundle of the inspector's open
work, answers written all at once, photos and the submission made once, and the office's ad hoc
request. Every rule is the inspections domain's (fieldwork, offline, adhoc); this module reads the
request and shapes the answer."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from flask import jsonify
from flask_login import current_user
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from werkzeug.datastructures import FileStorage

from hygiene.api.bilingual import both
from hygiene.api.errors import ErrorBody, Message, api_error
from hygiene.api.spec import BodyModel
from hygiene.api.views import api
from hygiene.clock import local_today, now_utc
from hygiene.core.input import MAX_DB_INT
from hygiene.core.web import committing, current_scope, photo_limits, photo_store
from hygiene.errors import DomainError
from hygiene.extensions import db
from hygiene.inspections import adhoc, fieldwork, offline, queries
from hygiene.inspections.models import Answer, Inspection
from hygiene.media.models import Photo

TAG = "field"


def _whole(value: Any) -> Any:
    """JSON Schema's integer admits 12.0: take it as 12 (a string stays refused, strictly)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


ID = Annotated[int, Field(ge=1, le=MAX_DB_INT), BeforeValidator(_whole)]
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


# --- writes ----------------------------------------------------------------------------------

class AnswerIn(BodyModel):
    item_id: ID
    result: Literal["pass", "fail", "na"] | None
    findings: Annotated[int, BeforeValidator(_whole)] = Field(0, ge=0, le=999)
    grade: str | None = Field(None, pattern=r"^[0-9]{1,4}(\.[0-9]{1,2})?$", description=NUMBER)
    note: str = Field("", max_length=fieldwork.NOTE_MAX_CHARS, pattern=r"^[^\x00]*$", description="No NUL")
    base_updated_at: Annotated[datetime | None, Field(strict=False)] = Field(
        None, description="The answer's updated_at the phone last saw; null when it saw none")


class AnswersIn(BodyModel):
    answers: list[AnswerIn] = Field(min_length=1, max_length=500)


class ScoreOut(BaseModel):
    score: str | None = Field(description=NUMBER + "; null while nothing can be scored")
    grade: str
    answered: int
    total: int


class AnswersOut(BaseModel):
    answers: list[AnswerOut]
    score: ScoreOut


class ConflictOut(BaseModel):
    item_id: int
    server: AnswerOut


class AnswersRefusedOut(BaseModel):
    """Refused: the inspection moved on (code cancelled, not_open) or, code answer_conflict, newer
    answers on the server differ from those sent (`conflicts`: the server's); nothing was saved"""

    error: ErrorBody
    conflicts: list[ConflictOut] | None = None


class Problem(BaseModel):
    item_id: int
    message: Message


class SubmitRefusedOut(BaseModel):
    """Refused: bad input, or code not_ready with what each item still lacks (`problems`)"""

    error: ErrorBody
    problems: list[Problem] | None = None


def _refusal(error: DomainError, **members: Any):
    """The API's error answer with more members beside "error" (the request is rolled back)."""
    db.session.rollback()
    body = api_error(error.status, error.message, code=getattr(error, "code", None)).get_json()
    response = jsonify(**body, **members)
    response.status_code = error.status
    return response


def _open_inspection(inspection_id: int) -> Inspection:
    return queries.inspection_get(scope=current_scope(), inspection_id=inspection_id)


@api.operation("PUT", "/inspections/{inspection_id}/answers", tag=TAG, summary="Save answers, all or none",
               body=AnswersIn, response=AnswersOut, extra_responses={409: AnswersRefusedOut}, description=(
                   "Each answer with the updated_at the phone last saw (base_updated_at): a newer answer on "
                   "the server that differs refuses the whole request (409 answer_conflict); sending what "
                   "the server holds is no conflict. A wrong answer refuses them all (422, `fields` by item id)."))
def answers_put(inspection_id: int, body: AnswersIn):
    inspection = _open_inspection(inspection_id)
    sent = [offline.SentAnswer(a.item_id, a.result, a.findings, a.grade, a.note, a.base_updated_at)
            for a in body.answers]
    try:
        with committing():
            written = offline.answers_put(scope=current_scope(), user=current_user, inspection=inspection,
                                          answers=sent, now=now_utc())
    except offline.AnswerConflict as conflict:
        return _refusal(conflict, conflicts=[ConflictOut(item_id=a.item_id, server=_answer(a)).model_dump(
            mode="json") for a in conflict.answers])
    return AnswersOut(answers=[_answer(a) for a in written], score=_score(inspection))


def _score(inspection: Inspection) -> ScoreOut:
    now = offline.score_now(inspection)
    return ScoreOut(score=_number(now.score), grade=now.grade, answered=now.answered, total=now.total)


class PhotoForm(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, arbitrary_types_allowed=True)

    photo: Any = Field(json_schema_extra={"type": "string", "format": "binary"},
                       description="The photo (JPEG, PNG, HEIC, ...), with its EXIF")
    client_id: CLIENT_ID
    item_id: ID | None = Field(None, description="The checklist item it shows; leave out for the whole inspection")

    @field_validator("item_id", mode="before")
    @classmethod
    def _none(cls, value: Any) -> Any:
        return None if value in ("", "null") else value  # a form sends no null: empty, or the word

    @field_validator("photo")
    @classmethod
    def _a_file(cls, value: Any) -> Any:
        if not isinstance(value, FileStorage) or not value.filename:
            raise ValueError("Choose a photo first.")
        return value


class PhotoOut(BaseModel):
    id: int
    client_id: str | None
    item_id: int | None
    width: int
    height: int
    flags: list[str] = Field(description="What a reviewer should look at (reused, no capture time, ...)")


@api.operation("POST", "/inspections/{inspection_id}/photos", tag=TAG, summary="Add a photo, once by its client id",
               form=PhotoForm, response=PhotoOut, status=201, extra_responses={200: PhotoOut}, description=(
                   "201 when stored now, 200 when this client_id was stored before (a resend). Capture time "
                   "and place come from the photo's own EXIF."))
def photo_post(inspection_id: int, form: PhotoForm):
    inspection = _open_inspection(inspection_id)
    with committing():
        photo, made = offline.photo_attach_once(
            scope=current_scope(), user=current_user, inspection=inspection, client_id=form.client_id,
            item_id=form.item_id, filename=form.photo.filename, data=form.photo.read(), store=photo_store(),
            limits=photo_limits(), now=now_utc())
    out = PhotoOut(id=photo.id, client_id=photo.client_id, item_id=photo.item_id, width=photo.width,
                   height=photo.height, flags=[str(f) for f in photo.flags or []])
    return out, 201 if made else 200


class SubmitIn(BodyModel):
    submission_key: CLIENT_ID


class SubmittedOut(BaseModel):
    id: int
    status: Literal["submitted", "published"]
    score: str | None = Field(description=NUMBER)
    grade: str
    passed: bool | None


@api.operation("POST", "/inspections/{inspection_id}/submit", tag=TAG, summary="Submit, once by its key",
               body=SubmitIn, response=SubmittedOut, extra_responses={422: SubmitRefusedOut}, description=(
                   "A repeat with the same submission_key answers as the first did. Not ready: 422 not_ready "
                   "with each item's problem."))
def submit(inspection_id: int, body: SubmitIn):
    inspection = _open_inspection(inspection_id)
    try:
        with committing():
            fieldwork.inspection_submit(scope=current_scope(), user=current_user, inspection=inspection,
                                        submission_key=body.submission_key, now=now_utc())
    except fieldwork.SubmissionRefused as refused:
        return _refusal(refused, problems=[{"item_id": item_id, "message": both(message)}
                                           for item_id, message in refused.problems.items()])
    return SubmittedOut(id=inspection.id, status=inspection.status, score=_number(inspection.score),  # type: ignore[arg-type]
                        grade=inspection.grade, passed=inspection.passed)


class AdHocIn(BodyModel):
    client_id: CLIENT_ID
    target_kind: Literal["village", "unit", "household"]
    target_id: ID
    template_code: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_-]+$")
    planned_date: Annotated[date, Field(strict=False)]
    due_date: Annotated[date | None, Field(strict=False)] = Field(
        None, description="Left out: a week after the planned date")
    inspector_ids: list[ID] | None = Field(None, min_length=1, max_length=50,
                                           description="Left out: the token's user")


class InspectionOut(BaseModel):
    id: int
    client_id: str | None
    status: str
    target_kind: str
    target_id: int
    target_label: str
    planned_date: date
    due_date: date
    version_id: int
    inspector_ids: list[int]


@api.operation("POST", "/inspections", tag=TAG, summary="Ask for an inspection (the hygiene office), once by its client id",
               body=AdHocIn, response=InspectionOut, status=201, extra_responses={200: InspectionOut},
               description="201 when made now, 200 when this client_id made it before.")
def inspection_post(body: AdHocIn):
    with committing():
        inspection, made = adhoc.inspection_request_once(
            scope=current_scope(), actor=current_user, client_id=body.client_id, target_kind=body.target_kind,
            target_id=body.target_id, template_code=body.template_code, planned_on=body.planned_date,
            due_on=body.due_date, inspector_ids=body.inspector_ids, now=now_utc())
    out = InspectionOut(id=inspection.id, client_id=inspection.client_id, status=inspection.status,
                        target_kind=inspection.target_kind, target_id=inspection.target_id,
                        target_label=inspection.target_label, planned_date=inspection.planned_date,
                        due_date=inspection.due_date, version_id=inspection.version_id,
                        inspector_ids=[u.id for u in inspection.inspectors])
    return out, 201 if made else 200
