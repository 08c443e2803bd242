"""The health-education pages: the log, an activity, entering one (photos from the phone's
camera), the cadence flags and the office's targets. Thin: rules in education.services, reads in
education.queries, the rule of cadence in education.cadence."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.audit.queries import events_for
from hygiene.clock import local_today, now_utc
from hygiene.core.input import optional_int
from hygiene.core.schemas import parse_input
from hygiene.core.web import (
    attempt,
    current_scope,
    paginated,
    photo_limits,
    photo_store,
    say_done,
    say_left_out,
    show_refusal,
)
from hygiene.education import queries, services
from hygiene.education.forms import ActivityForm, SettingsForm
from hygiene.education.kinds import COUNTS_ATTENDANCE, ActivityKind, SubjectKind
from hygiene.education.schemas import ActivityInput, SettingsInput, target_field
from hygiene.education.status import CadenceState
from hygiene.extensions import db
from hygiene.places.models import Unit, Village
from hygiene.places.queries import visible_villages

bp = Blueprint("education", __name__, url_prefix="/education")


@bp.before_request
@login_required
def _signed_in() -> None:
    if not current_scope().sees_education:
        abort(403)


@bp.context_processor
def _words() -> dict:
    words = {"ActivityKind": ActivityKind, "CadenceState": CadenceState, "SubjectKind": SubjectKind}
    if not current_user.is_authenticated:  # the error page of a refused request (a NUL) has no user
        return words
    scope = current_scope()
    return words | {"may_enter": services.enters_activities(scope), "may_set": _sets_targets(scope)}


def _sets_targets(scope: Scope) -> bool:
    return scope.is_admin and scope.township_id is not None


def _year() -> int:
    """?year=, else this year; one that cannot be read is this year, and the page says so."""
    text = request.args.get("year") or ""
    year = optional_int(text)
    if year is not None and queries.FIRST_YEAR <= year <= queries.LAST_YEAR:
        return year
    say_left_out(["year"] if text.strip() else [])
    return local_today().year


@bp.get("/")
def activity_list():
    scope = current_scope()
    filters, unread = queries.read_filters(request.args)
    say_left_out(unread)
    page = paginated(queries.log_stmt(scope=scope, filters=filters), per_page=25)
    return render_template("education/list.html", page=page, filters=filters,
                           photos=queries.photo_counts(a.id for a in page.items),
                           villages=visible_villages(scope, active_only=False) if scope.township_wide else [],
                           year=filters.year or local_today().year)


def _subjects(scope: Scope) -> list[tuple[str, str]]:
    """What the form offers: a contact their own log; the office its villages, then their units."""
    villages = visible_villages(scope) if scope.role is not Role.UNIT_CONTACT else []
    choices = [(f"{SubjectKind.VILLAGE}:{v.id}", v.name) for v in villages]
    if scope.role is not Role.VILLAGE_CONTACT:
        units = db.session.execute(sa.select(Unit.id, Unit.name, Village.name).join(Village, Village.id == Unit.village_id)
                                   .where(scope.clause(Unit), Unit.active.is_(True), Village.active.is_(True))
                                   .order_by(Village.name, Unit.name, Unit.id))
        choices += [(f"{SubjectKind.UNIT}:{uid}", f"{village} · {name}") for uid, name, village in units]
    return choices


@bp.route("/new", methods=["GET", "POST"])
def activity_new():
    scope = current_scope()
    if not services.enters_activities(scope):
        abort(403)
    form = ActivityForm()
    subjects = _subjects(scope)
    form.prepare(subjects)
    if request.method == "GET":
        form.request_key.data = secrets.token_hex(16)
        form.kind.data = request.args.get("kind") if ActivityKind.known(request.args.get("kind")) else ""
        asked = request.args.get("subject", "")
        form.subject.data = asked if any(asked == value for value, _label in subjects) else (
            subjects[0][0] if len(subjects) == 1 else "")
    if form.validate_on_submit():
        activity, error = attempt(lambda: services.activity_record(
            scope=scope, actor_id=current_user.id, data=parse_input(ActivityInput, form.data),
            photos=_photos(), now=now_utc()))
        if error is None:
            say_done(_("The activity is recorded."))
            return redirect(url_for(".activity_detail", activity_id=activity.id), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("education/new.html", form=form, counts_attendance=COUNTS_ATTENDANCE), status


def _photos() -> services.Photos:
    return services.Photos(store=photo_store(), limits=photo_limits(),
                           uploads=[(f.filename, f.read()) for f in request.files.getlist("photos") if f and f.filename])


@bp.get("/<int:activity_id>")
def activity_detail(activity_id: int):
    scope = current_scope()
    activity = queries.activity_get(scope=scope, activity_id=activity_id)
    return render_template("education/detail.html", activity=activity, photos=queries.photos_of(activity),
                           events=events_for(activity) if scope.sees_audit_trail else [])


@bp.get("/cadence")
def cadence():
    scope = current_scope()
    year, today = _year(), local_today()
    asked = request.args.get("of", "")
    subject_kind = SubjectKind.UNIT if asked == SubjectKind.UNIT or scope.role is Role.UNIT_CONTACT else SubjectKind.VILLAGE
    village_id = optional_int(request.args.get("village_id", "")) if scope.township_wide else None
    page = paginated(queries.subjects_stmt(scope=scope, subject_kind=subject_kind, village_id=village_id), per_page=50)
    rows = queries.cadence(scope=scope, subject_kind=subject_kind, year=year, today=today, ids=page.items)
    return render_template("education/cadence.html", rows=rows, page=page, year=year, today=today,
                           subject_kind=subject_kind, village_id=village_id,
                           villages=visible_villages(scope) if scope.township_wide else [],
                           subject_tabs=scope.township_wide, kinds=list(ActivityKind))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """The office's targets: per kind of activity, for villages and for units."""
    scope = current_scope()
    if not _sets_targets(scope) or scope.township_id is None:
        abort(403)
    current = queries.settings_of({scope.township_id})[scope.township_id]
    form = SettingsForm(data=None if request.method == "POST" else _settings_values(current))
    if form.validate_on_submit():
        _saved, error = attempt(lambda: services.settings_save(
            scope=scope, actor_id=current_user.id, now=now_utc(), data=parse_input(SettingsInput, form.data)))
        if error is None:
            say_done(_("Health-education targets saved."))
            return redirect(url_for(".settings"), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("education/settings.html", form=form), status


def _settings_values(current) -> dict:
    values: dict = {"remind_days_before": current.remind_days_before, "count_from": current.count_from}
    for s in SubjectKind:
        for k in ActivityKind:
            target = current.target(s.value, k.value)
            values[target_field(s, k, "every")] = str(target.every_months)
            values[target_field(s, k, "at_least")] = target.at_least
    return values
