"""The rankings' Excel downloads, at /exports/rankings/ beside the other exports.

A ranking is one row per village or unit: small, so it is written in the request. The
publication's file is open to those who may see the publication; the live ranking to the office.
"""
from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_login import login_required

from hygiene.clock import local_today, now_utc
from hygiene.core.download import download
from hygiene.core.error_page import error_page
from hygiene.core.input import db_int
from hygiene.core.periods import period_containing
from hygiene.core.web import current_scope, require_office
from hygiene.rankings import exports, queries
from hygiene.rankings.forms import read_period, read_subject, subject_label
from hygiene.rankings.services import ranking_compute

bp = Blueprint("ranking_exports", __name__, url_prefix="/exports/rankings")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every export needs a signed-in user."""


@bp.get("/<int:publication_id>.xlsx")
def ranking_publication(publication_id: int):
    publication = queries.publication_get(scope=current_scope(), publication_id=publication_id)
    name = _("%(township)s %(subject)s ranking %(period)s", period=publication.period_key,
             township=queries.township_name(publication.township_id), subject=subject_label(publication.subject))
    return download(exports.publication_workbook(publication),
                    ascii_name=f"ranking-{publication.id}-{publication.period_key}.xlsx", name=f"{name}.xlsx")


@bp.get("/live.xlsx")
def ranking_live():
    """The ranking as it stands, for the office to check before publishing."""
    scope = require_office()
    township_id = scope.township_id or request.args.get("township_id", type=db_int)
    if township_id is None or not scope.covers_township(township_id):
        abort(404)
    try:
        subject = read_subject(township_id, request.args.get("subject"))
        period = read_period(request.args, period_containing("month", local_today()).previous())
    except ValueError:
        return error_page(400, _("Choose a period such as 2026-10, 2026-Q4 or 2026, and villages or a "
                                 "unit category."))
    township = queries.township_name(township_id)
    data = exports.live_workbook(ranking=ranking_compute(subject=subject, period=period), township=township,
                                 now=now_utc())
    name = _("%(township)s %(subject)s live ranking %(period)s (not published)", township=township,
             subject=subject_label(subject.key), period=period.key)
    return download(data, ascii_name=f"ranking-live-{period.key}-{subject.key.replace(':', '-')}.xlsx",
                    name=f"{name}.xlsx")
