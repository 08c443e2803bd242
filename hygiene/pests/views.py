"""The supplies ledger pages (药物领取登记): products, a product's movements and holders, the
township's ledger and its Excel. Thin: rules in pests.services, reads in pests.queries."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.clock import local_today, now_utc
from hygiene.core.download import download
from hygiene.core.excel import workbook
from hygiene.core.schemas import parse_input
from hygiene.core.web import attempt, current_scope, paginated, show_refusal
from hygiene.pests import queries, services
from hygiene.pests.exports import ledger_sheet
from hygiene.pests.forms import MovementForm, PestSettingsForm, ProductForm
from hygiene.pests.schemas import MOVEMENT_KINDS, MovementInput, PestSettingsInput, ProductInput
from hygiene.pests.services import LedgerRefused
from hygiene.pests.words import UNIT_WORDS

bp = Blueprint("pests", __name__, url_prefix="/supplies")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every ledger page needs a signed-in user who has a ledger to see."""
    if not current_scope().sees_supplies:
        abort(403)


def _keeper():
    scope = current_scope()
    if not scope.keeps_supplies_ledger:
        abort(403)
    return scope


@bp.get("/")
def product_list():
    scope = current_scope()
    return render_template("pests/products.html", page=paginated(queries.product_list_stmt(scope), per_page=50))


def _product_data(form: ProductForm) -> dict:
    data = dict(form.data)
    data["minimum_stock"] = data.get("minimum_stock") or "0"
    return data


@bp.route("/new", methods=["GET", "POST"])
def product_new():
    scope = _keeper()
    form = ProductForm()
    if form.validate_on_submit():
        product, error = attempt(lambda: services.product_create(
            scope=scope, actor_id=current_user.id, now=now_utc(),
            data=parse_input(ProductInput, _product_data(form), invalid=LedgerRefused)))
        if error is None:
            flash(_("Saved “%(name)s”.", name=product.name), "success")
            return redirect(url_for(".product_page", product_id=product.id), 303)
        show_refusal(form, error)
    return render_template("pests/product_form.html", form=form, product=None), 422 if form.errors else 200


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
def product_edit(product_id: int):
    scope = current_scope()
    product = queries.product_get(scope, product_id)
    _keeper()
    form = ProductForm(obj=product)
    if form.validate_on_submit():
        _saved, error = attempt(lambda: services.product_update(
            scope=scope, actor_id=current_user.id, product=product, now=now_utc(),
            data=parse_input(ProductInput, _product_data(form), invalid=LedgerRefused)))
        if error is None:
            flash(_("Saved “%(name)s”.", name=product.name), "success")
            return redirect(url_for(".product_page", product_id=product.id), 303)
        show_refusal(form, error)
    return render_template("pests/product_form.html", form=form, product=product), 422 if form.errors else 200


@bp.route("/<int:product_id>", methods=["GET", "POST"])
def product_page(product_id: int):
    """The product, its movements and who holds it; the office's admins enter movements here."""
    scope = current_scope()
    product = queries.product_get(scope, product_id)
    form = None
    if scope.keeps_supplies_ledger:
        form = MovementForm(data=None if request.method == "POST" else
                            {"form_key": uuid.uuid4().hex, "moved_on": local_today(), "kind": "issue"})
        form.prepare(*queries.holder_choices(scope))
    elif request.method == "POST":
        abort(403)
    if form is not None and form.validate_on_submit():
        _movement, error = attempt(lambda: services.movement_record(
            scope=scope, actor_id=current_user.id, product=product, now=now_utc(),
            data=parse_input(MovementInput, form.data, invalid=LedgerRefused)))
        if error is None:
            flash(_("The movement is recorded."), "success")
            return redirect(url_for(".product_page", product_id=product.id), 303)
        show_refusal(form, error)
    status = 422 if form is not None and form.errors else 200
    return render_template("pests/product.html", product=product, form=form,
                           movements=queries.movements_of(scope, product),
                           holders=queries.held_by_holders(scope, product),
                           movement_kinds=MOVEMENT_KINDS), status


@bp.get("/ledger")
def ledger():
    scope = current_scope()
    if not scope.township_wide:
        abort(403)
    return render_template("pests/ledger.html", rows=queries.ledger_rows(scope, local_today()))


@bp.get("/ledger.xlsx")
def ledger_xlsx():
    scope = current_scope()
    if not scope.township_wide:
        abort(403)
    today = local_today()
    return download(workbook([ledger_sheet(scope, today)]), ascii_name=f"supplies-ledger-{today}.xlsx",
                    name=f"药物领取登记-{today}.xlsx")


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """The office's reminder rules: the peak-season spray cadence, the days before a round ends."""
    scope = _keeper()
    assert scope.township_id is not None
    rules = queries.reminder_rules({scope.township_id})[scope.township_id]
    form = PestSettingsForm(data=None if request.method == "POST" else {
        "spray_months": [str(m) for m in sorted(rules.cadence.months)],
        "spray_every_days_min": rules.cadence.every_days_min, "spray_every_days_max": rules.cadence.every_days_max,
        "days_before_end": rules.days_before_end})
    if form.validate_on_submit():
        _saved, error = attempt(lambda: services.pest_settings_save(
            scope=scope, actor_id=current_user.id, now=now_utc(),
            data=parse_input(PestSettingsInput, form.data, invalid=LedgerRefused)))
        if error is None:
            flash(_("Pest-control settings saved."), "success")
            return redirect(url_for(".settings"), 303)
        show_refusal(form, error)
    return render_template("pests/settings.html", form=form), 422 if form.errors else 200


@bp.app_template_filter("amount")
def amount_text(value) -> str:
    """A stored quantity as people write it: 12.5, not 12.500 or 1.25E+1."""
    from decimal import Decimal

    return f"{Decimal(str(value or 0)).quantize(Decimal('0.001')).normalize():f}"


@bp.app_template_filter("unit_word")
def unit_word(unit: str) -> str:
    """A product's unit in the reader's language (千克, not kg)."""
    return str(UNIT_WORDS.get(unit, unit))
