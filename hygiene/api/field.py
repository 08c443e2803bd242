"""The offline field app's operations (docs/field-contract.md): the bundle of the inspector's open
work, answers written all at once, photos and the submission made once, and the office's ad hoc
request. Every rule is the inspections domain's (fieldwork, offline, adhoc); this module reads the
request and shapes the answer."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user

from hygiene.api.bilingual import both
from hygiene.api.errors import api_error
from hygiene.api.field_models import (
    AdHocIn,
    AnswerOut,
    AnswersIn,
    AnswersOut,
    AnswersRefusedOut,
    AssignmentOut,
    AssignmentsOut,
    ChecklistOut,
    ConflictOut,
    InspectionOut,
    ItemOut,
    PhotoForm,
    PhotoOut,
    PhotoRef,
    ScoreOut,
    SectionOut,
    SubmitIn,
    SubmitRefusedOut,
    SubmittedOut,
    plain_number,
)
from hygiene.api.views import api
from hygiene.clock import local_today, now_utc
from hygiene.core.web import committing, current_scope, photo_limits, photo_store
from hygiene.errors import DomainError
from hygiene.extensions import db
from hygiene.inspections import adhoc, fieldwork, offline, queries
from hygiene.inspections.models import Answer, Inspection
from hygiene.media.models import Photo

TAG = "field"


def _answer(answer: Answer) -> AnswerOut:
    return AnswerOut(item_id=answer.item_id, result=answer.result, findings=answer.findings,  # type: ignore[arg-type]
                     grade=plain_number(answer.grade), note=answer.note, updated_at=answer.updated_at)


def _checklist(inspection: Inspection) -> ChecklistOut:
    version = inspection.version
    return ChecklistOut(name=version.name, pass_mark=plain_number(version.pass_mark) or "0", sections=[
        SectionOut(title=section.title, items=[ItemOut(
            id=item.id, text=item.text, points=plain_number(item.points) or "0", scoring=item.scoring,  # type: ignore[arg-type]
            deduction_step=plain_number(item.deduction_step), veto=item.veto, photo_on_fail=item.photo_on_fail,
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
    return ScoreOut(score=plain_number(now.score), grade=now.grade, answered=now.answered, total=now.total)


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
    return SubmittedOut(id=inspection.id, status=inspection.status, score=plain_number(inspection.score),  # type: ignore[arg-type]
                        grade=inspection.grade, passed=inspection.passed)


@api.operation("POST", "/inspections", tag=TAG, summary="Ask for an inspection (the hygiene office), once by its client id",
               body=AdHocIn, response=InspectionOut, status=201, extra_responses={200: InspectionOut},
               description="201 when made now, 200 when this client_id made it before.")
def inspection_post(body: AdHocIn):
    with committing():
        inspection, made = adhoc.inspection_request_once(
            scope=current_scope(), actor=current_user, client_id=body.client_id, target_kind=body.target_kind,
            target_id=body.target_id, template_code=body.template_code, template_id=body.template_id,
            planned_on=body.planned_date,
            due_on=body.due_date, inspector_ids=body.inspector_ids, now=now_utc())
    out = InspectionOut(id=inspection.id, client_id=inspection.client_id, status=inspection.status,
                        target_kind=inspection.target_kind, target_id=inspection.target_id,
                        target_label=inspection.target_label, planned_date=inspection.planned_date,
                        due_date=inspection.due_date, version_id=inspection.version_id,
                        inspector_ids=[u.id for u in inspection.inspectors])
    return out, 201 if made else 200
