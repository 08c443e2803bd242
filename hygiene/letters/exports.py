"""The year-end assessment's Excel export ("letter_assessment"): one row per village's or unit's letter,
each target with its actual and whether it was met, the score and the office's decision."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.excel import Sheet
from hygiene.core.input import optional_int
from hygiene.exports.registry import ExportKind, refuse_unreadable, register_export
from hygiene.extensions import db
from hygiene.letters.kinds import SUBJECTS, TARGET_KINDS
from hygiene.letters.models import TargetLetter
from hygiene.letters.queries import AssessmentRow, assessment_board, subject_is
from hygiene.letters.schemas import FIRST_YEAR, LAST_YEAR
from hygiene.letters.status import LetterStatus


def read_params(args: Mapping[str, str], today: date) -> dict:
    """The year (this year when not given) and the subject (villages or units; empty: both)."""
    text, subject = args.get("year") or "", args.get("subject") or ""
    year = optional_int(text)
    refuse_unreadable([*(["year"] if text and (year is None or not FIRST_YEAR <= year <= LAST_YEAR) else []),
                       *(["subject"] if subject and subject not in SUBJECTS else [])])
    return {"year": year or today.year, "subject": subject or None}


def _headers() -> list:
    per_kind = [title for kind in TARGET_KINDS.values()
                for title in (_("%(kind)s: target", kind=kind.label), _("%(kind)s: actual", kind=kind.label),
                              _("%(kind)s: met", kind=kind.label))]
    return [_l("No."), _l("Village or unit"), _l("Status"), _l("Signed on"), *per_kind, _l("Targets met / measured"),
            _l("Score"), _l("Decision"), _l("Reward or penalty (yuan)"), _l("Note")]


def _cells(row: AssessmentRow) -> list:
    by_kind = {r.kind: r for r in row.results}
    cells: list = []
    for key in TARGET_KINDS:
        result = by_kind.get(key)
        cells += ([result.target, result.actual, _met_word(result.met)] if result else ["", "", ""])
    letter = row.letter
    return [row.name, LetterStatus.label_of(letter.status), letter.signed_on, *cells,
            f"{row.met_count}/{row.measured_count}", row.score, letter.outcome_label, letter.amount,
            letter.decision_note]


def _met_word(met: bool | None) -> str:
    return _("not scored") if met is None else _("Met") if met else _("Not met")


def rows(scope: Scope, params: dict) -> Iterator[list]:
    for n, row in enumerate(assessment_board(scope=scope, year=params["year"], subject=params.get("subject")),
                            start=1):
        yield [n, *_cells(row)]


def export_size(scope: Scope, params: dict) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(TargetLetter).where(
        TargetLetter.year == params["year"], scope.clause(TargetLetter),
        *subject_is(params.get("subject")))) or 0


def sheets(scope: Scope, params: dict) -> list[Sheet]:
    headers = _headers()
    return [Sheet(_l("Target assessment"), headers, rows(scope, params), [6, 14, 10, 12] + [12] * (len(headers) - 4),
                  caption=_("Year-end target assessment %(year)d", year=params["year"]), freeze_headers=True)]


def file_names(params: dict) -> tuple[str, str]:
    return f"target-assessment-{params['year']}", _("Target assessment %(year)s", year=params["year"])


ASSESSMENT = register_export(ExportKind("letter_assessment", _l("Year-end target assessment"), read_params,
                                        export_size, sheets, file_names, allowed=lambda scope: scope.township_wide))
