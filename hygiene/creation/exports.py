"""The creation export: every application and title of the scope (one year, or all), with its
steps' dates and the reward paid. Declared as the export kind "creation_applications"."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.excel import Sheet
from hygiene.core.input import optional_int
from hygiene.creation.queries import applications
from hygiene.creation.schemas import FIRST_YEAR, LAST_YEAR
from hygiene.creation.status import CreationStatus
from hygiene.creation.words import title_name
from hygiene.exports.registry import ExportKind, refuse_unreadable, register_export
from hygiene.extensions import db

BATCH = 1000
HEADERS = [_l("No."), _l("Village / community"), _l("Unit"), _l("Title"), _l("Creation year"), _l("Status"),
           _l("Applied on"), _l("Self-assessed score"), _l("Township reviewed on"), _l("Submitted to the county"),
           _l("County acceptance on"), _l("Named on"), _l("Naming document"), _l("Re-review due"),
           _l("Reward (yuan)"), _l("Reward paid on"), _l("Reason")]


def read_params(args: Mapping[str, str], today: date) -> dict:
    """The year (empty: every year)."""
    text = args.get("year") or ""
    year = optional_int(text)
    refuse_unreadable(["year"] if text and (year is None or not FIRST_YEAR <= year <= LAST_YEAR) else [])
    return {"year": year}


def rows(scope: Scope, params: dict) -> Iterator[list]:
    found = db.session.scalars(applications(scope=scope, year=params.get("year")))
    for n, a in enumerate(found, start=1):
        yield [n, a.village.name, a.unit.name if a.unit else "", title_name(a.kind, a.level), a.year, CreationStatus.label_of(a.status),
               a.applied_on, a.self_score, a.reviewed_on, a.submitted_on, a.accepted_on, a.named_on, a.document,
               a.review_due_on if a.named_on else None, a.reward_amount, a.reward_paid_on, a.reason]


def size(scope: Scope, params: dict) -> int:
    chosen = applications(scope=scope, year=params.get("year")).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(chosen.subquery())) or 0


def sheets(scope: Scope, params: dict) -> list[Sheet]:
    caption = (_("Creation applications and titles, %(year)d", year=params["year"]) if params.get("year")
               else _("Creation applications and titles, every year"))
    return [Sheet(_l("Applications and titles"), HEADERS, rows(scope, params),
                  [6, 14, 20, 18, 10, 14, 12, 10, 12, 12, 12, 12, 20, 12, 10, 12, 24],
                  caption=caption, freeze_headers=True)]


def names(params: dict) -> tuple[str, str]:
    year = params.get("year") or "all"
    return f"creation-{year}", _("Creation applications %(year)s", year=year)


APPLICATIONS = register_export(ExportKind("creation_applications", _l("Creation applications and titles"),
                                          read_params, size, sheets, names))
