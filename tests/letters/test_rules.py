"""The assessment's pure rules: met or not, and the score."""
from decimal import Decimal as D

import pytest

from hygiene.letters.rules import letter_score, target_met


@pytest.mark.parametrize(("actual", "target", "higher", "met"), [
    (D("90"), D("90"), True, True), (D("89.99"), D("90"), True, False), (None, D("0"), True, False),
    (D("3"), D("5"), False, True), (D("6"), D("5"), False, False)])
def test_a_target_is_met_when_the_actual_reaches_it(actual, target, higher, met):
    assert target_met(actual, target, higher_is_better=higher) is met


def test_the_score_is_the_share_of_targets_met():
    assert letter_score([True, True, False]) == D("66.67")
    assert letter_score([True]) == D("100.00")
    assert letter_score([]) is None
