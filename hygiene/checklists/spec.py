"""Checklist templates as plain data: parse, validate and dump, with no database.

The same shape is used by the built-in sheets in `builtin/*.yaml`, by template import and
export, and by the template builder. The spec is a set of pydantic models, so the coming API
takes and documents (JSON Schema) the same shape; a parsed TemplateSpec is immutable, and
storing one makes an immutable TemplateVersion.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from hygiene.core.schemas import Flag

TARGET_KINDS = ("village", "unit", "household", "cleaner")
SCORING_KINDS = ("pass_fail", "deduction", "grade")
SEVERITIES = ("normal", "serious", "urgent")
_CHOICES = {"applies_to": TARGET_KINDS, "scoring": SCORING_KINDS, "severity": SEVERITIES}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a template: where (`("sections", 0, "items", 2, "points")`, or ()
    for the whole template), what (`code`, which the builder words for people), and the English
    `message` that a file's author reads beside its path."""

    location: tuple[str | int, ...]
    code: str
    message: str
    value: object = None   # the input at fault, for messages that quote it

    @property
    def path(self) -> str:
        """The location as a file's author reads it: "sections[0].items[2].points"."""
        path = ""
        for part in self.location:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
        return path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.location else self.message


class SpecError(ValueError):
    """The template data is wrong; `problems` lists every problem with its location."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def _problem(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def _text(value: object) -> str:
    """Any scalar a YAML author writes (a number, a date) is read as its text."""
    return "" if value is None else str(value).strip()


def _required(value: object) -> str:
    text = _text(value)
    if not text:
        raise _problem("required", "is required")
    return text


def _blank_as(default: object):
    """A missing or empty value means the default (for optional numbers and choices)."""
    return lambda value: default if value is None or value == "" else value


def _required_number(value: object) -> object:
    if value is None or value == "":
        raise _problem("required", "is required")
    return value


Text = Annotated[str, BeforeValidator(_text)]
RequiredText = Annotated[str, BeforeValidator(_required)]
RequiredNumber = Annotated[Decimal, BeforeValidator(_required_number)]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ItemSpec(_Spec):
    text: RequiredText
    points: Annotated[RequiredNumber, Field(gt=0)]
    scoring: Annotated[Literal["pass_fail", "deduction", "grade"],
                       BeforeValidator(_blank_as("pass_fail"))] = "pass_fail"
    # points off per finding, for "deduction"
    deduction_step: Annotated[Decimal | None, BeforeValidator(_blank_as(None)),
                              Field(validate_default=True)] = None
    veto: Flag = False                       # 一票否决: failing it fails the inspection
    photo_on_fail: Flag = False
    guidance: Text = ""
    severity: Annotated[Literal["normal", "serious", "urgent"],
                        BeforeValidator(_blank_as("normal"))] = "normal"  # sets the default deadline

    @field_validator("deduction_step")
    @classmethod
    def _deduction_needs_a_step(cls, step: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if info.data.get("scoring") == "deduction" and not (step and step > 0):
            raise _problem("deduction_step", "a deduction item needs the points taken off per finding")
        return step


class SectionSpec(_Spec):
    title: RequiredText
    items: tuple[ItemSpec, ...]

    @property
    def points(self) -> Decimal:
        return sum((item.points for item in self.items), Decimal(0))


class BandSpec(_Spec):
    label: RequiredText
    min: RequiredNumber


class TemplateSpec(_Spec):
    name: RequiredText
    applies_to: Literal["village", "unit", "household", "cleaner"]
    sections: tuple[SectionSpec, ...]
    code: Text = ""
    unit_categories: Annotated[tuple[Annotated[str, BeforeValidator(str)], ...],
                               BeforeValidator(_blank_as(()))] = ()
    pass_mark: Annotated[Decimal, BeforeValidator(_blank_as(Decimal(60))),
                         Field(ge=0, le=100)] = Decimal(60)
    bands: Annotated[tuple[BandSpec, ...], BeforeValidator(_blank_as(()))] = ()
    draft: Flag = False
    source: Text = ""
    description: Text = ""

    @property
    def points(self) -> Decimal:
        return sum((section.points for section in self.sections), Decimal(0))

    def items(self) -> list[ItemSpec]:
        return [item for section in self.sections for item in section.items]

    @field_validator("sections")
    @classmethod
    def _sections_have_items(cls, sections: tuple[SectionSpec, ...]) -> tuple[SectionSpec, ...]:
        if not sections:
            raise _problem("no_sections", "a template needs at least one section")
        if any(not s.items for s in sections):
            raise _problem("empty_section", "every section needs at least one item")
        return sections

    @field_validator("bands")
    @classmethod
    def _bands_cover_every_score(cls, bands: tuple[BandSpec, ...]) -> tuple[BandSpec, ...]:
        mins = [b.min for b in bands]
        if mins and (mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins)):
            raise _problem("bands_order", "list them from the highest minimum score down, each minimum once")
        if mins and mins[-1] != 0:
            raise _problem("bands_last", "the last band must start at 0 so every score has a grade")
        return bands


def parse_template(data: object) -> TemplateSpec:
    """Build a TemplateSpec from plain data (YAML/JSON), or raise SpecError listing every problem."""
    if not isinstance(data, dict):
        raise SpecError([Problem((), "mapping", "the template must be a mapping")])
    try:
        return TemplateSpec.model_validate(data)
    except ValidationError as error:
        raise SpecError([_as_problem(e) for e in error.errors()]) from None


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

    return plain(spec.model_dump())


# pydantic's own error types, in the words the spec has always used
_WORDS: dict[str, tuple[str, str]] = {
    "missing": ("required", "is required"),
    "greater_than": ("more_than_zero", "must be more than 0"),
    "greater_than_equal": ("percent", "must be between 0 and 100"),
    "less_than_equal": ("percent", "must be between 0 and 100"),
    "finite_number": ("not_finite", "must be a finite number"),
    "model_type": ("mapping", "must be a mapping"),
    "model_attributes_type": ("mapping", "must be a mapping"),
    "tuple_type": ("list", "must be a list"),
    "list_type": ("list", "must be a list"),
}


def _as_problem(error: Any) -> Problem:
    location, kind, value = tuple(error["loc"]), error["type"], error.get("input")
    field = next((part for part in reversed(location) if isinstance(part, str)), "")
    if kind in ("decimal_parsing", "decimal_type"):
        return Problem(location, "not_a_number", f"“{value}” is not a number", value)
    if kind == "literal_error" or (kind == "missing" and field in _CHOICES):
        return Problem(location, "choice", f"must be one of {', '.join(_CHOICES[field])}", value)
    if kind == "missing" and field in ("sections", "items"):
        return Problem(location, "list", "must be a list", value)
    if kind in _WORDS:
        code, message = _WORDS[kind]
        return Problem(location, code, message, value)
    return Problem(location, kind, error["msg"], value)
