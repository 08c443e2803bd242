"""The density-control standards as data: one YAML document per standard, edition and pest.

Loaded and checked once, at import: a malformed file stops the app from starting rather than
grading wrongly. A new edition is a new file here (see the README, "Pest control").
Every threshold keeps the reference's confidence tag: V verified, S secondary, U unverified."""
from __future__ import annotations

import inspect
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from hygiene.pests.indices import INDICES, Allowance
from hygiene.pests.standards.model import (
    OPERATORS,
    PESTS,
    TAGS,
    Catalogue,
    Edition,
    Indicator,
    Measure,
    Method,
    RiskBand,
    StandardDataError,
    Threshold,
)

__all__ = ["CATALOGUE", "DATA_DIR", "PESTS", "Catalogue", "Edition", "Indicator", "Measure", "Method", "RiskBand",
           "StandardDataError", "Threshold", "load", "parse_edition"]
DATA_DIR = Path(__file__).parent


class _Reader:
    """Reads one document, naming the file and the place of whatever is wrong."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, problem: str) -> StandardDataError:
        return StandardDataError(f"{self.source}: {where}: {problem}")

    def get(self, raw: Any, key: str, where: str, kind: type | tuple[type, ...] = str) -> Any:
        if not isinstance(raw, dict) or key not in raw:
            raise self.fail(where, f"'{key}' is missing")
        if not isinstance(raw[key], kind):
            raise self.fail(where, f"'{key}' has the wrong type")
        return raw[key]

    def decimal(self, value: Any, where: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(where, f"{value!r} is not a number")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(where, f"{value!r} is not a number") from None
        if not number.is_finite() or number < 0:
            raise self.fail(where, f"{value!r} is not a finite number of at least 0")
        return number

    def tag(self, raw: Any, where: str) -> str:
        tag = self.get(raw, "tag", where)
        if tag not in TAGS:
            raise self.fail(where, f"confidence tag {tag!r} is not one of {TAGS}")
        return tag


def _measure(r: _Reader, raw: Any, levels: tuple[str, ...], where: str) -> Measure:
    key = r.get(raw, "key", where)
    where = f"{where}.{key}"
    index = r.get(raw, "index", where)
    if index not in INDICES:
        raise r.fail(where, f"unknown index {index!r}")
    inputs = r.get(raw, "inputs", where, dict)
    params = set(inspect.signature(INDICES[index]).parameters) - {"fields"}
    if set(inputs) != params or not all(isinstance(v, str) and v for v in inputs.values()):
        raise r.fail(where, f"index {index!r} reads {sorted(params)}, inputs name {sorted(inputs)}")
    operator = r.get(raw, "operator", where)
    if operator not in OPERATORS:
        raise r.fail(where, f"operator {operator!r} is not one of {OPERATORS}")
    thresholds = r.get(raw, "thresholds", where, dict)
    if set(thresholds) != set(levels):
        raise r.fail(where, f"thresholds are given for {sorted(thresholds)}, the levels are {list(levels)}")
    parsed = {level: Threshold(r.decimal(r.get(t, "value", f"{where}.{level}", (int, float, str)), f"{where}.{level}"),
                               r.tag(t, f"{where}.{level}"), str(t.get("note", "")))
              for level, t in thresholds.items()}
    values = [parsed[level].value for level in levels]   # best level first
    if values != sorted(values, reverse=(operator == ">=")):
        raise r.fail(where, "a better level must not have a looser limit than a worse one")
    return Measure(key, index, dict(inputs), operator, parsed)


def _indicator(r: _Reader, raw: Any, levels: tuple[str, ...]) -> Indicator:
    key = r.get(raw, "key", "indicators")
    measures = r.get(raw, "measures", key, list)
    if not measures:
        raise r.fail(key, "an indicator needs at least one measure")
    return Indicator(key, dict(r.get(raw, "name", key, dict)),
                     tuple(_measure(r, m, levels, key) for m in measures))


def _allowance(r: _Reader, rows: Any) -> tuple[Allowance, ...]:
    parsed = tuple(Allowance(int(r.decimal(r.get(row, "rooms_up_to", "unit_room_allowance", int), "rooms_up_to")),
                             int(r.decimal(r.get(row, "allowed", "unit_room_allowance", int), "allowed")))
                   for row in rows)
    sizes = [row.rooms_up_to for row in parsed]
    if sizes != sorted(set(sizes)):
        raise r.fail("unit_room_allowance", "rows must go from the smallest unit up, each size once")
    return parsed


def parse_edition(raw: Any, source: str) -> Edition:
    """One standard edition for one pest, checked; StandardDataError says what is wrong."""
    r = _Reader(source)
    head = "edition"
    pest = r.get(raw, "pest", head)
    if pest not in PESTS:
        raise r.fail(head, f"pest {pest!r} is not one of {PESTS}")
    levels = tuple(r.get(raw, "levels", head, list))
    if not levels or len(set(levels)) != len(levels) or not all(isinstance(level, str) for level in levels):
        raise r.fail(head, "levels must be distinct names, best first")
    required = r.get(raw, "required_level", head)
    if required not in levels:
        raise r.fail(head, f"required_level {required!r} is not one of the levels")
    issued, in_force = r.get(raw, "issued", head, date), r.get(raw, "in_force", head, date)
    if in_force < issued:
        raise r.fail(head, "in_force comes before issued")
    indicators = tuple(_indicator(r, i, levels) for i in r.get(raw, "indicators", head, list))
    keys = [i.key for i in indicators]
    if len(set(keys)) != len(keys):
        raise r.fail(head, "indicator keys must be unique")
    return Edition(standard=r.get(raw, "standard", head), edition=str(r.get(raw, "edition", head)), pest=pest,
                   title=dict(r.get(raw, "title", head, dict)), issued=issued, in_force=in_force,
                   tag=r.tag(raw, head), levels=levels, required_level=required, indicators=indicators,
                   unit_room_allowance=_allowance(r, raw.get("unit_room_allowance") or []),
                   dates_tag=r.tag({"tag": raw["dates_tag"]}, head) if "dates_tag" in raw else "")


def _method(r: _Reader, raw: Any) -> Method:
    key = r.get(raw, "key", "methods")
    index = r.get(raw, "index", key)
    params = set(inspect.signature(INDICES[index]).parameters) - {"fields"} if index in INDICES else None
    inputs = r.get(raw, "inputs", key, dict)
    if params is None or set(inputs) != params:
        raise r.fail(key, f"index {index!r} is unknown or its inputs do not match")
    if r.get(raw, "pest", key) not in PESTS:
        raise r.fail(key, "unknown pest")
    return Method(raw["pest"], key, dict(r.get(raw, "name", key, dict)), r.get(raw, "standard", key),
                  tuple(r.get(raw, "editions", key, list)), r.tag(raw, key), index, dict(inputs),
                  str(r.get(raw, "unit", key)), dict(r.get(raw, "index_name", key, dict)))


def _bands(r: _Reader, rows: Any) -> tuple[RiskBand, ...]:
    bands = tuple(RiskBand(r.get(row, "key", "breteau_risk_bands"),
                           None if row.get("below") is None else r.decimal(row["below"], "breteau_risk_bands"),
                           dict(r.get(row, "name", "breteau_risk_bands", dict)), r.get(row, "colour", "breteau_risk_bands"))
                  for row in rows)
    closed = [band.below for band in bands[:-1] if band.below is not None]
    if not bands or bands[-1].below is not None or len(closed) != len(bands) - 1 or closed != sorted(set(closed)):
        raise r.fail("breteau_risk_bands", "bands must rise, and only the last is open")
    return bands


def load(directory: Path = DATA_DIR) -> Catalogue:
    """Read and check every standards file under `directory` (methods.yaml holds the methods)."""
    editions: list[Edition] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "methods.yaml":
            continue
        for number, raw in enumerate(yaml.safe_load_all(path.read_text("utf-8")), start=1):
            editions.append(parse_edition(raw, f"{path.name} (document {number})"))
    seen = [(e.standard, e.edition, e.pest) for e in editions]
    twice = sorted({key for key in seen if seen.count(key) > 1})
    if twice:
        raise StandardDataError(f"{' '.join(twice[0])} is given twice")
    raw_methods = yaml.safe_load((directory / "methods.yaml").read_text("utf-8")) or {}
    reader = _Reader("methods.yaml")
    return Catalogue(tuple(editions), tuple(_method(reader, m) for m in _list(raw_methods.get("methods"))),
                     _bands(reader, _list(raw_methods.get("breteau_risk_bands"))))


def _list(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list) else []


CATALOGUE = load()
