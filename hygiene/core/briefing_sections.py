"""The sections of the office's briefing (hygiene/briefing/), registered in one place by the
domains that write them.

Each domain adds its part from a `briefing.py` of its own package (BRIEFING_MODULES in
hygiene/__init__.py), as the ranking components do: a key, a title, an order and a function
(scope, period) -> SectionData. The registry sits in the shared base, not in hygiene/briefing/, so a
domain that registers never imports the briefing, and the briefing (which reads the register and
sends through the outbox) can use any domain without an import circle.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from hygiene.clock import local_zone

if TYPE_CHECKING:
    from hygiene.access.scope import Scope
    from hygiene.core.periods import Period

DEFAULT_TEMPLATE = "briefing/_section.html"


@dataclass(frozen=True)
class SectionData:
    """What a section says: short sentences with the numbers, and an optional small table.

    `empty` is True when the period held nothing for the section (the page says so plainly)."""

    sentences: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    empty: bool = False
    template: str = DEFAULT_TEMPLATE


@dataclass(frozen=True)
class Section:
    key: str
    title: Any                 # a lazy string, worded in the reader's language
    order: int
    build: Callable[[Scope, Period], SectionData]


class SectionRegistrationError(RuntimeError):
    """A section declared wrongly: the application does not start."""


@dataclass
class Registry:
    _sections: dict[str, Section] = field(default_factory=dict)

    def register(self, section: Section) -> Section:
        """Add a section; a second section with the same key is refused."""
        if not section.key.isidentifier():
            raise SectionRegistrationError(f"section key {section.key!r} must be a plain name")
        if section.key in self._sections:
            raise SectionRegistrationError(f"briefing section {section.key!r} is registered twice")
        self._sections[section.key] = section
        return section

    def unregister(self, key: str) -> None:
        """Take a section out (tests that add one of their own)."""
        self._sections.pop(key, None)

    def sections(self) -> tuple[Section, ...]:
        """Every section in the order of the page."""
        return tuple(sorted(self._sections.values(), key=lambda s: (s.order, s.key)))


REGISTRY = Registry()


def register(section: Section) -> Section:
    """Register a section with the briefing (from a domain's briefing.py)."""
    return REGISTRY.register(section)


def load_section_modules(names: Iterable[str]) -> None:
    """Import each domain's briefing module, so its section registers; a missing one stops the start."""
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            raise SectionRegistrationError(f"briefing module {name!r} does not exist ({error})") from error


def utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """The first moment of the period and of the day after it, in the office's zone, as UTC
    (for sections that count stored moments, such as submissions, in the office's days)."""
    zone = local_zone()
    start = datetime.combine(period.start, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end
