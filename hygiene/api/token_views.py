"""The page where a signed-in user makes and revokes their API tokens (cookies and CSRF, like
every page; the API itself takes the tokens)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.accounts import tokens
from hygiene.clock import now_utc
from hygiene.core.web import attempt

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Only a signed-in user has tokens."""


@bp.route("/", methods=["GET", "POST"])
def token_list():
    # the secret made by the post before, shown on this page once (a reload shows it no more,
    # and a reload never posts again: the post redirects here)
    secret, error = session.pop("new_api_token", None), None
    if request.method == "POST":
        made, error = attempt(lambda: tokens.token_create(
            user=current_user._get_current_object(), name=request.form.get("name", ""), now=now_utc()))
        if error is None:
            session["new_api_token"] = made[1]  # the table keeps only its digest
            return redirect(url_for(".token_list"), 303)
    return render_template("api/tokens.html", tokens=tokens.user_tokens(current_user), secret=secret,
                           error=error, typed=request.form.get("name", "") if error else "",
                           docs=url_for("api.openapi_document")), 422 if error else 200


@bp.post("/<int:token_id>/revoke")
def token_revoke(token_id: int):
    _token, error = attempt(lambda: tokens.token_revoke(
        user=current_user._get_current_object(), token_id=token_id, now=now_utc()))
    if error is None:
        flash(_("The token is revoked: programs using it can no longer sign in."), "success")
    return redirect(url_for(".token_list"), 303)
