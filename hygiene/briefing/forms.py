"""The briefing's forms: share a link (one per form shown), revoke one; both carry CSRF."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class LinkForm(FlaskForm):
    request_key = HiddenField()  # one per form shown: a double tap makes one link
    township = HiddenField()


class RevokeForm(FlaskForm):
    pass
