"""Timing helpers shared by the benches: measure a baseline beside the figure, interleaved."""
from __future__ import annotations

import time


def timed(work) -> float:
    """Return the seconds one call of `work` takes."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def interleaved_times(works: dict, runs: int) -> dict[str, list[float]]:
    """Warm each up once, then alternate them `runs` times, so a busy machine slows all alike."""
    for work in works.values():
        work()
    times: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(runs):
        for name, work in works.items():
            times[name].append(timed(work))
    return times
