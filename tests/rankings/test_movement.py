"""How a name moved between two rankings, as the notice's move column says it."""
from __future__ import annotations

import pytest

from hygiene.rankings.movement import Movement, movement


@pytest.mark.parametrize(("rank", "previous", "expected", "text"), [
    (2, 5, Movement.UP, "↑3"), (5, 2, Movement.DOWN, "↓3"), (4, 4, Movement.SAME, "—"),
])
def test_a_move_between_two_ranks(rank, previous, expected, text):
    assert movement(rank, previous) is expected
    assert expected.text(abs(rank - previous)) == text


def test_new_and_dropped_names_are_worded(app):
    with app.test_request_context("/"):
        assert (Movement.NEW.text(0), Movement.DROPPED.text(0)) == ("新进入排名", "本期未排名")
