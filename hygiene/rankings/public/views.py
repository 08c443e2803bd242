"""Public ranking pages (no login): they read published snapshots only.

A page that is not cached runs one or two queries. A page served within the last minute is
served again from memory without a query, and browsers and proxies may keep it five minutes:
a snapshot never changes, and a correction (a new publication) shows within that time.
"""
from __future__ import annotations

import time
from decimal import Decimal

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import get_babel
from flask_babel import gettext as _

from hygiene.core.error_page import register_error_page
from hygiene.places.rules import UNIT_CATEGORIES
from hygiene.rankings import charts
from hygiene.rankings.forms import period_label
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
_pages: dict[tuple[str, str], tuple[float, str]] = {}   # (path, locale) -> (expires, html)
_MAX_PAGES = 500


@bp.before_request
def _from_memory():
    if not current_app.config.get("PUBLIC_PAGE_CACHE_SECONDS", 60):
        return None
    selector = get_babel().locale_selector  # the language, without the cost of parsing a Locale
    g.public_page_key = (request.full_path, str(selector() if selector else ""))
    found = _pages.get(g.public_page_key)
    if found and found[0] > time.monotonic():
        g.public_page_cached = True
        return found[1]
    return None


@bp.after_request
def _cacheable(response):
    if response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = MAX_AGE
        _remember(response)
    return response


def _remember(response) -> None:
    seconds = current_app.config.get("PUBLIC_PAGE_CACHE_SECONDS", 60)
    if seconds and not g.get("public_page_cached"):
        if len(_pages) >= _MAX_PAGES:
            _pages.clear()  # crude but bounded; the pages come back on the next request
        _pages[g.public_page_key] = (time.monotonic() + seconds, response.get_data(as_text=True))


def forget_pages() -> None:
    """Drop every page kept in memory (tests, and after a correction that must show at once)."""
    _pages.clear()


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
