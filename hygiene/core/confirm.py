"""A change that cannot be undone (cancel a banquet or a campaign, a worker left) asks first, on a
page of its own that names the record: no script, so it works under a policy without inline script.

The step's URL answers GET with the question; its POST acts only with the page's `confirm=yes`, so a
one-click form of an old page, or a link followed by a prefetcher, changes nothing."""
from __future__ import annotations

import secrets

from flask import abort, render_template, request
from flask_wtf import FlaskForm
from wtforms import HiddenField


class ConfirmForm(FlaskForm):
    """The confirmation page's form (CSRF, the answer, a key so a resend says its message once)."""

    confirm = HiddenField()
    request_key = HiddenField()


def confirmed() -> bool:
    """True for a post from the confirmation page; anything else asks first."""
    if request.method != "POST":
        return False
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    return form.confirm.data == "yes"


def confirm_page(*, title: str, text: str, button: str | None, back: str):
    """The question: what will happen, the button that does it, and the way back (no button: the
    step cannot be taken, and `text` says why)."""
    form = ConfirmForm(formdata=None, request_key=secrets.token_hex(16))
    return render_template("core/confirm.html", form=form, title=title, text=text, button=button, back=back)
