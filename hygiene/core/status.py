"""Statuses as enums: each domain spells its status set once, as one `LabelledStatus` (the values
are the strings stored in the database), with its label and its moves as `Transition`s.

Services check a move with `Transition.allows` and lock the record with a conditional UPDATE on
`Transition.sources` (`Transition.clause`), so of two requests at the same moment only one moves it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

import sqlalchemy as sa


class LabelledStatus(StrEnum):
    """A status set whose members are declared as `NAME = "stored value", lazy_gettext("Label")`."""

    label_text: Any

    def __new__(cls, value: str, label: Any = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label_text = label if label is not None else value
        return member

    @property
    def label(self) -> str:
        """The status as its lists and badges word it, in the reader's language."""
        return str(self.label_text)

    @classmethod
    def known(cls, value: object) -> bool:
        """True when `value` is one of the set's stored values."""
        return value in cls._value2member_map_

    @classmethod
    def label_of(cls, value: str) -> str:
        """The label of a stored value (the value itself when the set does not know it)."""
        try:
            return cls(value).label
        except ValueError:
            return value

    @classmethod
    def labels(cls) -> dict[str, Any]:
        """Every value with its (lazy) label, in the order the set declares them."""
        return {member.value: member.label_text for member in cls}


S = TypeVar("S", bound=LabelledStatus)


@dataclass(frozen=True)
class Transition(Generic[S]):
    """One move of a status set: from any of `sources` to `target`."""

    sources: frozenset[S]
    target: S

    @classmethod
    def of(cls, sources: Iterable[S], target: S) -> Transition[S]:
        return cls(frozenset(sources), target)

    def allows(self, status: str) -> bool:
        """True when a record in `status` may make this move."""
        return status in self.sources

    def clause(self, column: Any) -> sa.ColumnElement[bool]:
        """The condition of the conditional UPDATE that makes this move (sorted: stable SQL)."""
        return column.in_(sorted(self.sources))
