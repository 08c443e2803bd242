"""Ledger and monitoring dates: nothing after today, nothing more than two years back (the rounds'
rule, one rule); nothing written when refused."""
from datetime import timedelta

import pytest

from hygiene.clock import local_today
from tests.pests.test_ledger import counts, move, product  # noqa: F401

TODAY = local_today()


@pytest.mark.parametrize(("day", "words"), [
    (TODAY + timedelta(days=1), "不能晚于今天"),
    (TODAY.replace(year=TODAY.year - 3), "两年"),
    ("2019-06-01", "两年"),
])
def test_a_movement_out_of_range_is_refused(app, client, product, day, words):
    before = counts(app)
    response = move(client, product.id, kind="in", quantity="2", moved_on=str(day))
    assert response.status_code == 422 and words in response.text
    assert counts(app) == before


def test_a_movement_of_today_or_last_year_is_taken(app, client, product):
    assert move(client, product.id, kind="in", quantity="2", moved_on=TODAY.isoformat()).status_code == 303
    last_year = (TODAY - timedelta(days=400)).isoformat()
    assert move(client, product.id, kind="in", quantity="2", moved_on=last_year).status_code == 303
