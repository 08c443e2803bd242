"""The briefing pages: the office reads its township's briefing of a month or a week, prints it
on A4, and shares a read-only link with leaders who have no account (revocable)."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.access.scope import Scope
from hygiene.briefing import services
from hygiene.briefing.forms import LinkForm, RevokeForm
from hygiene.briefing.periods import KINDS, read_period
from hygiene.clock import local_today, now_utc
from hygiene.core.input import optional_int
from hygiene.core.periods import parse_period
from hygiene.core.web import current_scope, form_step, public_url, require_admin, require_office, say_left_out
from hygiene.places.queries import visible_townships

bp = Blueprint("briefing", __name__, url_prefix="/briefing")
public = Blueprint("briefing_link", __name__)


@bp.before_request
@login_required
def _office_only() -> None:
    """The briefing is the office's (admins and inspectors); contacts get 403."""
    if not current_scope().township_wide:
        abort(403)


@bp.get("/")
def briefing_page():
    scope = require_office()
    township_id = _township_of(scope, request.args.get("township"))
    period, unread = read_period(request.args.get("period"), local_today())
    say_left_out(["period"] if unread else [])
    briefing = services.briefing_build(township_id=township_id, period=period)
    form = LinkForm(township=str(township_id), request_key=secrets.token_hex(16))
    links = services.links_of(township_id=township_id, period=period) if scope.is_admin else []
    return render_template("briefing/page.html", briefing=briefing, words=services.period_words(period),
                           local_today=local_today, form=form, revoke_form=RevokeForm(), links=links, can_share=scope.is_admin,
                           townships=visible_townships(scope) if scope.is_county_admin else [],
                           link_url=lambda link: public_url("briefing_link.shared", token=link.token))


@bp.post("/<period_key>/links")
def link_create(period_key: str):
    scope = require_admin()
    period = _period_or_404(period_key)
    form = LinkForm()
    township_id = _township_of(scope, form.township.data)
    back = url_for("briefing.briefing_page", period=period.key, township=township_id)
    key = (form.request_key.data or "").strip()
    if not form.validate_on_submit() or not (8 <= len(key) <= 64 and key.isalnum()):
        flash(_("The form has expired. Please try again."), "error")
        return redirect(back, 303)
    return form_step(lambda: services.link_create(scope=scope, township_id=township_id, period=period,
                                                  request_key=key, actor_id=current_user.id, now=now_utc()),
                     done=_("A link to this briefing was made. Anyone with it can read the briefing until it is revoked."),
                     back=back)


@bp.post("/links/<token>/revoke")
def link_revoke(token: str):
    scope = require_admin()
    if not _token_shape(token):
        abort(404)
    if not RevokeForm().validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return redirect(url_for("briefing.briefing_page"), 303)
    return form_step(lambda: services.link_revoke(scope=scope, token=token, actor_id=current_user.id, now=now_utc()),
                     done=_("The link was revoked: it no longer opens the briefing."),
                     back=url_for("briefing.briefing_page"),
                     to=lambda link: url_for("briefing.briefing_page", period=link.period_key,
                                             township=link.township_id))


@public.get("/b/<token>")
def shared(token: str):
    """A shared briefing: read only, without a login, until the link is revoked."""
    if not _token_shape(token):
        abort(404)
    link = services.link_by_token(token)
    period = _period_or_404(link.period_key)
    briefing = services.briefing_build(township_id=link.township_id, period=period)
    response = make_response(render_template("briefing/shared.html", briefing=briefing,
                                              words=services.period_words(period), local_today=local_today))
    response.headers["Referrer-Policy"] = "no-referrer"  # the token must not leave in a Referer
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _township_of(scope: Scope, asked: str | None) -> int:
    """A township's own office reads its township; the county's administrator the one asked for
    (else the first of the county)."""
    if scope.township_id is not None:
        return scope.township_id
    wanted = optional_int(asked)
    townships = visible_townships(scope)
    if not townships:
        abort(404)
    if wanted is None:
        return townships[0].id
    if wanted not in {t.id for t in townships}:
        abort(404)
    return wanted


def _period_or_404(key: str):
    try:
        return parse_period(key, kinds=KINDS)
    except ValueError:
        abort(404)


def _token_shape(token: str) -> bool:
    return 8 <= len(token) <= 43 and token.replace("-", "").replace("_", "").isalnum()
