"""Inspection plan pages and the admin's calendar."""
from __future__ import annotations

import calendar
import secrets
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.audit.queries import events_for
from hygiene.checklists.forms import TARGET_KIND_LABELS, TARGET_KIND_PLURALS
from hygiene.clock import local_today
from hygiene.core.periods import add_months
from hygiene.core.web import apply_errors, current_scope, paginated, require_admin, require_office
from hygiene.extensions import db
from hygiene.inspections import queries
from hygiene.inspections.models import InspectionPlan
from hygiene.inspections.plans import services, withdrawal
from hygiene.inspections.plans.forms import RECURRENCE_LABELS, TARGET_MODE_LABELS, PlanForm
from hygiene.inspections.plans.queries import (
    inspector_choices,
    plan_chosen,
    plan_draws,
    plan_get,
    plan_list_stmt,
    plan_periods,
    plan_untouched,
    target_groups,
    template_choices,
)
from hygiene.inspections.status import InspectionStatus
from hygiene.places.rules import UNIT_CATEGORIES

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.before_request
@login_required
def _office_only() -> None:
    """Office staff (admins, inspectors) read plans; contacts get 403 on every page here."""
    require_office()


@bp.get("/")
def plan_list():
    scope = current_scope()
    page = paginated(plan_list_stmt(scope), per_page=20)
    return render_template("plans/list.html", page=page, can_edit=scope.is_admin, **_labels())


@bp.route("/new", methods=["GET", "POST"])
def plan_new():
    scope = require_admin()
    if scope.township_id is None:  # services.plan_create: plans belong to one township
        abort(403)
    templates, inspectors = template_choices(scope), inspector_choices(scope)
    form = PlanForm(data={"template_id": request.args.get("template_id", "")}
                    if request.method == "GET" else None)
    form.prepare(templates=templates, inspectors=inspectors)
    form.request_key.data = form.request_key.data or secrets.token_hex(16)
    confirm = None
    if "show_targets" not in request.form and form.validate_on_submit():
        try:
            today = local_today()
            plan = services.plan_create(
                scope=scope, actor_id=current_user.id, today=today,
                data=services.plan_input(scope=scope, data=form.data, today=today),
                confirm_past=form.backfill_count.data or "")
        except services.PlanNeedsConfirmation as need:
            form.backfill_count.data, confirm = str(need.inspections), need.message
        except services.PlanInvalid as error:
            apply_errors(form, error.errors)
        else:
            return _made(plan, created=True)
    template = form.chosen_template(templates)
    return render_template("plans/form.html", form=form, template=template, confirm=confirm,
                           targets=target_groups(scope, template), max_back=services.MAX_BACKFILL_DAYS,
                           **_labels()), _status(form)


@bp.get("/<int:plan_id>")
def plan_detail(plan_id: int):
    scope = current_scope()
    plan = plan_get(scope=scope, plan_id=plan_id)
    return render_template("plans/detail.html", plan=plan, periods=plan_periods(plan),
                           untouched=plan_untouched(plan),
                           draws=plan_draws(plan), chosen=plan_chosen(plan),
                           can_edit=scope.is_admin, **_labels(),
                           events=events_for(plan) if scope.sees_audit_trail else [])


@bp.post("/<int:plan_id>/generate")
def plan_generate_now(plan_id: int):
    plan = plan_get(scope=require_admin(), plan_id=plan_id)
    return _made(plan, created=False)


@bp.post("/<int:plan_id>/active")
def plan_set_active(plan_id: int):
    scope = require_admin()
    plan = plan_get(scope=scope, plan_id=plan_id)
    active = request.form.get("active") == "1"
    services.plan_set_active(scope=scope, actor_id=current_user.id, plan=plan, active=active)
    db.session.commit()
    flash(_("The plan is running again.") if active else
          _("The plan is paused: it makes no new inspections."), "success")
    return redirect(url_for(".plan_detail", plan_id=plan.id))


@bp.post("/<int:plan_id>/withdraw")
def plan_withdraw(plan_id: int):
    """Withdraw every untouched inspection of a plan in one step, and pause it."""
    scope = require_admin()
    plan = plan_get(scope=scope, plan_id=plan_id)
    withdrawn = withdrawal.plan_withdraw(scope=scope, actor_id=current_user.id, plan=plan)
    db.session.commit()
    flash(_("%(n)d untouched inspections were withdrawn; the plan is paused. Inspections already "
            "started stay as they are.", n=withdrawn), "success")
    return redirect(url_for(".plan_detail", plan_id=plan.id))


@bp.get("/calendar")
def plan_calendar():
    scope, today = current_scope(), local_today()
    first = month_start(request.args.get("month", ""), today)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    counts = queries.calendar_counts(scope=scope, first=weeks[0][0], last=weeks[-1][-1])
    return render_template("plans/calendar.html", first=first, weeks=weeks, counts=counts,
                           today=today, previous=add_months(first, -1), following=add_months(first, 1),
                           statuses=InspectionStatus.labels())


def _made(plan: InspectionPlan, *, created: bool):
    """Make the due inspections of a (new) plan, commit, and say how many were made."""
    today = local_today()
    made = services.plan_generate(plan=plan, today=today)
    db.session.commit()
    if created:
        flash(_("Saved the plan “%(name)s”.", name=plan.name), "success")
        skipped = 0 if plan.backfill else services.past_round(plan, plan.template, today)[0]
        if skipped:
            flash(_("%(n)d periods were already over when the plan was made; they get no "
                    "inspections.", n=skipped), "success")
    if made:
        flash(_("%(n)d inspections were made for the periods that have begun.", n=made), "success")
    else:
        flash(_("No inspections were due: every begun period already has its inspections, "
                "or the plan has not started yet."), "success")
    return redirect(url_for(".plan_detail", plan_id=plan.id))


def _status(form: PlanForm) -> int:
    """422 when a submitted plan came back with errors."""
    return 422 if request.method == "POST" and (form.errors or form.form_errors) else 200


def _labels() -> dict:
    return {"kinds": TARGET_KIND_LABELS, "kind_plurals": TARGET_KIND_PLURALS,
            "modes": TARGET_MODE_LABELS, "recurrences": RECURRENCE_LABELS,
            "statuses": InspectionStatus.labels(), "categories": UNIT_CATEGORIES}


def month_start(text: str, today: date) -> date:
    """The first day of the month written as YYYY-MM; this month when missing or nonsense."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)

