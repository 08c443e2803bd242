"""The inspections list's filters read from a query string: the list page and its Excel export
read them here, so the file holds the rows the list shows (the export adds its own date rule)."""
from __future__ import annotations

from collections.abc import Mapping

from hygiene.core.input import optional_date, optional_int
from hygiene.inspections.status import LIST_FILTERS


def list_filters(args: Mapping[str, str]) -> tuple[dict, list[str]]:
    """The filters, and the names of those given but unreadable (left out: an edited or old link)."""
    status = args.get("status", "")
    filters = {"status": status if status in LIST_FILTERS else "",  # unknown: all, as the menu says
               "village_id": optional_int(args.get("village_id")),
               "start": optional_date(args.get("start", "")), "end": optional_date(args.get("end", ""))}
    unread = [name for name in ("village_id", "start", "end") if args.get(name) and filters[name] is None]
    return filters, (["status"] if filters["status"] != status else []) + unread
