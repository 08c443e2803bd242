"""Benchmark: a township's year of inspections exported to Excel (goal < 5 s).

Run from the repository root: `.venv/bin/python bench/export_township.py` (SQLite; with
EXPORTBENCH_URL=postgresql+psycopg://... on that PostgreSQL database, whose tables it replaces). The generated county
(bench/_county.py, cached in /tmp by bench/_exports.py): township 1 has about 5,000 inspections
of 2025 with 100,000 answers. The figure: the export kind's sheets written by the one writer
(hygiene/core/excel.py) to a file, as the background runner does, by the township's admin.
Baseline: the same rows from the same queries written as plain CSV. Median of 3, interleaved.
The last line printed is one JSON object.
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._exports import county_app, csv_baseline, database, params, user  # noqa: E402
from bench._timing import interleaved_times  # noqa: E402
from hygiene.access.scope import Scope  # noqa: E402
from hygiene.core.excel import write_workbook  # noqa: E402
from hygiene.extensions import db  # noqa: E402
from hygiene.inspections.exports import export_sheets, export_size  # noqa: E402

RUNS = 3


def main() -> None:
    app, built = county_app(database())
    target = Path(tempfile.mkdtemp(prefix="exportbench-")) / "township.xlsx"
    with app.app_context():
        scope = Scope.of(user("township_admin"))
        rows = export_size(scope, params())
        written: list[int] = []
        times = interleaved_times({
            "xlsx": lambda: written.append(write_workbook(export_sheets(scope, params()), str(target))),
            "csv": lambda: csv_baseline(scope, params()),
        }, RUNS)
        db.session.rollback()
    value, baseline = statistics.median(times["xlsx"]), statistics.median(times["csv"])
    print(f"county generated in {built:.0f} s" if built else "county reused (already built)")
    print(f"rows {rows:,} (written {written[-1]:,}); xlsx {times['xlsx']}; csv {times['csv']}; "
          f"file {target.stat().st_size / 1e6:.1f} MB")
    print(json.dumps({"figure": "export_township_year", "value": round(value, 2), "unit": "s",
                      "baseline": round(baseline, 2), "ratio": round(value / baseline, 2), "goal": "< 5 s",
                      "rows": rows, "database": database()}))


if __name__ == "__main__":
    main()
