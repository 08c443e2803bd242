"""Toilet types, follow-up problem kinds and the follow-up reminder's days, read from kinds.yaml
(pure: no Flask, no database)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

KINDS = Path(__file__).with_name("kinds.yaml")


@dataclass(frozen=True)
class ToiletType:
    key: str
    name: dict[str, str]
    harmless: bool
    recommended: bool
    confidence: str


@dataclass(frozen=True)
class ProblemKind:
    key: str
    category: str
    name: dict[str, str]


def _load() -> tuple[dict[str, ToiletType], dict[str, ProblemKind], dict[str, dict[str, str]]]:
    raw = yaml.safe_load(KINDS.read_text("utf-8"))
    types = {t["key"]: ToiletType(t["key"], t["name"], bool(t["harmless"]), bool(t.get("recommended", True)),
                                  t["confidence"]) for t in raw["toilet_types"]}
    categories = raw["problem_categories"]
    problems = {}
    for p in raw["problem_kinds"]:
        if p["category"] not in categories:
            raise ValueError(f"problem kind {p['key']}: unknown category {p['category']}")
        problems[p["key"]] = ProblemKind(p["key"], p["category"], p["name"])
    return types, problems, categories


TOILET_TYPES, PROBLEM_KINDS, PROBLEM_CATEGORIES = _load()


def _remind_open_days() -> int:
    days = int((yaml.safe_load(KINDS.read_text("utf-8")).get("follow_up") or {}).get("remind_open_days", 14))
    if days < 1:
        raise ValueError("follow_up.remind_open_days must be a whole number of days, at least 1")
    return days


# a follow-up problem open this many days is in the daily toilet reminder (kinds.yaml follow_up)
PROBLEM_REMIND_OPEN_DAYS = _remind_open_days()
