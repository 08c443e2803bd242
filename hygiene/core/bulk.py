"""Helpers for work on thousands of rows at once (an import's confirm)."""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pausing = 0                 # blocks inside collector_paused() now, over all threads
_was_enabled = True          # the collector's state before the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block without Python's cyclic garbage collector.

    A bulk write of 5,000 rows makes some 40,000 containers (row values, statement parameters,
    audit events) that live until it ends. Enough of them outlive two young collections that
    the collector then ran a full collection of the whole worker heap (170,000 objects, mostly
    the modules of the app) in the middle of the write: 100 to 140 ms, a third of an import's
    confirm. Those rows form no cycles, so reference counting frees them when the block ends and
    there is nothing for the collector to find; paused, they are never promoted, so the full
    collection is not merely postponed to the next request. Nested and concurrent blocks (threads)
    are counted: the collector comes back as it was when the last of them ends."""
    global _pausing, _was_enabled
    with _lock:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _lock:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()
