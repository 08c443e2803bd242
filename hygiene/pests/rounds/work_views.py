"""A round's target in the field: its page (the round's facts, coverage, work with photos,
refusals), recording work and mop-ups, refusals, and the office's removal of a mistaken record.
Thin: rules in rounds.work, reads in rounds.work_queries."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from hygiene.clock import local_today, now_utc
from hygiene.core.schemas import parse_input
from hygiene.core.web import attempt, current_scope, form_step, photo_limits, photo_store, show_refusal
from hygiene.pests.rounds import work, work_queries
from hygiene.pests.rounds.status import RoundStatus, WorkKind
from hygiene.pests.rounds.timing import may_fall_behind
from hygiene.pests.rounds.work_forms import RefusalForm, WorkForm
from hygiene.pests.rounds.work_schemas import REASON_LABELS, RefusalInput, WorkInput
from hygiene.pests.words import PEST_LABELS

bp = Blueprint("round_work", __name__, url_prefix="/pests/rounds")
TARGET = "/<int:round_id>/targets/<int:target_id>"
ROUND_PEST_LABELS = {**PEST_LABELS, "snail": _l("Snails")}
UNIFIED_RULE_LABELS = {"organisation": _l("Unified organisation"), "time": _l("Unified timing"),
                       "method": _l("Unified method"), "product": _l("Unified product"),
                       "standard": _l("Unified standard")}
AREA_UNIT_LABELS = {"mu": _l("mu"), "m2": _l("m²")}


@bp.before_request
@login_required
def _signed_in() -> None:
    """A signed-in user; what they may read is the target's scope rule (404 outside it)."""


@bp.context_processor
def _words() -> dict:
    return {"ROUND_PEST_LABELS": ROUND_PEST_LABELS, "UNIFIED_RULE_LABELS": UNIFIED_RULE_LABELS,
            "REASON_LABELS": REASON_LABELS, "AREA_UNIT_LABELS": AREA_UNIT_LABELS, "RoundStatus": RoundStatus,
            "WorkKind": WorkKind}


def _loaded(round_id: int, target_id: int):
    return work_queries.target_get(scope=current_scope(), round_id=round_id, target_id=target_id)


@bp.get(TARGET)
def target_page(round_id: int, target_id: int):
    scope = current_scope()
    round_, target = _loaded(round_id, target_id)
    works, photos = work_queries.works_of(target)
    coverage = work_queries.target_coverage(target)
    behind = coverage is not None and may_fall_behind(round_.status, round_.starts_on, local_today()) \
        and coverage.behind(round_.coverage_goal)
    return render_template("pests/rounds/target.html", round=round_, target=target, works=works, photos=photos,
                           coverage=coverage, behind=behind,
                           refusals=work_queries.refusals_of(target),
                           records=work.may_record(scope, target) and round_.status == RoundStatus.ANNOUNCED,
                           corrects=work.may_correct(scope, target) and round_.status == RoundStatus.ANNOUNCED)


@bp.route(TARGET + "/work/new", methods=["GET", "POST"])
def work_new(round_id: int, target_id: int):
    return _work_page(round_id, target_id, mop_up=False)


@bp.route(TARGET + "/mop-up/new", methods=["GET", "POST"])
def mop_up_new(round_id: int, target_id: int):
    return _work_page(round_id, target_id, mop_up=True)


def _work_page(round_id: int, target_id: int, *, mop_up: bool):
    """The work form (or the mop-up form, which also offers the open refusals to resolve)."""
    scope = current_scope()
    round_, target = _loaded(round_id, target_id)
    if not work.may_record(scope, target):
        abort(403)
    if request.method == "GET" and (closed := _not_open(round_, target)) is not None:
        return closed
    form = WorkForm(data=None if request.method == "POST" else _work_defaults(round_, mop_up))
    form.prepare(work_queries.held_products(target), work_queries.refusals_of(target, open_only=True) if mop_up else [])
    if target.unit_id is not None:  # a unit counts its places (处), not households
        form.households_covered.label.text = _("Places covered")
    if form.validate_on_submit():
        saved, error = attempt(lambda: work.work_record(
            scope=scope, user_id=current_user.id, round_=round_, target=target, now=now_utc(),
            data=parse_input(WorkInput, form.data | {"kind": WorkKind.MOP_UP if mop_up else WorkKind.COMPLETION},
                             invalid=work.WorkRefused),
            photos=[(f.filename, f.read()) for f in request.files.getlist("photos") if f and f.filename],
            store=photo_store(), limits=photo_limits()))
        if error is None:
            flash(_("The mop-up is recorded.") if mop_up else _("The work is recorded."), "success")
            return redirect(url_for(".target_page", round_id=round_id, target_id=target_id), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("pests/rounds/work_form.html", form=form, round=round_, target=target,
                           mop_up=mop_up), status


def _not_open(round_, target):
    """A form of a round that takes no work is not shown: back to the target's page, saying why."""
    why = work.not_open(round_)
    if why is None:
        return None
    flash(why, "error")
    return redirect(url_for(".target_page", round_id=round_.id, target_id=target.id), 303)


def _work_defaults(round_, mop_up: bool) -> dict:
    today = local_today()
    day = min(max(today, round_.starts_on), round_.ends_on)
    return {"request_key": secrets.token_hex(16), "done_on": day.isoformat(),
            "product_id": str(round_.product_id or ""), "done_by": current_user.display_name or ""}


@bp.route(TARGET + "/refusals/new", methods=["GET", "POST"])
def refusal_new(round_id: int, target_id: int):
    scope = current_scope()
    round_, target = _loaded(round_id, target_id)
    if not work.may_record(scope, target):
        abort(403)
    if request.method == "GET" and (closed := _not_open(round_, target)) is not None:
        return closed
    form = RefusalForm()
    form.prepare(work_queries.households_of(target))
    if form.validate_on_submit():
        _saved, error = attempt(lambda: work.refusal_record(
            scope=scope, user_id=current_user.id, round_=round_, target=target, now=now_utc(),
            data=parse_input(RefusalInput, form.data, invalid=work.WorkRefused)))
        if error is None:
            flash(_("The refusal is recorded."), "success")
            return redirect(url_for(".target_page", round_id=round_id, target_id=target_id), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("pests/rounds/target_refusal.html", form=form, round=round_, target=target), status


@bp.post(TARGET + "/work/<int:work_id>/delete")
def work_remove(round_id: int, target_id: int, work_id: int):
    scope = current_scope()
    round_, target = _loaded(round_id, target_id)
    back = url_for(".target_page", round_id=round_id, target_id=target_id)
    return form_step(lambda: work.work_delete(scope=scope, user_id=current_user.id, round_=round_, target=target,
                                              work_id=work_id, now=now_utc()),
                     done=lambda removed: _("The work record was removed; what it used is back with the holder.")
                     if removed else _("This work record was already removed."), back=back)
