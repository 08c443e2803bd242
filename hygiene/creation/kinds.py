"""Creation kinds and levels, read from kinds.yaml (pure: no Flask, no database)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

KINDS_FILE = Path(__file__).with_name("kinds.yaml")


@dataclass(frozen=True)
class Level:
    key: str
    name: dict[str, str]
    review_years: int
    reward: Decimal
    confidence: str


@dataclass(frozen=True)
class Kind:
    key: str
    name: dict[str, str]
    applicant: str            # "village" or "unit"
    checklist: str            # the built-in checklist code of its township review
    levels: dict[str, Level]


def _load() -> tuple[dict[str, Kind], dict[str, int], int, tuple[int, ...]]:
    raw = yaml.safe_load(KINDS_FILE.read_text("utf-8"))
    kinds = {}
    for k in raw["kinds"]:
        if k["applicant"] not in ("village", "unit"):
            raise ValueError(f"creation kind {k['key']}: unknown applicant {k['applicant']}")
        levels = {lv["key"]: Level(lv["key"], lv["name"], int(lv["review_years"]), Decimal(lv["reward"]),
                                   lv["confidence"]) for lv in k["levels"]}
        kinds[k["key"]] = Kind(k["key"], k["name"], k["applicant"], k["checklist"], levels)
    progress = {key: int(points) for key, points in raw["progress"].items()}
    return kinds, progress, int(raw["review_notice_days"]), tuple(sorted(raw["remind_days_before"], reverse=True))


KINDS, PROGRESS_POINTS, REVIEW_NOTICE_DAYS, REMIND_DAYS_BEFORE = _load()


def pairs() -> list[tuple[Kind, Level]]:
    """Every kind with each of its levels, in the file's order (the board's and the form's rows)."""
    return [(kind, level) for kind in KINDS.values() for level in kind.levels.values()]


def level_of(kind: str, level: str) -> Level | None:
    found = KINDS.get(kind)
    return found.levels.get(level) if found else None


def name_of(kind: str, level: str, language: str = "zh") -> str:
    """A level's name in the language (卫生村 at county level: 县级卫生村); unknown: the keys."""
    found = level_of(kind, level)
    return (found.name.get(language) or found.name["zh"]) if found else f"{kind}/{level}"
