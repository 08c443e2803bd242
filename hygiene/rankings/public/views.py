"""Public ranking pages (no login): they read published snapshots only.

A page is rendered once per generation of its township's publications and then served from
the bytes kept in the database (public/pages.py) by every process, in one statement; browsers
and proxies may keep it five minutes: a snapshot never changes, and a correction (a new
publication) shows at once on the site and within that time behind a proxy.
"""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, abort, g, render_template, request
from flask_babel import get_babel
from flask_babel import gettext as _

from hygiene.core.error_page import register_error_page
from hygiene.extensions import limiter
from hygiene.places.rules import UNIT_CATEGORIES
from hygiene.rankings import charts
from hygiene.rankings.forms import period_label
from hygiene.rankings.public.pages import page_keep, page_kept
from hygiene.rankings.public.queries import (
    VILLAGES,
    TownshipIssues,
    publication_snapshot,
    published_townships,
    township_issues,
    village_trend,
)

bp = Blueprint("public", __name__, url_prefix="/public")
MAX_AGE = 300           # seconds a browser or proxy may keep a page
_CACHE_CONTROL = f"public, max-age={MAX_AGE}"
# the query each page reads: a page asked with any other query is rendered, never kept, so only
# addresses that name a published page (a finite set) are kept
_KEPT_ARGS = {"public.township_period": {"subject", "lang"}, "public.village_page": {"kind", "lang"}}
_LOCALES = ("zh_CN", "en")


@limiter.request_filter
def _no_route_limits() -> bool:
    """Public pages carry no route limit (sign-in throttling, accounts/throttle.py, uses the limiter's
    store itself), so the limiter need not look for one on each of their requests: the looking
    cost a kept page about a sixth of its time in Flask (bench/public_pages.py)."""
    return request.blueprint == bp.name


@bp.before_request
def _kept_page():
    key = _page_key()
    if key is None:
        return None
    generation, body = page_kept(**key)
    if body is not None:
        return _page(body)
    g.public_page = {**key, "generation": generation}
    return None


def _page_key() -> dict | None:
    """Where the page is kept: its address as asked, the language and the township it belongs to."""
    if request.query_string:  # most addresses have none: their arguments need no reading
        args = request.args
        known = _KEPT_ARGS.get(request.endpoint or "", {"lang"})
        if any(k not in known for k in args) or any(len(args.getlist(k)) > 1 for k in args):
            return None
        if args.get("lang", _LOCALES[0]) not in _LOCALES:
            return None
    selector = get_babel().locale_selector  # the language, without the cost of parsing a Locale
    return {"path": request.full_path, "locale": str(selector() if selector else ""),
            "township_id": (request.view_args or {}).get("township_id")}


def _page(body: bytes) -> Response:
    return Response(body, content_type="text/html; charset=utf-8")


@bp.after_request
def _cacheable(response):
    if response.status_code == 200:
        response.headers["Cache-Control"] = _CACHE_CONTROL  # a string: no header object parsed and written back
        key = g.pop("public_page", None)
        if key is not None and len(key["path"]) <= 300:
            page_keep(**key, body=response.get_data())
    return response


def _not_found_page() -> str:
    return render_template("rankings/public_404.html")


# also for an address no route matches (/public/abc/), which no blueprint handler sees
register_error_page("/public/", 404, _not_found_page)


@bp.context_processor
def _labels():
    return {"period_label": period_label, "subject_label": subject_label, "reason_label": reason_label}


@bp.get("/")
def township_list():
    return render_template("rankings/public_index.html", townships=published_townships())


@bp.get("/<int:township_id>/")
def township_latest(township_id: int):
    issues = _issues(township_id)
    return _ranking_page(issues, issues.latest_period() or "", subject=None)


@bp.get("/<int:township_id>/<period_key>/")
def township_period(township_id: int, period_key: str):
    return _ranking_page(_issues(township_id), period_key, subject=request.args.get("subject"))


@bp.get("/<int:township_id>/villages/<int:village_id>/")
def village_page(township_id: int, village_id: int):
    trend = village_trend(township_id=township_id, village_id=village_id, kind=request.args.get("kind"))
    if trend is None:
        abort(404)
    points = [(p.period_key, Decimal(p.row["score"]) if p.row and p.row["score"] else None)
              for p in trend.points]
    chart = charts.trend_svg(points, title=_("Score trend of %(name)s", name=trend.village_name))
    return render_template("rankings/public_village.html", trend=trend, chart=chart,
                           township_id=township_id, village_id=village_id)


def _issues(township_id: int) -> TownshipIssues:
    return township_issues(township_id) or abort(404)


def _ranking_page(issues: TownshipIssues, period_key: str, *, subject: str | None):
    subjects = issues.subjects(period_key)
    issue = issues.current(subject or next(iter(subjects), VILLAGES), period_key)
    if issue is None:
        abort(404)
    snapshot = publication_snapshot(issue.id)
    scores = [Decimal(row["score"]) for row in snapshot.rows if row["rank"]]
    chart = charts.distribution_svg(scores, title=_("Score distribution"))
    return render_template("rankings/public_township.html", issues=issues, issue=issue, snapshot=snapshot,
                           subjects=subjects, ranked=len(scores), chart=chart,
                           bands=list(zip(charts.band_labels(), charts.band_counts(scores), strict=True)))


def subject_label(subject: str) -> str:
    """Villages, or the unit category's name."""
    if subject == VILLAGES:
        return _("Villages and communities")
    category = subject.removeprefix("units:")
    return _("Units: %(category)s", category=UNIT_CATEGORIES.get(category, category))


def reason_label(reason: str) -> str:
    """Why a row has no rank."""
    return _("No score") if reason == "no_score" else _("Too few inspections")
