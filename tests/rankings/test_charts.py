"""The SVG charts: well-formed, escaped, accessible, and calm about odd data; no app needed."""
import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest

from hygiene.rankings.charts import band_counts, band_labels, distribution_svg, trend_svg

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg" and root.get("role") == "img" and root.get("aria-label")
    assert root.get("viewBox") and root.get("width") == "100%"
    assert root.find(f"{NS}title").text == root.get("aria-label")
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{NS}text")]


def test_a_trend_draws_a_line_a_dot_and_a_value_per_period():
    root = parse(trend_svg([("2026-09", D("85.50")), ("2026-10", D("90.00")), ("2026-11", D("88"))]))
    assert len(root.findall(f".//{NS}circle")) == 3 and len(root.findall(f".//{NS}polyline")) == 1
    assert {"85.5", "90", "88", "2026-09", "2026-11"} <= set(texts(root))


def test_a_missing_score_breaks_the_line_and_is_told_in_the_description():
    root = parse(trend_svg([("a", D(80)), ("b", D(82)), ("c", None), ("d", D(85)), ("e", D(86))]))
    assert len(root.findall(f".//{NS}polyline")) == 2 and len(root.findall(f".//{NS}circle")) == 4
    assert "c: —" in root.find(f"{NS}desc").text


def test_one_point_or_none_draws_without_a_line():
    root = parse(trend_svg([("2026-10", D("77.25"))]))
    assert len(root.findall(f".//{NS}circle")) == 1 and not root.findall(f".//{NS}polyline")
    assert "77.25" in texts(root)
    for points in ([], [("2026-10", None)]):
        empty = parse(trend_svg(points))
        assert not empty.findall(f".//{NS}circle") and "0" in texts(empty) and "100" in texts(empty)


def test_the_scale_follows_the_data_within_zero_to_a_hundred():
    ticks = texts(parse(trend_svg([("a", D(84)), ("b", D(91))])))
    assert "70" in ticks and "100" in ticks and "0" not in ticks
    assert "0" in texts(parse(trend_svg([("a", D(0)), ("b", D(3))])))


def test_labels_are_thinned_on_a_narrow_chart_but_the_newest_is_kept():
    points = [(f"2026-{m:02d}", D(80 + m)) for m in range(1, 13)]
    shown = [t for t in texts(parse(trend_svg(points))) if t.startswith("2026-")]
    assert "2026-12" in shown and len(shown) < 12


@pytest.mark.parametrize("make", [
    lambda name: trend_svg([(name, D(80))], title=name),
    lambda name: distribution_svg([D(80)], title=name),
])
def test_text_is_escaped(make):
    name = '<script>"&\'</script>'
    svg = make(name)
    assert "<script>" not in svg
    root = parse(svg)
    assert root.get("aria-label") == name


def test_the_distribution_counts_each_band_with_its_ends_included():
    scores = [D(0), D("59.99"), D(60), D("75.5"), D(90), D(100), D(101), D(-3)]
    assert band_counts(scores) == [3, 1, 1, 0, 3]
    assert band_labels() == ["<60", "60–70", "70–80", "80–90", "≥90"]
    root = parse(distribution_svg(scores))
    assert len(root.findall(f".//{NS}rect")) == 5
    assert texts(root)[:2] == ["3", "<60"] and "≥90: 3" in root.find(f"{NS}desc").text


def test_an_empty_distribution_shows_zero_bars():
    root = parse(distribution_svg([]))
    assert [t for t in texts(root) if t.isdigit()] == ["0"] * 5
    assert all(float(r.get("height")) == 0 for r in root.iter(f"{NS}rect"))


def test_other_bins_are_allowed():
    root = parse(distribution_svg([D(10), D(55)], bins=(0, 50, 100)))
    assert texts(root) == ["1", "<50", "1", "≥50"]
