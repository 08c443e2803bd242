"""The orders list's filters read from a query string: the list page, its batch print and its
Excel export read them here, so the file holds the rows the list shows."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from hygiene.core.input import optional_date, optional_int
from hygiene.rectifications.status import LIST_FILTERS


def list_filters(args: Mapping[str, str], *, default_status: str = "open") -> tuple[dict, list[str]]:
    """The filters, and the names of those given but unreadable (left out: an edited or old link)."""
    status = args.get("status", default_status)
    filters = {"status": status if status in LIST_FILTERS or status == default_status else default_status,
               "village_id": optional_int(args.get("village_id")),
               "due_before": optional_date(args.get("due_before", "")), "issued_in": _month(args.get("issued_in", ""))}
    unread = [name for name in ("village_id", "due_before", "issued_in") if args.get(name) and filters[name] is None]
    return filters, (["status"] if filters["status"] != status else []) + unread


def _month(text: str) -> date | None:
    """The first day of a month given as 2026-11 (what <input type=month> sends)."""
    first = optional_date(text + "-01")
    return first if first is not None and first.year < 9999 else None  # the month after must exist too
