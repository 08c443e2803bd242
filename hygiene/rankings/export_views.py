"""Excel exports of rankings, inspections with their items, and orders.

Every download needs a login and reads through the user's scope: office staff export their
township's rankings and records, village and unit contacts only their own inspections and orders.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, request
from flask_babel import gettext as _
from flask_login import login_required

from hygiene.clock import local_today, now_utc
from hygiene.core.error_page import error_page
from hygiene.core.input import db_int
from hygiene.core.periods import period_containing
from hygiene.core.web import current_scope, require_office
from hygiene.errors import DomainError
from hygiene.rankings import exports, queries
from hygiene.rankings.forms import read_period, read_subject, subject_label
from hygiene.rankings.services import ranking_compute

bp = Blueprint("exports", __name__, url_prefix="/exports")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every export needs a signed-in user."""


@bp.get("/rankings/<int:publication_id>.xlsx")
def ranking_publication(publication_id: int):
    publication = queries.publication_get(scope=current_scope(), publication_id=publication_id)
    name = _("%(township)s %(subject)s ranking %(period)s", period=publication.period_key,
             township=queries.township_name(publication.township_id), subject=subject_label(publication.subject))
    return _xlsx(exports.publication_workbook(publication),
                 f"ranking-{publication.id}-{publication.period_key}.xlsx", name)


@bp.get("/rankings/live.xlsx")
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
        return _bad_request(_("Choose a period such as 2026-10, 2026-Q4 or 2026, and villages or a unit category."))
    township = queries.township_name(township_id)
    data = exports.live_workbook(ranking=ranking_compute(subject=subject, period=period), township=township,
                                 now=now_utc())
    name = _("%(township)s %(subject)s live ranking %(period)s (not published)", township=township,
             subject=subject_label(subject.key), period=period.key)
    return _xlsx(data, f"ranking-live-{period.key}-{subject.key.replace(':', '-')}.xlsx", name)


@bp.get("/inspections.xlsx")
def inspections():
    today = local_today()
    try:
        start, end = exports.export_range(request.args.get("start"), request.args.get("end"), today=today)
    except DomainError as error:
        return _bad_request(error.message)
    rows, answers = exports.inspection_rows(
        scope=current_scope(), today=today, start=start, end=end, status=request.args.get("status", ""),
        village_id=request.args.get("village_id", type=db_int))
    name = _("Inspections %(start)s to %(end)s", start=start.isoformat(), end=end.isoformat())
    return _xlsx(exports.workbook(exports.inspection_sheets(rows, answers)),
                 f"inspections-{start.isoformat()}-{end.isoformat()}.xlsx", name)


@bp.get("/orders.xlsx")
def orders():
    today = local_today()
    rows = exports.order_rows(scope=current_scope(), today=today, status=request.args.get("status", ""),
                              village_id=request.args.get("village_id", type=db_int))
    name = _("Rectification orders %(date)s", date=today.isoformat())
    return _xlsx(exports.workbook(exports.order_sheets(rows)), f"orders-{today.isoformat()}.xlsx", name)


def _xlsx(data: bytes, ascii_name: str, name: str) -> Response:
    """A download with a plain ASCII file name and the Chinese one for browsers that read it."""
    response = Response(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name + '.xlsx', safe='')}")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _bad_request(message: str):
    flash(message, "error")
    return error_page(400)
