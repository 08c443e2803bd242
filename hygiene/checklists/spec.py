"""Checklist templates as plain data: parse, validate and dump, with no database.

The same shape is used by the built-in sheets in `builtin/*.yaml`, by template import and
export, and by the template builder. A parsed TemplateSpec is immutable; storing one makes
an immutable TemplateVersion.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

TARGET_KINDS = ("village", "unit", "household", "cleaner")
SCORING_KINDS = ("pass_fail", "deduction", "grade")
SEVERITIES = ("normal", "serious", "urgent")


class SpecError(ValueError):
    """The template data is wrong; `problems` lists every problem with its path."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ItemSpec:
    text: str
    points: Decimal
    scoring: str = "pass_fail"
    deduction_step: Decimal | None = None   # points off per finding, for "deduction"
    veto: bool = False                       # 一票否决: failing it fails the inspection
    photo_on_fail: bool = False
    guidance: str = ""
    severity: str = "normal"                 # sets the default rectification deadline


@dataclass(frozen=True)
class SectionSpec:
    title: str
    items: tuple[ItemSpec, ...]

    @property
    def points(self) -> Decimal:
        return sum((item.points for item in self.items), Decimal(0))


@dataclass(frozen=True)
class BandSpec:
    label: str
    min: Decimal


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    applies_to: str
    sections: tuple[SectionSpec, ...]
    code: str = ""
    unit_categories: tuple[str, ...] = ()
    pass_mark: Decimal = Decimal(60)
    bands: tuple[BandSpec, ...] = field(default_factory=tuple)
    draft: bool = False
    source: str = ""
    description: str = ""

    @property
    def points(self) -> Decimal:
        return sum((section.points for section in self.sections), Decimal(0))

    def items(self) -> list[ItemSpec]:
        return [item for section in self.sections for item in section.items]


def parse_template(data: object) -> TemplateSpec:
    """Build a TemplateSpec from plain data (YAML/JSON), or raise SpecError listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise SpecError(["the template must be a mapping"])
    sections = tuple(_section(s, f"sections[{i}]", problems)
                     for i, s in enumerate(_list(data, "sections", "", problems)))
    spec = TemplateSpec(
        name=_text(data, "name", "", problems, required=True),
        code=_text(data, "code", "", problems),
        applies_to=_choice(data, "applies_to", "", TARGET_KINDS, problems, required=True),
        unit_categories=tuple(str(c) for c in data.get("unit_categories") or ()),
        pass_mark=_number(data, "pass_mark", "", problems, default=Decimal(60)),
        bands=tuple(_band(b, f"bands[{i}]", problems)
                    for i, b in enumerate(_list(data, "bands", "", problems, required=False))),
        draft=bool(data.get("draft", False)),
        source=_text(data, "source", "", problems),
        description=_text(data, "description", "", problems),
        sections=sections,
    )
    _check_whole(spec, problems)
    if problems:
        raise SpecError(problems)
    return spec


def dump_template(spec: TemplateSpec) -> dict:
    """Turn a TemplateSpec back into plain data that parse_template accepts."""
    def plain(value):
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral() else float(value)
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if v not in (None, "", (), [])}
        return value

    return plain(asdict(spec))


def _section(data: object, path: str, problems: list[str]) -> SectionSpec:
    if not isinstance(data, dict):
        problems.append(f"{path}: must be a mapping")
        return SectionSpec("", ())
    items = tuple(_item(it, f"{path}.items[{i}]", problems)
                  for i, it in enumerate(_list(data, "items", path, problems)))
    return SectionSpec(_text(data, "title", path, problems, required=True), items)


def _item(data: object, path: str, problems: list[str]) -> ItemSpec:
    if not isinstance(data, dict):
        problems.append(f"{path}: must be a mapping")
        return ItemSpec("", Decimal(0))
    item = ItemSpec(
        text=_text(data, "text", path, problems, required=True),
        points=_number(data, "points", path, problems, required=True),
        scoring=_choice(data, "scoring", path, SCORING_KINDS, problems, default="pass_fail"),
        deduction_step=_number(data, "deduction_step", path, problems, default=None),
        veto=bool(data.get("veto", False)),
        photo_on_fail=bool(data.get("photo_on_fail", False)),
        guidance=_text(data, "guidance", path, problems),
        severity=_choice(data, "severity", path, SEVERITIES, problems, default="normal"),
    )
    if item.points is not None and item.points <= 0:
        problems.append(f"{path}.points: must be more than 0")
    if item.scoring == "deduction" and not (item.deduction_step and item.deduction_step > 0):
        problems.append(f"{path}.deduction_step: a deduction item needs the points taken off per finding")
    return item


def _band(data: object, path: str, problems: list[str]) -> BandSpec:
    if not isinstance(data, dict):
        problems.append(f"{path}: must be a mapping")
        return BandSpec("", Decimal(0))
    return BandSpec(_text(data, "label", path, problems, required=True),
                    _number(data, "min", path, problems, required=True))


def _check_whole(spec: TemplateSpec, problems: list[str]) -> None:
    if not spec.sections:
        problems.append("sections: a template needs at least one section")
    if any(not s.items for s in spec.sections):
        problems.append("sections: every section needs at least one item")
    if spec.pass_mark is not None and not (0 <= spec.pass_mark <= 100):
        problems.append("pass_mark: must be between 0 and 100")
    mins = [b.min for b in spec.bands if b.min is not None]
    if mins and (mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins)):
        problems.append("bands: list them from the highest minimum score down, each minimum once")
    if mins and mins[-1] != 0:
        problems.append("bands: the last band must start at 0 so every score has a grade")


def _list(data: dict, key: str, path: str, problems: list[str], required: bool = True) -> list:
    value = data.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        problems.append(f"{_join(path, key)}: must be a list")
        return []
    return value


def _text(data: dict, key: str, path: str, problems: list[str], required: bool = False) -> str:
    value = data.get(key)
    text = "" if value is None else str(value).strip()
    if required and not text:
        problems.append(f"{_join(path, key)}: is required")
    return text


def _choice(data: dict, key: str, path: str, choices: tuple[str, ...], problems: list[str],
            required: bool = False, default: str | None = None) -> str:
    value = data.get(key, default)
    if value is None and not required:
        return default or ""
    if value not in choices:
        problems.append(f"{_join(path, key)}: must be one of {', '.join(choices)}")
    return str(value or "")


def _number(data: dict, key: str, path: str, problems: list[str], required: bool = False,
            default: Decimal | None = None) -> Decimal | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            problems.append(f"{_join(path, key)}: is required")
        return default
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        problems.append(f"{_join(path, key)}: “{value}” is not a number")
        return default
    if not number.is_finite():
        problems.append(f"{_join(path, key)}: must be a finite number")
        return default
    return number


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
