"""The food registers' pages: banquets (list, register, one banquet with its check, held or
cancelled), health certificates (list, add, renew, retire) and the office's settings."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.access.roles import Role
from hygiene.audit.queries import events_for
from hygiene.clock import local_today, now_utc
from hygiene.core.confirm import confirm_page, confirmed
from hygiene.core.schemas import parse_input
from hygiene.core.web import (
    attempt,
    current_scope,
    form_step,
    paginated,
    say_done,
    say_left_out,
    show_refusal,
)
from hygiene.food import queries, rules, services
from hygiene.food.forms import BanquetForm, CertificateForm, CheckForm, FoodSettingsForm
from hygiene.food.schemas import BanquetInput, CertificateInput, CheckInput, FoodInvalid, FoodSettingsInput
from hygiene.food.status import CHECK, BanquetStatus
from hygiene.food.words import CERT_LABELS, KIND_LABELS, MEAL_LABELS, point_name

bp = Blueprint("food", __name__, url_prefix="/food")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every role has a part here: the office all, a village its banquets, a unit its certificates."""


@bp.context_processor
def _words() -> dict:
    return {"KIND_LABELS": KIND_LABELS, "MEAL_LABELS": MEAL_LABELS, "CERT_LABELS": CERT_LABELS,
            "BanquetStatus": BanquetStatus, "point_name": point_name, "cert_state": rules.certificate_state}


@bp.get("/")
def home():
    target = ".certificate_list" if current_scope().role is Role.UNIT_CONTACT else ".banquet_list"
    return redirect(url_for(target))


def _banquet_reader():
    scope = current_scope()
    if not (scope.township_wide or scope.role is Role.VILLAGE_CONTACT):
        abort(403)
    return scope


@bp.get("/banquets")
def banquet_list():
    scope = _banquet_reader()
    today, township_rules = local_today(), queries.rules_for(scope.township_id)
    filters, unread = queries.read_banquet_filters(request.args)
    say_left_out(unread)
    page = paginated(queries.banquet_list_stmt(scope=scope, filters=filters, rules=township_rules, today=today))
    return render_template("food/banquets.html", page=page, filters=filters, rules=township_rules, today=today,
                           waiting=queries.waiting_check_count(scope=scope, rules=township_rules, today=today),
                           villages=queries.village_choices(scope), statuses=list(BanquetStatus),
                           can_register=services.registers_banquets(scope))


@bp.route("/banquets/new", methods=["GET", "POST"])
def banquet_new():
    scope = _banquet_reader()
    if not services.registers_banquets(scope):
        abort(403)
    form = BanquetForm()
    form.prepare(queries.village_choices(scope))
    if request.method == "GET":
        form.request_key.data = secrets.token_hex(16)
    if form.validate_on_submit():
        made, error = attempt(lambda: services.banquet_register(
            scope=scope, actor_id=current_user.id, now=now_utc(),
            data=parse_input(BanquetInput, form.data, invalid=FoodInvalid)))
        if error is None:
            say_done(_("The banquet is registered."))
            return redirect(url_for(".banquet_detail", banquet_id=made.id), 303)
        show_refusal(form, error)
    township_rules = queries.rules_for(scope.township_id)
    status = 422 if request.method == "POST" else 200
    return render_template("food/banquet_form.html", form=form, rules=township_rules, banquet=None), status


@bp.route("/banquets/<int:banquet_id>/edit", methods=["GET", "POST"])
def banquet_edit(banquet_id: int):
    """Correct a registration before the banquet and its on-site check (the office or its village)."""
    scope = _banquet_reader()
    banquet = queries.banquet_get(scope=scope, banquet_id=banquet_id)
    if not services.registers_banquets(scope):
        abort(403)
    back = url_for(".banquet_detail", banquet_id=banquet.id)
    if (refused := services.banquet_edit_refusal(banquet, local_today())) is not None:
        flash(refused, "error")
        return redirect(back, 303)
    form = BanquetForm(obj=banquet if request.method == "GET" else None)
    form.prepare([banquet.village])
    form.village_id.data = str(banquet.village_id)
    if request.method == "GET":
        form.request_key.data = secrets.token_hex(16)
    if form.validate_on_submit():
        _changed, error = attempt(lambda: services.banquet_update(
            scope=scope, actor_id=current_user.id, banquet=banquet, now=now_utc(),
            data=parse_input(BanquetInput, form.data, invalid=FoodInvalid)))
        if error is None:
            say_done(_("The registration is changed."))
            return redirect(back, 303)
        if not isinstance(error, FoodInvalid):  # checked or held meanwhile: the page says how it stands
            flash(error.message, "error")
            return redirect(back, 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("food/banquet_form.html", form=form, rules=queries.rules_for(banquet.township_id),
                           banquet=banquet), status


@bp.get("/banquets/<int:banquet_id>")
def banquet_detail(banquet_id: int):
    scope = _banquet_reader()
    banquet = queries.banquet_get(scope=scope, banquet_id=banquet_id)
    return _detail(scope, banquet, None)


def _detail(scope, banquet, form: CheckForm | None, status: int = 200):
    township_rules = queries.rules_for(banquet.township_id)
    can_check = services.checks_banquets(scope, banquet) and CHECK.allows(banquet.status)
    if can_check and form is None:
        form = CheckForm()
        form.prepare(_points())
    can_move = services.registers_banquets(scope)
    return render_template("food/banquet_detail.html", banquet=banquet, rules=township_rules, form=form,
                           can_check=can_check, can_move=can_move,
                           can_edit=can_move and services.banquet_edit_refusal(banquet, local_today()) is None,
                           today=local_today(), checker=_checker_name(banquet),
                           events=events_for(banquet) if scope.sees_audit_trail else []), status


def _points() -> list[tuple[str, str]]:
    from hygiene import _select_locale

    locale = _select_locale()
    return [(key, point_name(key, locale)) for key in rules.check_points()]


def _checker_name(banquet) -> str:
    from hygiene.accounts.models import User
    from hygiene.extensions import db

    user = db.session.get(User, banquet.checked_by_id) if banquet.checked_by_id else None
    return user.display_name if user else ""


@bp.post("/banquets/<int:banquet_id>/check")
def banquet_check(banquet_id: int):
    scope = _banquet_reader()
    banquet = queries.banquet_get(scope=scope, banquet_id=banquet_id)
    if not services.checks_banquets(scope, banquet):
        abort(403)
    form = CheckForm()
    form.prepare(_points())
    if form.validate_on_submit():
        _done, error = attempt(lambda: services.banquet_check(
            scope=scope, actor_id=current_user.id, banquet=banquet, now=now_utc(),
            data=parse_input(CheckInput, form.data, invalid=FoodInvalid)))
        if error is None:
            say_done(_("The on-site check is recorded."))
            return redirect(url_for(".banquet_detail", banquet_id=banquet.id), 303)
        if isinstance(error, services.CheckRecordedAlready):  # the page shows the check it keeps
            flash(error.message, "error")
            banquet = queries.banquet_get(scope=scope, banquet_id=banquet_id)
            return _detail(scope, banquet, None, error.status)
        show_refusal(form, error)
    banquet = queries.banquet_get(scope=scope, banquet_id=banquet_id)
    return _detail(scope, banquet, form, 422)


@bp.post("/banquets/<int:banquet_id>/hold")
def banquet_hold(banquet_id: int):
    scope = _banquet_reader()
    banquet = queries.banquet_get(scope=scope, banquet_id=banquet_id)
    return form_step(lambda: services.banquet_move(scope=scope, actor_id=current_user.id, banquet=banquet,
                                                   move="hold", now=now_utc()),
                     done=_("The banquet is marked as held."), back=url_for(".banquet_detail", banquet_id=banquet.id))


@bp.route("/banquets/<int:banquet_id>/cancel", methods=["GET", "POST"])
def banquet_cancel(banquet_id: int):
    """Cancelling asks first: a page that names the banquet, and a button that says what it does."""
    scope = _banquet_reader()
    banquet = queries.banquet_get(scope=scope, banquet_id=banquet_id)
    if not services.registers_banquets(scope):
        abort(403)
    back = url_for(".banquet_detail", banquet_id=banquet.id)
    title = _("Cancel the banquet of %(host)s on %(day)s?", host=banquet.host_name, day=banquet.banquet_on.isoformat())
    refusal = services.banquet_cancel_refusal(banquet)
    if not confirmed():
        if refusal is not None:  # held or cancelled already: why, and no button
            return confirm_page(title=_("The banquet of %(host)s on %(day)s", host=banquet.host_name,
                                        day=banquet.banquet_on.isoformat()), text=refusal, button=None, back=back)
        return confirm_page(title=title,
                             text=_("A cancelled banquet leaves the lists of coming banquets and checks; "
                                    "it cannot be opened again."),
                             button=_("Yes, cancel the banquet"), back=back)
    was_cancelled = banquet.status == BanquetStatus.CANCELLED
    return form_step(lambda: services.banquet_move(scope=scope, actor_id=current_user.id, banquet=banquet,
                                                   move="cancel", now=now_utc()),
                     done=refusal if was_cancelled and refusal else _("The banquet is cancelled."), back=back)


# --- health certificates -----------------------------------------------------------------------

@bp.get("/certificates")
def certificate_list():
    scope = current_scope()
    today, township_rules = local_today(), queries.rules_for(scope.township_id)
    filters, unread = queries.read_certificate_filters(request.args)
    say_left_out(unread)
    page = paginated(queries.certificate_list_stmt(scope=scope, filters=filters, rules=township_rules, today=today),
                     per_page=30)
    return render_template("food/certificates.html", page=page, filters=filters, rules=township_rules, today=today,
                           units=queries.food_units(scope) if scope.role is not Role.UNIT_CONTACT else [],
                           can_keep=services.keeps_certificates(scope))


@bp.route("/certificates/new", methods=["GET", "POST"])
def certificate_new():
    scope = current_scope()
    if not services.keeps_certificates(scope):
        abort(403)
    return _certificate_form(scope, None)


@bp.route("/certificates/<int:certificate_id>/edit", methods=["GET", "POST"])
def certificate_edit(certificate_id: int):
    scope = current_scope()
    certificate = queries.certificate_get(scope=scope, certificate_id=certificate_id)
    if not services.keeps_certificates(scope):
        abort(403)
    return _certificate_form(scope, certificate)


def _certificate_form(scope, certificate):
    form = CertificateForm(obj=certificate if request.method == "GET" else None)
    form.prepare([certificate.unit] if certificate else queries.food_units(scope))
    if request.method == "GET":
        form.request_key.data = secrets.token_hex(16)
        if request.args.get("unit_id") and certificate is None:
            form.unit_id.data = request.args["unit_id"][:20]
    if form.validate_on_submit():
        data = form.data | ({"unit_id": certificate.unit_id} if certificate else {})
        _done, error = attempt(lambda: _save_certificate(scope, certificate, data))
        if error is None:
            say_done(_("The health certificate is saved."))
            return redirect(url_for(".certificate_list"), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("food/certificate_form.html", form=form, certificate=certificate), status


def _save_certificate(scope, certificate, data: dict):
    checked = parse_input(CertificateInput, data, invalid=FoodInvalid)
    if certificate is None:
        return services.certificate_add(scope=scope, actor_id=current_user.id, data=checked, now=now_utc())
    return services.certificate_update(scope=scope, actor_id=current_user.id, certificate=certificate,
                                       data=checked, now=now_utc())


@bp.route("/certificates/<int:certificate_id>/retire", methods=["GET", "POST"])
def certificate_retire(certificate_id: int):
    """Recording that a worker left asks first, naming the worker and the certificate."""
    scope = current_scope()
    certificate = queries.certificate_get(scope=scope, certificate_id=certificate_id)
    if not services.keeps_certificates(scope):
        abort(403)
    back = url_for(".certificate_list")
    if not confirmed():
        return confirm_page(title=_("Has %(name)s left %(unit)s?", name=certificate.worker_name,
                                     unit=certificate.unit.name),
                             text=_("Certificate No. %(number)s leaves the list and its reminders; it is kept "
                                    "in the records.", number=certificate.number),
                             button=_("Yes, the worker has left"), back=back)
    return form_step(lambda: services.certificate_retire(scope=scope, actor_id=current_user.id,
                                                         certificate=certificate, now=now_utc()),
                     done=_("The certificate is off the list: the worker has left."), back=back)


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """The township's thresholds (§5.1) and reminder days, with the reference's defaults."""
    scope = current_scope()
    if not (scope.is_admin and scope.township_id is not None):
        abort(403)
    current = queries.rules_for(scope.township_id)
    form = FoodSettingsForm(data=None if request.method == "POST" else {
        "days_ahead": current.days_ahead, "check_min_diners": current.check_min_diners,
        "remind_days": current.remind_days})
    if form.validate_on_submit():
        _saved, error = attempt(lambda: services.food_settings_save(
            scope=scope, actor_id=current_user.id, now=now_utc(),
            data=parse_input(FoodSettingsInput, form.data, invalid=FoodInvalid)))
        if error is None:
            say_done(_("Food-safety settings saved."))
            return redirect(url_for(".settings"), 303)
        show_refusal(form, error)
    return render_template("food/settings.html", form=form, defaults=rules.default_rules()), \
        422 if request.method == "POST" else 200


@bp.app_template_global()
def food_unit_certificates(unit):
    """What a food unit's register page shows of its certificates; None for other units."""
    if getattr(unit, "category", None) not in rules.food_categories():
        return None
    return queries.unit_certificates(scope=current_scope(), unit_id=unit.id, today=local_today())
