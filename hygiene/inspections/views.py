"""Inspection pages: lists, the inspector's agenda, the field form, photos, review."""
from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene import media
from hygiene.clock import local_today, now_utc
from hygiene.core.input import db_int
from hygiene.core.web import current_scope, page_number, photo_limits, photo_store
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.inspections import fieldwork, queries, review
from hygiene.inspections.forms import parse_answers, posted_photos
from hygiene.inspections.models import Photo
from hygiene.places.queries import visible_villages

bp = Blueprint("inspections", __name__, url_prefix="/inspections")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every inspection page needs a signed-in user."""


@bp.get("/")
def inspection_list():
    scope, today = current_scope(), local_today()
    filters = {"status": request.args.get("status", ""),
               "village_id": request.args.get("village_id", type=db_int),
               "start": _date_arg("start"), "end": _date_arg("end"),
               "assigned_to": current_user.id if request.args.get("mine") else None}
    stmt = queries.inspection_list_stmt(scope=scope, today=today, **filters)
    page = db.paginate(stmt, page=page_number(), per_page=25, error_out=False)
    return render_template("inspections/list.html", page=page, filters=filters, today=today,
                           villages=visible_villages(scope) if scope.township_wide else [],
                           statuses=queries.STATUSES)


@bp.get("/agenda")
def agenda():
    scope, today = current_scope(), local_today()
    work = queries.inspector_agenda(scope=scope, user_id=current_user.id, today=today)
    return render_template("inspections/agenda.html", today=today, **work)


@bp.get("/<int:inspection_id>")
def inspection_detail(inspection_id: int):
    scope = current_scope()
    inspection = queries.inspection_get(scope=scope, inspection_id=inspection_id)
    return render_template("inspections/detail.html", **_sheet(inspection), today=local_today(),
                           show_scores=scope.township_wide or inspection.status == "published",
                           can_review=scope.is_admin, can_fill=_can_fill(scope, inspection))


@bp.route("/<int:inspection_id>/fill", methods=["GET", "POST"])
def fill(inspection_id: int):
    scope = current_scope()
    inspection = queries.inspection_get(scope=scope, inspection_id=inspection_id)
    if inspection.status in ("submitted", "published"):
        return redirect(url_for(".inspection_detail", inspection_id=inspection.id))
    problems, status = {}, 200
    if request.method == "POST":
        problems, status = _save_form(scope, inspection)
        if status == 302:
            return redirect(url_for(".inspection_detail", inspection_id=inspection.id))
    else:
        fieldwork.check_can_fill(scope, current_user, inspection)
    return render_template("inspections/fill.html", **_sheet(inspection), problems=problems,
                           submission_key=uuid.uuid4().hex), status


def _save_form(scope, inspection) -> tuple[dict, int]:
    """Save every posted answer and photo; submit when asked. Returns (problems, status)."""
    items = [i.id for i in inspection.version.items]
    try:
        for answer in parse_answers(request.form, items):
            fieldwork.answer_save(scope=scope, user=current_user, inspection=inspection,
                                  now=now_utc(), **answer)
        for item_id, upload in posted_photos(request.files, items):
            fieldwork.photo_attach(scope=scope, user=current_user, inspection=inspection,
                                   item_id=item_id, filename=upload.filename, data=upload.read(),
                                   store=photo_store(), limits=photo_limits(), now=now_utc())
        if request.form.get("action") == "submit":
            db.session.flush()
            db.session.refresh(inspection)
            fieldwork.inspection_submit(scope=scope, user=current_user, inspection=inspection,
                                        submission_key=request.form.get("submission_key", ""),
                                        now=now_utc())
    except fieldwork.SubmissionRefused as refused:
        db.session.commit()  # the answers are kept as a draft; only the submission is refused
        flash(refused.message, "error")
        return refused.problems, 422
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return {}, 422
    db.session.commit()
    submitted = request.form.get("action") == "submit"
    flash(_("Submitted. The hygiene office will review it.") if submitted else _("Draft saved."), "success")
    return {}, 302 if submitted else 200


@bp.post("/<int:inspection_id>/answers")
def answer_autosave(inspection_id: int):
    scope = current_scope()
    inspection = queries.inspection_get(scope=scope, inspection_id=inspection_id)
    data = request.get_json(silent=True) or {}
    try:
        fieldwork.answer_save(scope=scope, user=current_user, inspection=inspection, now=now_utc(),
                              item_id=data.get("item_id"), result=data.get("result"),
                              findings=data.get("findings", 0), grade=data.get("grade"),
                              note=data.get("note", ""))
    except DomainError as error:
        db.session.rollback()
        return _json_error(error)
    db.session.commit()
    return jsonify(_score_json(inspection))


@bp.post("/<int:inspection_id>/photos")
def photo_upload(inspection_id: int):
    scope = current_scope()
    inspection = queries.inspection_get(scope=scope, inspection_id=inspection_id)
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return jsonify(error=_("Choose a photo first.")), 422
    try:
        photo = fieldwork.photo_attach(
            scope=scope, user=current_user, inspection=inspection, item_id=request.form.get("item_id"),
            filename=upload.filename, data=upload.read(), store=photo_store(),
            limits=photo_limits(), now=now_utc())
    except DomainError as error:
        db.session.rollback()
        return _json_error(error)
    db.session.commit()
    return jsonify(id=photo.id, flags=photo.flags,
                   thumb=url_for(".photo_file", photo_id=photo.id, size="thumb"),
                   display=url_for(".photo_file", photo_id=photo.id, size="display")), 201


@bp.get("/photos/<int:photo_id>/<any(thumb,display,original):size>")
def photo_file(photo_id: int, size: str):
    scope = current_scope()
    photo = db.session.get(Photo, photo_id) or abort(404)
    if photo.order_id:
        from hygiene.rectifications.queries import order_get

        order_get(scope=scope, order_id=photo.order_id)
    else:
        queries.inspection_get(scope=scope, inspection_id=photo.inspection_id)
    if size == "original" and not scope.is_admin:
        abort(404)  # the original keeps its EXIF (GPS): evidence for the office only
    return send_photo(photo, size)


def send_photo(photo: Photo, size: str):
    """Send one stored copy of a photo; content-addressed, so it never changes."""
    name = {"thumb": media.THUMB, "display": media.DISPLAY, "original": media.ORIGINAL}[size]
    stream = photo_store().open(media.photo_key(photo.sha256, name))
    response = send_file(stream, mimetype="image/jpeg", max_age=31536000)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


@bp.post("/<int:inspection_id>/review")
def review_action(inspection_id: int):
    scope = current_scope()
    inspection = queries.inspection_get(scope=scope, inspection_id=inspection_id)
    action, comment = request.form.get("action"), request.form.get("comment", "")
    try:
        if action == "publish":
            review.inspection_publish(scope=scope, actor_id=current_user.id, inspection=inspection,
                                      now=now_utc())
        elif action == "send_back":
            review.inspection_send_back(scope=scope, actor_id=current_user.id,
                                        inspection=inspection, comment=comment)
        elif action == "cancel":
            review.inspection_cancel(scope=scope, actor_id=current_user.id, inspection=inspection,
                                     reason=comment)
        else:
            abort(400)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".inspection_detail", inspection_id=inspection.id)), 303
    db.session.commit()
    flash(_("Done."), "success")
    return redirect(url_for(".inspection_detail", inspection_id=inspection.id)), 303


@bp.route("/<int:inspection_id>/amend", methods=["GET", "POST"])
def amend(inspection_id: int):
    scope = current_scope()
    inspection = queries.inspection_get(scope=scope, inspection_id=inspection_id)
    if not scope.is_admin or inspection.status != "published":
        abort(403 if not scope.is_admin else 404)
    if request.method == "POST":
        items = [i.id for i in inspection.version.items]
        try:
            review.inspection_amend(scope=scope, user=current_user, inspection=inspection,
                                    changes=_changed(inspection, parse_answers(request.form, items)),
                                    reason=request.form.get("reason", ""))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Amended; the old values are kept in the audit trail."), "success")
            return redirect(url_for(".inspection_detail", inspection_id=inspection.id))
    return render_template("inspections/amend.html", **_sheet(inspection), problems={})


def _changed(inspection, posted: list[dict]) -> list[dict]:
    """Only the items whose answer the reviewer actually changed."""
    current = {a.item_id: a for a in inspection.answers}

    def differs(change):
        answer = current.get(change["item_id"])
        return answer is None or (answer.result, str(answer.findings), answer.note) != (
            change["result"], str(change["findings"] or 0), change["note"]) or (
            change["grade"] is not None and str(answer.grade) != str(change["grade"]))
    return [c for c in posted if differs(c)]


def _sheet(inspection) -> dict:
    """What the detail, fill and amend pages all show: the sheet with answers and photos."""
    answers = {a.item_id: a for a in inspection.answers}
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


def _json_error(error: DomainError):
    """A refused autosave or upload: 403 for someone not assigned, 422 for bad input."""
    return jsonify(error=error.message), 403 if isinstance(error, Forbidden) else 422


def _can_fill(scope, inspection) -> bool:
    try:
        fieldwork.check_can_fill(scope, current_user, inspection)
    except DomainError:
        return False
    return True


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
