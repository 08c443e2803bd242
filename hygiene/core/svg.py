"""Inline SVG charts drawn in Python, so a phone needs no script to see them: the shared
pieces (text, the frame), and a step chart of an ordinal value (levels) over periods.

Charts scale to their container (viewBox, width 100%) and keep their text at 14 units high,
readable when a 360 px phone shows them at full width."""
from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

LINE, MUTED, GRID, MARK, BELOW_FILL = "#1d6b48", "#5f6b7a", "#e4e7eb", "#b42318", "#fdf0ee"


def svg_text(x: float, y: float, text: str, extra: str = "", anchor: bool = True) -> str:
    middle = ' text-anchor="middle"' if anchor else ""
    return f'<text x="{x:.1f}" y="{y:.1f}"{middle} {extra}>{escape(str(text))}</text>'


def svg_frame(width: int, height: int, title: str, desc: str, parts: list[str]) -> Markup:
    """The chart's element: its title and a text description (what a screen reader says)."""
    label = escape(str(title))
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
                  f'role="img" aria-label="{label}" preserveAspectRatio="xMidYMid meet">'
                  f'<title>{label}</title><desc>{escape(desc)}</desc>'
                  f'<g font-family="sans-serif" font-size="14">{"".join(parts)}</g></svg>')


def ordinal_step_svg(points: Sequence[tuple[str, int | None]], levels: Sequence[str], *, required: int,
                     required_label: str, title: str, width: int = 360, height: int = 200) -> Markup:
    """A step line of an ordinal value (0 = levels[0], the worst, at the bottom) over periods;
    None leaves a gap. A dashed line marks `required`, the level that must be reached."""
    left, right, top, bottom = 64, 26, 26, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(len(points), 1)

    def y(value: float) -> float:
        return top + plot_h * (1 - (value + 0.5) / len(levels))

    parts = []
    for i, name in enumerate(levels):
        parts.append(f'<line x1="{left}" y1="{y(i):.1f}" x2="{width - right}" y2="{y(i):.1f}" stroke="{GRID}"/>')
        parts.append(svg_text(left - 6, y(i) + 5, name, f'text-anchor="end" fill="{MUTED}"', anchor=False))
    mark = y(required - 0.5)
    parts.insert(0, f'<rect x="{left}" y="{mark:.1f}" width="{plot_w}" height="{top + plot_h - mark:.1f}" '
                    f'fill="{BELOW_FILL}"/>')
    parts.append(f'<line class="required" x1="{left}" y1="{mark:.1f}" x2="{width - right}" y2="{mark:.1f}" '
                 f'stroke="{MARK}" stroke-dasharray="6 4" stroke-width="1.5"/>')
    parts.append(f'<line x1="{left}" y1="8" x2="{left + 24}" y2="8" stroke="{MARK}" stroke-dasharray="6 4" '
                 'stroke-width="1.5"/>')
    parts.append(svg_text(left + 30, 13, required_label, f'fill="{MARK}" font-size="13"', anchor=False))
    for run in _runs(points):
        steps = []
        for i, value in run:
            steps += [f"{left + slot * i:.1f},{y(value):.1f}", f"{left + slot * (i + 1):.1f},{y(value):.1f}"]
        parts.append(f'<polyline points="{" ".join(steps)}" fill="none" stroke="{LINE}" stroke-width="3" '
                     'stroke-linejoin="round"/>')
    every = max(1, math.ceil(len(points) / 4))
    last = len(points) - 1
    for i, (label, _value) in enumerate(points):
        if (last - i) % every == 0:   # the latest month always, and every `every` months before it
            parts.append(svg_text(left + slot * (i + 0.5), height - bottom + 18, label, f'fill="{MUTED}"'))
    desc = "; ".join(f"{label}: {levels[v] if v is not None else '—'}" for label, v in points)
    return svg_frame(width, height, title, desc, parts)


def _runs(points: Sequence[tuple[str, int | None]]) -> list[list[tuple[int, int]]]:
    """Runs of consecutive periods that have a value; each run is one step line."""
    runs: list[list[tuple[int, int]]] = [[]]
    for i, (_label, value) in enumerate(points):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((i, value))
    return [run for run in runs if run]
