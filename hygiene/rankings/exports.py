"""The rankings' Excel workbooks: the ranking, the red and black lists, the overdue orders and the 说明.

A published ranking is its frozen snapshot; a live one is computed as it stands. Both are small
(one row per village or unit), so they are written in the request by the one writer
(hygiene/core/excel.py).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.clock import to_local
from hygiene.core.excel import Sheet, decimal_or_none, workbook
from hygiene.rankings.components import COMPONENTS
from hygiene.rankings.forms import subject_label
from hygiene.rankings.models import RankingPublication
from hygiene.rankings.queries import live_rows, publication_context, township_name

REASONS = {"too_few_inspections": _l("Too few inspections"), "no_score": _l("No score")}


# --- rankings -------------------------------------------------------------------------------

def ranking_sheets(*, rows: list[dict], components: Sequence[tuple[str, object]], red_list: list[dict],
                   black_list: list[dict], overdue_orders: list[dict] | None, about: Sequence[tuple[object, object]],
                   caption: object = "") -> list[Sheet]:
    """The ranking (snapshot-shaped rows), the red and black lists, the overdue orders (when
    known), and the 说明 of how it was made."""
    keys = [key for key, _label in components]
    ranking = [[r["rank"], r["name"], decimal_or_none(r["score"]),
                *(decimal_or_none(r["components"].get(k)) for k in keys), r["inspections"], r["overdue"],
                str(REASONS.get(r["reason"], r["reason"])) if r["reason"] else ""] for r in rows]
    lists = [[str(label), r["rank"], r["name"], decimal_or_none(r["score"])]
             for label, entries in ((_l("Red list"), red_list), (_l("Black list"), black_list)) for r in entries]
    sheets = [
        Sheet(_l("Ranking"), [_l("Rank"), _l("Name"), _l("Total score"), *(label for _k, label in components),
                              _l("Inspections counted"), _l("Overdue orders"), _l("Not ranked because")],
              ranking, [8, 28, 12, *(14 for _k in keys), 12, 12, 18], caption),
        Sheet(_l("Red and black lists"), [_l("List"), _l("Rank"), _l("Name"), _l("Total score")], lists,
              [10, 8, 28, 12]),
        Sheet(_l("About"), [_l("Topic"), _l("Details")], about, [30, 40])]
    if overdue_orders is not None:
        overdue = [[o["number"], o["target"], date.fromisoformat(o["deadline"])] for o in overdue_orders]
        sheets.insert(2, Sheet(_l("Overdue orders"), [_l("Number"), _l("Target"), _l("Deadline")], overdue,
                               [18, 32, 14]))
    return sheets


def component_labels(keys: Iterable[str]) -> list[tuple[str, object]]:
    """(key, label) of the components in registry order; keys no longer registered come last."""
    known = {c.key: c.label for c in COMPONENTS}
    wanted = list(keys)
    return ([(c.key, c.label) for c in COMPONENTS if c.key in wanted]
            + [(key, key) for key in wanted if key not in known])


def about_rows(*, township: str, period: str, subject: str, weights: dict, min_inspections: int,
               published_at: datetime | None = None, published_by: str = "", corrects: str = "",
               note: str = "") -> list[tuple[object, object]]:
    """The 说明 sheet: whose ranking, of what, how it was weighed, and when and by whom published."""
    rows = [(_l("Township"), township), (_l("Period"), period), (_l("Ranked"), subject)]
    rows += [(_("Weight: %(component)s", component=str(label)), decimal_or_none(weights[key]))
             for key, label in component_labels(weights)]
    rows += [(_l("Minimum inspections to be ranked"), min_inspections),
             (_l("Published at"), published_at or _("Not published"))]
    if published_at:
        rows.append((_l("Published by"), published_by))
    if corrects:
        rows += [(_l("Corrects"), corrects), (_l("What it corrects"), note)]
    return rows


def publication_workbook(publication: RankingPublication) -> bytes:
    """The frozen snapshot exactly as published; nothing is computed again."""
    context = publication_context(publication)
    corrected, by = context.corrects, context.published_by
    about = about_rows(
        township=township_name(publication.township_id), period=publication.period_key,
        subject=subject_label(publication.subject), weights=publication.weights,
        min_inspections=publication.min_inspections, published_at=publication.published_at,
        published_by=by.display_name if by else "", note=publication.note,
        corrects=_("Ranking no. %(id)s published %(time)s", id=corrected.id,
                   time=to_local(corrected.published_at).strftime("%Y-%m-%d %H:%M")) if corrected else "")
    return workbook(ranking_sheets(
        rows=publication.rows, components=component_labels(publication.weights), red_list=publication.red_list,
        black_list=publication.black_list, overdue_orders=publication.overdue_orders, about=about))


def live_workbook(*, ranking, township: str, now: datetime) -> bytes:
    """ranking_compute's result as it stands now, with a line saying it is not published."""
    rows = live_rows(ranking)
    red, black = red_and_black(rows, ranking.list_size)
    weights = {key: str(value) for key, value in ranking.weights.items()}
    about = about_rows(township=township, period=ranking.period.key, subject=subject_label(ranking.subject.key),
                       weights=weights, min_inspections=ranking.min_inspections)
    caption = _("Live ranking, not published; computed %(time)s.", time=to_local(now).strftime("%Y-%m-%d %H:%M"))
    return workbook(ranking_sheets(rows=rows, components=component_labels(weights), red_list=red,
                                   black_list=black, overdue_orders=None, about=about, caption=caption))


def red_and_black(rows: list[dict], size: int) -> tuple[list[dict], list[dict]]:
    """The first and the last `size` ranked rows, as publishing lists them."""
    ranked = [row for row in rows if row["rank"]]
    return ranked[:size], list(reversed(ranked[-size:])) if len(ranked) > size else []
