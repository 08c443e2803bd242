"""collector_paused: the collector is off inside, back as it was after, nested and across threads."""
from __future__ import annotations

import gc
import threading

import pytest

from hygiene.core.bulk import collector_paused


@pytest.fixture(autouse=True)
def collector_back_on():
    yield
    gc.enable()


def test_the_collector_is_off_inside_and_on_again_after_nested_blocks():
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_an_error_inside_gives_the_collector_back():
    gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the database went away")
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_blocks_of_two_threads_that_overlap_leave_the_collector_on():
    gc.enable()
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    with collector_paused():
        thread.start()
        inside.wait(5)
    assert not gc.isenabled()  # the other thread's block still runs
    leave.set()
    thread.join(5)
    assert gc.isenabled()
