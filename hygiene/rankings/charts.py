"""Score charts as inline SVG, drawn in Python so a phone needs no script to see them.

Both charts scale to their container (viewBox, width 100%) and keep their text at 14
units high, so they stay readable when a 360 px phone shows them at full width.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from decimal import Decimal

from hygiene.core.svg import svg_frame, svg_text

Number = Decimal | int | float
DEFAULT_BINS = (0, 60, 70, 80, 90, 100)


def trend_svg(points: Sequence[tuple[str, Number | None]], width: int = 360, height: int = 220, *,
              title: str = "Score trend") -> str:
    """A line of scores over periods, a dot and its value per period; None leaves a gap."""
    left, right, top, bottom = 36, 30, 24, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for _, v in points if v is not None]
    low, high = _value_range(values)
    inset = 16  # keeps the end dots and their values clear of the axis labels
    step_x = (plot_w - 2 * inset) / (len(points) - 1) if len(points) > 1 else 0

    def x(i: int) -> float:
        return left + (inset + i * step_x if len(points) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    parts = [_grid(low, high, left, width - right, y)]
    for segment in _segments(points):
        coords = " ".join(f"{x(i):.1f},{y(float(v)):.1f}" for i, v in segment)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="#1d6b48" stroke-width="2.5" '
                     'stroke-linejoin="round"/>')
    show_values = step_x >= 34 or len(points) == 1
    last = len(points) - 1
    labelled = set(range(last, -1, -max(1, math.ceil(62 / step_x)) if step_x else -1))
    for i, (label, value) in enumerate(points):
        if value is not None:
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(float(value)):.1f}" r="4.5" fill="#1d6b48"/>')
            if show_values or i == last:
                parts.append(svg_text(x(i), y(float(value)) - 9, _number(value), 'font-weight="700"'))
        if i in labelled:
            parts.append(svg_text(x(i), height - bottom + 20, label, 'fill="#5f6b7a"'))
    desc = "; ".join(f"{label}: {_number(v) if v is not None else '—'}" for label, v in points)
    return svg_frame(width, height, title, desc, parts)


def distribution_svg(scores: Sequence[Number], bins: Sequence[Number] = DEFAULT_BINS, width: int = 360,
                     height: int = 220, *, title: str = "Score distribution") -> str:
    """Bars counting the scores per band; a score below or above the bins joins the end band."""
    counts = band_counts(scores, bins)
    left, right, top, bottom = 12, 12, 26, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / len(counts)
    tallest = max(counts) or 1
    base = top + plot_h
    parts = [f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#9aa5b1"/>']
    for i, (label, count) in enumerate(zip(band_labels(bins), counts, strict=True)):
        bar_h = plot_h * count / tallest
        cx = left + slot * (i + 0.5)
        parts.append(f'<rect x="{cx - slot * 0.35:.1f}" y="{base - bar_h:.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{bar_h:.1f}" rx="3" fill="{_band_colour(bins[i])}"/>')
        parts.append(svg_text(cx, base - bar_h - 7, str(count), 'font-weight="700"'))
        parts.append(svg_text(cx, height - bottom + 20, label, 'fill="#5f6b7a"'))
    desc = "; ".join(f"{label}: {count}" for label, count in zip(band_labels(bins), counts, strict=True))
    return svg_frame(width, height, title, desc, parts)


def band_counts(scores: Sequence[Number], bins: Sequence[Number] = DEFAULT_BINS) -> list[int]:
    """How many scores fall in each band [bins[i], bins[i+1]); the last band includes its top."""
    counts = [0] * (len(bins) - 1)
    for score in scores:
        counts[min(max(bisect_right(bins, score) - 1, 0), len(counts) - 1)] += 1
    return counts


def band_labels(bins: Sequence[Number] = DEFAULT_BINS) -> list[str]:
    """Short labels: "<60", "60–70", ..., "≥90"."""
    labels = [f"{_number(lo)}–{_number(hi)}" for lo, hi in zip(bins, bins[1:], strict=False)]
    labels[0] = f"<{_number(bins[1])}" if len(labels) > 1 else labels[0]
    labels[-1] = f"≥{_number(bins[-2])}" if len(labels) > 1 else labels[-1]
    return labels


def _value_range(values: list[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 100.0
    low, high = math.floor((min(values) - 5) / 10) * 10, math.ceil((max(values) + 5) / 10) * 10
    low = max(low, 0) if min(values) >= 0 else low
    high = min(high, 100) if max(values) <= 100 else high
    if high - low < 20:
        low = high - 20
        if low < 0 <= min(values):
            low, high = 0, 20
    return float(low), float(high)


def _grid(low: float, high: float, x1: float, x2: float, y) -> str:
    step = 10 if high - low <= 50 else 20
    lines, tick = [], low
    while tick <= high:
        lines.append(f'<line x1="{x1}" y1="{y(tick):.1f}" x2="{x2}" y2="{y(tick):.1f}" stroke="#e4e7eb"/>')
        lines.append(svg_text(x1 - 6, y(tick) + 4.5, _number(tick), 'text-anchor="end" fill="#5f6b7a"', anchor=False))
        tick += step
    return "".join(lines)


def _segments(points: Sequence[tuple[str, Number | None]]) -> list[list[tuple[int, Number]]]:
    """Runs of consecutive points that have a value; a line joins the points of a run."""
    runs: list[list[tuple[int, Number]]] = [[]]
    for i, (_label, value) in enumerate(points):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((i, value))
    return [run for run in runs if len(run) > 1]


def _band_colour(low: Number) -> str:
    for floor, colour in ((90, "#11703c"), (80, "#4b9b6e"), (70, "#c9a227"), (60, "#e07b24")):
        if low >= floor:
            return colour
    return "#b42318"


def _number(value: Number) -> str:
    """85.00 -> "85", 85.50 -> "85.5": scores without trailing zeros."""
    text = f"{Decimal(str(value)):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


