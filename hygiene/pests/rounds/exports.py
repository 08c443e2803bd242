"""A round's coverage roster as an Excel sheet: every target with what it covered, the export
kind "round_roster" (/exports/round_roster.xlsx?round_id=...)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.clock import local_today
from hygiene.core.excel import Sheet
from hygiene.core.input import optional_int
from hygiene.errors import DomainError
from hygiene.exports.registry import ExportKind, register_export
from hygiene.extensions import db
from hygiene.pests.rounds.models import RoundTarget
from hygiene.pests.rounds.queries import BoardRow, Totals, round_board, round_get
from hygiene.pests.rounds.words import AREA_UNIT_LABELS, PART_LABELS, pests_text

HEADERS = [_l("Village / community"), _l("Unit"), _l("To cover"), _l("Measure"), _l("Covered"), _l("Coverage rate"),
           _l("Work records"), _l("Mop-ups"), _l("Open refusals"), _l("Last done"), _l("Behind")]


def roster_line(row: BoardRow) -> list:
    c = row.coverage
    measure = str(AREA_UNIT_LABELS.get(c.area_unit or "", c.area_unit)) if c.by_area else (
        _("places") if c.unit_id else _("households"))
    return [row.village, row.unit or "", c.area_target if c.by_area else c.households_target, measure,
            c.area_covered if c.by_area else c.households_covered, c.percent, c.works, c.mop_ups,
            c.open_refusals, c.last_done_on, _("Yes") if row.behind else ""]


def total_lines(totals: Totals) -> list[list]:
    """The 合计 rows: one per measure (households, places, mu), never added together; the counts
    of records on the first."""
    lines = []
    for n, part in enumerate(totals.parts):
        counts = [totals.works, totals.mop_ups, totals.open_refusals, totals.last_done_on,
                  totals.behind] if n == 0 else [None] * 5
        lines.append([_("Total (%(n)d)", n=totals.targets), None, part.target, str(PART_LABELS[part.measure]), part.covered, part.percent,
                      *counts])
    return lines


def read_params(args: Mapping[str, str], today: date) -> dict:
    round_id = optional_int(args.get("round_id"))
    if round_id is None:
        raise DomainError(_("Export the roster from the round's page."))
    return {"round_id": round_id}


def export_size(scope: Scope, params: dict) -> int:
    pest_round = round_get(scope=scope, round_id=params["round_id"])  # NotFound outside the scope
    return db.session.scalar(sa.select(sa.func.count()).select_from(RoundTarget).where(
        RoundTarget.round_id == pest_round.id, scope.clause(RoundTarget))) or 0


def export_sheets(scope: Scope, params: dict) -> list[Sheet]:
    pest_round = round_get(scope=scope, round_id=params["round_id"])
    board = round_board(scope=scope, pest_round=pest_round, today=local_today())
    caption = _("%(name)s · %(pests)s · %(start)s to %(end)s · goal %(goal)s%%", name=pest_round.name,
                pests=pests_text(pest_round.pests), start=pest_round.starts_on.isoformat(),
                end=pest_round.ends_on.isoformat(), goal=f"{pest_round.coverage_goal.normalize():f}")
    lines = [roster_line(row) for row in board.rows] + total_lines(board.totals)
    return [Sheet(_l("Coverage roster"), HEADERS, lines,
                  [14, 22, 10, 8, 10, 10, 10, 8, 10, 12, 8], caption=caption, freeze_headers=True)]


def file_names(params: dict) -> tuple[str, str]:
    return f"round-{params['round_id']}-roster", _("Round %(id)s coverage roster", id=params["round_id"])


ROUND_ROSTER = register_export(ExportKind("round_roster", _l("Round coverage roster"), read_params, export_size,
                                          export_sheets, file_names))
