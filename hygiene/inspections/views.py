"""Inspection pages: lists, the inspector's agenda, the field form, photo uploads, review
(photo downloads: hygiene/media/views.py)."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.audit.queries import events_for
from hygiene.clock import local_today, now_utc
from hygiene.core.web import (
    answers_json,
    attempt,
    committing,
    current_scope,
    form_step,
    paginated,
    photo_limits,
    photo_store,
    say_left_out,
)
from hygiene.errors import DomainError
from hygiene.extensions import db
from hygiene.inspections import fieldwork, formpost, queries, review, scoring
from hygiene.inspections.access import sees_inspection_results
from hygiene.inspections.adhoc import ACCEPTANCE_CHECKLISTS, is_acceptance
from hygiene.inspections.filters import list_filters
from hygiene.inspections.forms import parse_answers, posted_photos
from hygiene.inspections.status import LIST_FILTERS, InspectionStatus
from hygiene.media.models import Photo
from hygiene.media.reuse import photo_uses
from hygiene.places.queries import village_choices

bp = Blueprint("inspections", __name__, url_prefix="/inspections")
# links to a filtered list name the status by its enum, never as a string (the dashboard's too)
bp.add_app_template_global(InspectionStatus, "InspectionStatus")
bp.add_app_template_global(scoring.grade_scale, "grade_scale")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every inspection page needs a signed-in user."""


@bp.get("/")
def inspection_list():
    scope, today = current_scope(), local_today()
    filters, unread = list_filters(request.args)
    say_left_out(unread)
    filters["assigned_to"] = current_user.id if request.args.get("mine") else None
    stmt = queries.inspection_list_stmt(scope=scope, today=today, **filters)
    page = paginated(stmt, per_page=25)
    shown = [i.id for i in page.items]
    flagged = queries.flagged_photo_counts(shown) if scope.township_wide else None
    return render_template("inspections/list.html", page=page, filters=filters, today=today,
                           inspector_names=queries.inspector_names(shown),
                           villages=village_choices(scope) if scope.township_wide else [],
                           status_filters=LIST_FILTERS, scope=scope, flagged=flagged,
                           shows_results={i.id for i in page.items if sees_inspection_results(scope, i)})


@bp.get("/agenda")
def agenda():
    scope, today = current_scope(), local_today()
    work = queries.inspector_agenda(scope=scope, user_id=current_user.id, today=today)
    return render_template("inspections/agenda.html", today=today, **work)


@bp.get("/<int:inspection_id>")
def inspection_detail(inspection_id: int):
    scope = current_scope()
    inspection = queries.inspection_get(scope=scope, inspection_id=inspection_id)
    sheet = _sheet(inspection)
    return render_template("inspections/detail.html", **sheet, today=local_today(),
                           amendments=queries.amendment_history(inspection),
                           show_scores=sees_inspection_results(scope, inspection),
                           can_review=scope.is_admin, can_fill=_can_fill(scope, inspection),
                           show_flags=scope.township_wide,
                           uses=_uses(sheet["photos"], scope) if scope.township_wide else {},
                           events=events_for(inspection) if scope.sees_audit_trail else [])


@bp.route("/<int:inspection_id>/fill", methods=["GET", "POST"])
def fill(inspection_id: int):
    scope = current_scope()
    inspection = queries.inspection_get(scope=scope, inspection_id=inspection_id)
    fieldwork.check_assigned(scope, current_user, inspection)
    if request.method == "POST":
        return _save_form(scope, inspection)
    if not inspection.is_open:
        flash(fieldwork.not_open_message(inspection), "error")
        return redirect(url_for(".inspection_detail", inspection_id=inspection.id))
    return _fill_page(inspection)


def _save_form(scope, inspection):
    """Save the posted answers and photos (all or none); submit when asked."""
    items = [i.id for i in inspection.version.items]
    answers, submit = parse_answers(request.form, items), request.form.get("action") == "submit"
    try:
        formpost.fill_form_save(
            scope=scope, user=current_user, inspection=inspection, answers=answers, submit=submit,
            photos=[formpost.PostedPhoto(item_id, upload.filename, upload.read())
                    for item_id, upload in posted_photos(request.files, items)],
            submission_key=request.form.get("submission_key", ""), store=photo_store(),
            limits=photo_limits(), now=now_utc())
    except fieldwork.NotOpen as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".inspection_detail", inspection_id=inspection.id), 303)
    except fieldwork.SubmissionRefused as refused:
        db.session.commit()  # the answers are kept as a draft; only the submission is refused
        flash(refused.message, "error")
        return _fill_page(inspection, refused.problems), 422
    except DomainError as error:  # nothing of the post is kept; show it as it was typed
        db.session.rollback()
        flash(error.message, "error")
        return _fill_page(inspection, getattr(error, "problems", {}), typed=answers), 422
    db.session.commit()
    if submit:
        flash(_("Submitted: the self-assessment is recorded.") if inspection.self_assessment
              else _("Submitted. The hygiene office will review it."), "success")
        return redirect(url_for(".inspection_detail", inspection_id=inspection.id))
    flash(_("Draft saved."), "success")
    return _fill_page(inspection)


def _fill_page(inspection, problems: dict | None = None, typed: list[dict] = ()):
    return render_template("inspections/fill.html", **_sheet(inspection, typed), problems=problems or {},
                           submission_key=uuid.uuid4().hex,
                           photo_max_bytes=photo_limits().max_bytes)


@bp.post("/<int:inspection_id>/answers")
@answers_json
def answer_autosave(inspection_id: int):
    scope = current_scope()
    inspection = queries.inspection_get(scope=scope, inspection_id=inspection_id)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error=_("The answer could not be read; please try again.")), 400
    try:
        with committing():  # a refusal: 403 not assigned, 409 no longer open, 422 bad input (JSON)
            fieldwork.answer_save(scope=scope, user=current_user, inspection=inspection, now=now_utc(),
                                  item_id=data.get("item_id"), result=data.get("result"),
                                  findings=data.get("findings", 0), grade=data.get("grade"),
                                  note=data.get("note", ""))
    except DomainError as error:
        if error.status != 422:
            raise
        # the phone shows the score of what the server holds, not of what it refused
        return jsonify(error=error.message, **_score_json(inspection),
                       unsaved=_("%(error)s Not saved: the score at the top counts this item "
                                 "as it was last saved.", error=error.message)), 422
    return jsonify(_score_json(inspection))


@bp.post("/<int:inspection_id>/photos")
@answers_json
def photo_upload(inspection_id: int):
    scope = current_scope()
    inspection = queries.inspection_get(scope=scope, inspection_id=inspection_id)
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return jsonify(error=_("Choose a photo first.")), 422
    with committing():
        photo = fieldwork.photo_attach(
            scope=scope, user=current_user, inspection=inspection, item_id=request.form.get("item_id"),
            filename=upload.filename, data=upload.read(), store=photo_store(),
            limits=photo_limits(), now=now_utc())
    return jsonify(id=photo.id, flags=photo.flags,
                   thumb=url_for("media.photo_file", photo_id=photo.id, size="thumb"),
                   display=url_for("media.photo_file", photo_id=photo.id, size="display")), 201


@bp.post("/<int:inspection_id>/review")
def review_action(inspection_id: int):
    scope = current_scope()
    inspection = queries.inspection_get(scope=scope, inspection_id=inspection_id)
    action, comment = request.form.get("action"), request.form.get("comment", "")
    if action not in ("publish", "send_back", "cancel"):
        abort(400)

    def step():
        if action == "publish":
            review.inspection_publish(scope=scope, actor_id=current_user.id, inspection=inspection,
                                      now=now_utc(), flag_reason=request.form.get("flag_reason", ""))
        elif action == "send_back":
            review.inspection_send_back(scope=scope, actor_id=current_user.id,
                                        inspection=inspection, comment=comment, now=now_utc())
        else:
            review.inspection_cancel(scope=scope, actor_id=current_user.id, inspection=inspection,
                                     reason=comment, now=now_utc())

    try:
        return form_step(step, back=url_for(".inspection_detail", inspection_id=inspection.id), done={
            "publish": _publish_message(inspection),
            "send_back": _("Sent back to the inspectors with your comment; they have been told."),
            "cancel": _("The inspection is cancelled.")}[action], passes=(review.FlaggedPublish,))
    except review.FlaggedPublish as flagged:  # not refused: asks the reviewer to confirm
        return _confirm_publish(scope, inspection, flagged)


def _publish_message(inspection) -> str:
    """What publishing decided: a toilet's acceptance (验收), a step of another record it was asked
    for (a creation application's township review), or a score that counts in the ranking."""
    if inspection.self_assessment:
        return _("Published: an applicant's own self-assessment (it does not count in the ranking).")
    if inspection.version.template.code in ACCEPTANCE_CHECKLISTS:
        return _("Published: the acceptance is decided (it does not count in the ranking), and "
                 "%(target)s can see the result.", target=inspection.target_label)
    if is_acceptance(inspection):
        return _("Published: the review decides the step it was asked for (it does not count in the ranking), "
                 "and %(target)s can see the result.", target=inspection.target_label)
    return _("Published: the score now counts, and %(target)s can see the result.", target=inspection.target_label)


def _confirm_publish(scope, inspection, flagged: review.FlaggedPublish):
    """Ask the reviewer to confirm publishing flagged photos, with a reason (422 once refused)."""
    asked = "flag_reason" in request.form  # the reason was asked for and left empty
    return render_template("inspections/confirm_publish.html", inspection=inspection,
                           photos=flagged.photos, uses=photo_uses(flagged.photos, scope),
                           error=flagged.message if asked else None), 422 if asked else 200


def _uses(photos_by_item: dict, scope) -> dict:
    """Where else each flagged photo of the sheet was used."""
    return photo_uses([p for group in photos_by_item.values() for p in group], scope)


@bp.route("/<int:inspection_id>/amend", methods=["GET", "POST"])
def amend(inspection_id: int):
    scope = current_scope()
    inspection = queries.inspection_get(scope=scope, inspection_id=inspection_id)
    if not scope.is_admin or not inspection.is_published:
        abort(403 if not scope.is_admin else 404)
    typed, status = [], 200
    if request.method == "POST":
        items = [i.id for i in inspection.version.items]
        posted = parse_answers(request.form, items)
        _done, error = attempt(lambda: review.inspection_amend(
            scope=scope, user=current_user, inspection=inspection, changes=review.changed_answers(inspection, posted),
            reason=request.form.get("reason", ""), now=now_utc()))
        if error is None:
            flash(_("Amended; the old values are kept in the audit trail."), "success")
            return redirect(url_for(".inspection_detail", inspection_id=inspection.id))
        flash(error.message, "error")
        typed, status = posted, 422
    return render_template("inspections/amend.html", **_sheet(inspection, typed), problems={}), status


def _sheet(inspection, typed: list[dict] = ()) -> dict:
    """What the detail, fill and amend pages all show: the sheet with answers and photos
    (`typed`: answers of a refused post, shown as they were typed instead of the stored ones)."""
    answers = {a.item_id: a for a in inspection.answers}
    answers |= {a["item_id"]: SimpleNamespace(**a) for a in typed}
    photos: dict = {}
    for photo in db.session.query(Photo).filter_by(inspection_id=inspection.id).order_by(Photo.id):
        photos.setdefault(photo.item_id, []).append(photo)
    return {"inspection": inspection, "version": inspection.version, "answers": answers,
            "photos": photos, "live": fieldwork.inspection_score(inspection)}


def _score_json(inspection) -> dict:
    db.session.refresh(inspection)
    result = fieldwork.inspection_score(inspection)
    total = len(inspection.version.items)
    return {"score": str(result.score) if result.score is not None else None, "grade": result.grade,
            "vetoed": result.vetoed, "answered": total - len(result.unanswered), "total": total}


def _can_fill(scope, inspection) -> bool:
    try:
        fieldwork.check_can_fill(scope, current_user, inspection)
    except DomainError:
        return False
    return True
