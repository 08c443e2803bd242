"""The export kinds: each domain declares what it exports in its own `exports.py`, by import.

An `ExportKind` says how to read the request's filters into plain JSON parameters (refusing bad
ones with a DomainError), how many rows the workbook will have (to choose between answering in
the request and a background task), the workbook's sheets for a scope, and its file names.
This module imports no domain: domains import it. `create_app` imports EXPORT_MODULES, so the
web and the scheduler process know the same kinds; a kind declared twice stops the start.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.core.excel import Sheet
from hygiene.errors import DomainError

Params = dict[str, Any]  # JSON-able: stored with the task, read again by the runner


@dataclass(frozen=True)
class ExportKind:
    key: str  # stored in export_task.kind and in the URL /exports/<key>.xlsx; never renamed
    title: Any  # a lazy string, shown on the task page
    read_params: Callable[[Mapping[str, str], date], Params]  # request args, today → params
    size: Callable[[Scope, Params], int]  # the rows the workbook will have, counted cheaply
    sheets: Callable[[Scope, Params], list[Sheet]]
    file_names: Callable[[Params], tuple[str, str]]  # (ASCII name, Chinese name), no extension
    # who may export it at all (403 for others, as the domain's pages answer); None: every signed-in user
    allowed: Callable[[Scope], bool] | None = None


class ExportRegistrationError(RuntimeError):
    """An export kind declared wrongly: the application does not start."""


_KINDS: dict[str, ExportKind] = {}


def register_export(kind: ExportKind) -> ExportKind:
    if not kind.key.isidentifier():
        raise ExportRegistrationError(f"export kind {kind.key!r} must be a plain name")
    if kind.key in _KINDS and _KINDS[kind.key] != kind:
        raise ExportRegistrationError(f"export kind {kind.key!r} is registered twice")
    _KINDS[kind.key] = kind
    return kind


def export_kind(key: str) -> ExportKind | None:
    """The registered kind `key`, or None."""
    return _KINDS.get(key)


def refuse_unreadable(unread: list[str]) -> None:
    """An export of a list page refuses a filter it cannot read (an edited link) rather than
    quietly writing another list than the one asked for."""
    if unread:
        raise DomainError(_("A filter in the address could not be read, so nothing was exported. Export "
                            "again from the list page."))
