"""The morning digest gathers what is due today from the domains that provide items.

A domain adds a source in its own jobs.py (`digest_source(func)`); this module imports no
domain. A source takes `now` and returns, per user id, the lines to list for that user.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

DigestSource = Callable[..., dict[int, list[str]]]

_SOURCES: list[DigestSource] = []


def digest_source(func: DigestSource) -> DigestSource:
    """Add `func` to the morning digest's sources (in the order the job modules load)."""
    if not callable(func):
        raise TypeError(f"a digest source must be a function, not {func!r}")
    if func in _SOURCES:
        raise ValueError(f"{func.__module__}.{func.__qualname__} is a digest source twice")
    _SOURCES.append(func)
    return func


def digest_items(*, now: datetime) -> dict[int, list[str]]:
    """Per user, every source's lines, in the order the sources were added."""
    items: dict[int, list[str]] = {}
    for source in _SOURCES:
        for user_id, lines in source(now=now).items():
            items.setdefault(user_id, []).extend(lines)
    return items
