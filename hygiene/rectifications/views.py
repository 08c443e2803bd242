"""Rectification order pages: list, detail with the next step, printable notice, short link."""
from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.audit.queries import events_for
from hygiene.clock import local_today, now_utc
from hygiene.core.web import current_scope, form_step, paginated, photo_limits, photo_store, say_left_out
from hygiene.errors import DomainError, Forbidden, NotFound
from hygiene.media.download import send_photo
from hygiene.media.reuse import photo_uses
from hygiene.places.queries import village_choices
from hygiene.rectifications import queries, services
from hygiene.rectifications.filters import list_filters
from hygiene.rectifications.notice import notices_for
from hygiene.rectifications.status import LIST_FILTERS, OrderStatus

bp = Blueprint("orders", __name__, url_prefix="/orders")
bp.add_app_template_global(OrderStatus, "OrderStatus")  # links to a filtered list name the status by it
public = Blueprint("order_link", __name__)


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every order page needs a signed-in user; the short link shows only the notice."""


@bp.get("/")
def order_list():
    scope, today, filters = current_scope(), local_today(), _list_filters()
    page = paginated(queries.order_list_stmt(scope=scope, today=today, **filters), per_page=25)
    return render_template("rectifications/list.html", page=page, filters=filters, today=today,
                           villages=village_choices(scope) if scope.township_wide else [],
                           status_filters=LIST_FILTERS)


@bp.get("/<int:order_id>")
def order_detail(order_id: int):
    scope = current_scope()
    order = queries.order_get(scope=scope, order_id=order_id)
    photos = queries.order_photos(order)
    return render_template("rectifications/detail.html", order=order, today=local_today(),
                           photos=photos, scope=scope, evidence_key=uuid.uuid4().hex,
                           can_report_fix=order.is_open and scope.reports_fixes,
                           uses=photo_uses([p for group in photos.values() for p in group], scope)
                           if scope.township_wide else {},
                           events=events_for(order) if scope.sees_audit_trail else [])


@bp.post("/<int:order_id>/<any(acknowledge,evidence,reinspect,deadline):step>")
def order_step(order_id: int, step: str):
    scope = current_scope()
    order = queries.order_get(scope=scope, order_id=order_id)
    return form_step(lambda: _do_step(step, scope, order), done=lambda message: message,
                     back=url_for(".order_detail", order_id=order_id))


def _do_step(step: str, scope, order) -> str:
    """Run one step of the order's life through its service; return what to tell the user."""
    common = {"scope": scope, "user": current_user, "order": order, "now": now_utc()}
    photos = [(f.filename, f.read()) for f in request.files.getlist("photos") if f and f.filename]
    media = {"photos": photos, "store": photo_store(), "limits": photo_limits()}
    if step == "acknowledge":
        services.order_acknowledge(**common)
        return _("Receipt confirmed.")
    if step == "evidence":
        services.order_submit_evidence(**common, **media, note=request.form.get("note", ""),
                                       evidence_key=request.form.get("evidence_key", ""))
        return _("Thank you. The inspector will check the fix.")
    if step == "reinspect":
        passed = request.form.get("result") == "pass"
        if request.form.get("result") not in ("pass", "fail"):
            raise DomainError(_("Choose whether the fix passed."))
        follow = services.order_reinspect(**common, **media, passed=passed,
                                          note=request.form.get("note", ""))
        return (_("Closed.") if follow is None
                else _("Not fixed: follow-up order %(number)s issued.", number=follow.display_number))
    return _set_deadline(scope, order)


def _list_filters() -> dict:
    """The orders list's filters from the query string (the batch print uses the same)."""
    filters, unread = list_filters(request.args)
    say_left_out(unread)
    return filters


def _set_deadline(scope, order) -> str:
    try:
        wanted = date.fromisoformat(request.form.get("deadline", ""))
    except ValueError:
        raise DomainError(_("Enter a date.")) from None
    moved = services.order_set_deadline(scope=scope, actor_id=current_user.id, order=order, deadline=wanted)
    if moved:
        return _("%(wanted)s is not a working day; the deadline is now %(date)s.",
                 wanted=wanted.isoformat(), date=order.deadline.isoformat())
    return _("The deadline is now %(date)s.", date=order.deadline.isoformat())


@bp.get("/<int:order_id>/notice")
def order_notice(order_id: int):
    order = queries.order_get(scope=current_scope(), order_id=order_id)
    return _render_notice(order)


@bp.get("/notices")
def order_notices():
    """The listed orders' notices, one per A4 page, to print a month's notices at once."""
    limit, filters = current_app.config["NOTICE_BATCH_LIMIT"], _list_filters()
    orders, total = queries.orders_for_print(scope=current_scope(), today=local_today(), limit=limit,
                                             **filters)
    if total > limit:
        flash(_("%(count)d orders match; at most %(limit)d notices print at once. Choose a village, "
                "a month or a status first.", count=total, limit=limit), "error")
        return redirect(url_for(".order_list", **request.args)), 303
    return render_template("rectifications/notices.html", notices=notices_for(orders), filters=filters,
                           annex=request.args.get("photos") == "1")


@public.get("/o/<token>")
def order_short_link(token: str):
    """The QR code on the paper notice opens this: the notice itself, no login needed."""
    return _render_notice(_order_of_token(token), public=True)


@public.get("/o/<token>/report")
def order_short_link_report(token: str):
    """The notice's "report the fix" button: the order's own page, through sign-in. The button
    names only the token, so a visitor who is not signed in learns nothing new of the order."""
    order = _order_of_token(token)
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.path)), 303
    try:
        queries.order_get(scope=current_scope(), order_id=order.id)
    except NotFound:
        raise Forbidden(_("This notice is addressed to another village or unit. Sign in with the "
                          "account of the village or unit it names to report the fix.")) from None
    return redirect(url_for("orders.order_detail", order_id=order.id)), 303


def _order_of_token(token: str):
    if not (8 <= len(token) <= 16 and token.replace("-", "").replace("_", "").isalnum()):
        abort(404)
    return queries.order_by_token(token)


@public.get("/o/<token>/photos/<int:photo_id>")
def order_short_link_photo(token: str, photo_id: int):
    """A display copy of one of the notice's photos (metadata stripped), for the short link."""
    order = queries.order_by_token(token) if token.replace("-", "").replace("_", "").isalnum() else abort(404)
    photo = next((p for group in queries.order_photos(order).values() for p in group if p.id == photo_id), None)
    return send_photo(photo, "display") if photo else abort(404)


def _render_notice(order, public: bool = False):
    return render_template("rectifications/notice.html", notice=notices_for([order])[0], public=public)
