"""The rectification orders' Excel export: one row per order of the list page's filters, in number order.

Declared as the export kind "orders"; rows are streamed in batches into the one writer.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from hygiene.access.scope import Scope
from hygiene.core.excel import Sheet, yes_no
from hygiene.exports.registry import ExportKind, refuse_unreadable, register_export
from hygiene.extensions import db
from hygiene.rectifications.filters import list_filters
from hygiene.rectifications.models import RectificationOrder
from hygiene.rectifications.queries import order_list_stmt
from hygiene.rectifications.status import OVERDUE_LABEL

BATCH = 1000

REINSPECTION = {True: _l("Pass"), False: _l("Fail")}


ORDER_HEADERS = [_l("Number"), _l("Target"), _l("Village"), _l("Issued on"), _l("Deadline"), _l("Status"),
                 _l("Items to put right"), _l("Fix reported at"), _l("Re-inspection"), _l("Overdue"),
                 _l("Follow-up of")]


def order_sheets(orders: Iterable[Sequence]) -> list[Sheet]:
    """One sheet, one row per order, rows in header order."""
    return [Sheet(_l("Rectification orders"), ORDER_HEADERS, orders, [18, 30, 14, 12, 12, 16, 50, 18, 10, 8, 18])]


def order_line(order: RectificationOrder, *, today: date) -> list:
    """One order as its sheet row; "overdue" is yes while it is late and when it was put right late."""
    status = OVERDUE_LABEL if order.is_overdue(today) else order.status_label
    return [order.display_number, order.target_label, order.village.name, order.issued_on, order.deadline,
            str(status), "；".join(item.text for item in order.items), order.evidence_at,
            "" if order.reinspection_passed is None else str(REINSPECTION[order.reinspection_passed]), yes_no(order.is_overdue(today) or order.overdue_at is not None),
            order.parent.display_number if order.parent else ""]


def order_rows(*, scope: Scope, today: date, **filters) -> Iterator[list]:
    """The orders of the list page's filters as sheet rows, in number order, streamed in batches."""
    model = RectificationOrder
    stmt = (order_list_stmt(scope=scope, today=today, **filters)
            .options(selectinload(model.village), selectinload(model.parent))
            .order_by(None).order_by(model.township_id, model.year, model.number))
    return (order_line(order, today=today) for order in db.session.scalars(stmt.execution_options(yield_per=BATCH)))


# --- the export kind -----------------------------------------------------------------------

def read_params(args: Mapping[str, str], today: date) -> dict:
    """The list page's filters as the export's parameters."""
    filters, unread = list_filters(args, default_status="")
    refuse_unreadable(unread)
    return {**filters, "today": today.isoformat(), "due_before": _iso(filters["due_before"]),
            "issued_in": _iso(filters["issued_in"])}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _filters(params: dict) -> dict:
    return {"today": date.fromisoformat(params["today"]), "status": params["status"],
            "village_id": params["village_id"], "due_before": _day(params.get("due_before")),
            "issued_in": _day(params.get("issued_in"))}


def export_size(scope: Scope, params: dict) -> int:
    chosen = order_list_stmt(scope=scope, **_filters(params)).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(chosen.subquery())) or 0


def export_sheets(scope: Scope, params: dict) -> list[Sheet]:
    return order_sheets(order_rows(scope=scope, **_filters(params)))


def file_names(params: dict) -> tuple[str, str]:
    day = params["today"]
    return f"orders-{day}", _("Rectification orders %(date)s", date=day)


ORDERS = register_export(ExportKind("orders", _l("Rectification orders"), read_params, export_size,
                                    export_sheets, file_names))
