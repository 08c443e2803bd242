"""Timing helpers shared by the benches: measure a baseline beside the figure, interleaved."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa


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


@contextmanager
def counting(engine) -> Iterator[list[int]]:
    """Count the statements `engine` runs inside the block (n[0])."""
    counter = [0]

    def before(*_args, **_kwargs):
        counter[0] += 1

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def statements_of(engine, work) -> int:
    """The statements one call of `work` runs on `engine`."""
    with counting(engine) as n:
        work()
    return n[0]
