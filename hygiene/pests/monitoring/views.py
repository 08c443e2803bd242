"""Density monitoring pages: the records, one record with its indices and level, entry per
method, and the levels of each village and the township."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.audit.queries import events_for
from hygiene.clock import local_today
from hygiene.core.input import optional_int
from hygiene.core.svg import ordinal_step_svg
from hygiene.core.web import attempt, current_scope, paginated, show_refusal
from hygiene.pests import surveys
from hygiene.pests.indices import shown
from hygiene.pests.levels import breteau_risk
from hygiene.pests.monitoring import history, queries, services
from hygiene.pests.monitoring.forms import monitoring_form
from hygiene.pests.refusals import Refused
from hygiene.pests.standards import CATALOGUE, PESTS
from hygiene.pests.words import PEST_LABELS, in_reader_language, level_label
from hygiene.places.models import Unit, Village
from hygiene.places.queries import visible_units, visible_villages

bp = Blueprint("monitoring", __name__, url_prefix="/pests")


@bp.before_request
@login_required
def _signed_in() -> None:
    """The office and village contacts; everyone else gets 403 here."""
    if not current_scope().sees_pest_monitoring:
        abort(403)


@bp.context_processor
def _words() -> dict:
    return {"PEST_LABELS": PEST_LABELS, "name_of": in_reader_language, "level_label": level_label,
            "shown": shown}


@bp.get("/monitoring/")
def monitoring_list():
    scope = current_scope()
    filters = queries.read_filters(request.args)
    page = paginated(queries.record_list_stmt(scope=scope, filters=filters), per_page=25)
    villages = visible_villages(scope, active_only=False)
    return render_template("pests/monitoring/list.html", page=page, filters=filters, villages=villages,
                           village_names={v.id: v.name for v in villages}, methods=surveys.METHODS,
                           pests=PESTS)


@bp.get("/monitoring/<int:monitoring_id>")
def monitoring_detail(monitoring_id: int):
    scope = current_scope()
    record = queries.record_get(scope=scope, record_id=monitoring_id)
    method = surveys.method_of(record.pest, record.method)
    try:
        index = surveys.method_index(method, record.counts) if method else None
    except Refused:
        index = None
    risk = breteau_risk(index) if method and method.key == "breteau" and index is not None else None
    grading = surveys.grade_survey(record.pest, record.surveyed_on, record.counts)
    villages = {v.id: v.name for v in visible_villages(scope, active_only=False)}
    return render_template("pests/monitoring/detail.html", record=record, method=method, index=index, risk=risk,
                           grading=grading, village_name=villages.get(record.village_id, ""),
                           labels=surveys.COUNT_LABELS,
                           events=events_for(record) if scope.sees_audit_trail else [])


@bp.get("/monitoring/new")
def monitoring_methods():
    if not current_scope().enters_monitoring:
        abort(403)
    return render_template("pests/monitoring/methods.html", pests=PESTS,
                           methods={pest: CATALOGUE.methods_for(pest) for pest in PESTS})


@bp.route("/monitoring/new/<pest>/<method>", methods=["GET", "POST"])
def monitoring_new(pest: str, method: str):
    scope = current_scope()
    if not scope.enters_monitoring:
        abort(403)
    chosen = surveys.method_of(pest, method)
    if chosen is None:
        abort(404)
    form = monitoring_form(chosen)
    villages = visible_villages(scope)
    form.village_id.choices = [("", _("Choose a village"))] + [(str(v.id), v.name) for v in villages]
    form.unit_id.choices = unit_choices(villages, visible_units(scope))
    if request.method == "GET":
        form.request_key.data = secrets.token_hex(16)
    if form.validate_on_submit():
        record, error = attempt(lambda: services.monitoring_create(
            scope=scope, actor_id=current_user.id, method=chosen,
            data=services.monitoring_input(method=chosen, data=form.data | {"counts": form.counts()})))
        if error is None:
            flash(_("Monitoring record saved."), "success")
            return redirect(url_for(".monitoring_detail", monitoring_id=record.id), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("pests/monitoring/form.html", form=form, method=chosen), status


@bp.get("/levels")
def level_board():
    scope = current_scope()
    villages = visible_villages(scope)
    board = queries.level_board(scope=scope, villages=villages)
    return render_template("pests/monitoring/levels.html", board=board, pests=PESTS,
                           shows_township=scope.township_wide and scope.township_id is not None)


@bp.get("/levels/history")
def level_history():
    """The township's level per pest and month; a village contact is sent to their village's."""
    scope = current_scope()
    if not scope.township_wide:
        return redirect(url_for(".village_level_history", village_id=scope.village_id,
                                pest=request.args.get("pest"), months=request.args.get("months")), 303)
    pests, months = history_filters(request.args)
    levels = queries.level_history(scope=scope, today=local_today(), months=months, pests=pests)
    return render_template("pests/monitoring/history.html", charts=level_charts(levels), village=None,
                           pests=PESTS, chosen=request.args.get("pest", ""), months=months)


@bp.get("/levels/history/<int:village_id>")
def village_level_history(village_id: int):
    scope = current_scope()
    village = queries.village_get(scope=scope, village_id=village_id)
    pests, months = history_filters(request.args)
    levels = queries.level_history(scope=scope, today=local_today(), months=months, pests=pests,
                                   village_id=village.id)
    return render_template("pests/monitoring/history.html", charts=level_charts(levels), village=village,
                           pests=PESTS, chosen=request.args.get("pest", ""), months=months)


def history_filters(args) -> tuple[tuple[str, ...], int]:
    """The pests to chart (one, or all when none or an unknown one is asked) and the months."""
    pest = args.get("pest")
    months = optional_int(args.get("months"))
    return ((pest,) if pest in PESTS else PESTS), (months if months in history.MONTH_CHOICES else 12)


def level_charts(levels: dict[str, list[history.MonthLevel]]) -> list[dict]:
    """Per pest, its step chart of levels over the months and its latest graded month."""
    axis = [_("Below C"), "C", "B", "A"]
    charts = []
    for pest, points in levels.items():
        svg = ordinal_step_svg(
            [(p.month.strftime("%Y-%m"), history.LEVEL_ORDER.index(p.level) if p.level in history.LEVEL_ORDER
              else None) for p in points], axis, required=history.LEVEL_ORDER.index("C"),
            required_label=_("A hygienic town must reach C"),
            title=_("%(pest)s: control level by month", pest=PEST_LABELS[pest]))
        latest = next((p for p in reversed(points) if p.level), None)
        charts.append({"pest": pest, "svg": svg, "latest": latest, "points": points})
    return charts


def unit_choices(villages: list[Village], units: list[Unit]) -> dict:
    """The township's units grouped by village (optgroups), after "no unit: the village itself"."""
    by_village: dict[int, list[tuple[str, str]]] = {}
    for unit in units:
        by_village.setdefault(unit.village_id, []).append((str(unit.id), unit.name))
    return {None: [("", _("None: the village itself"))]} | {
        v.name: by_village[v.id] for v in villages if v.id in by_village}
