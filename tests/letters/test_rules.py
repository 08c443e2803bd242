"""The assessment's pure rules: met, missed or not measured, and the score."""
from decimal import Decimal as D

import pytest

from hygiene.letters.rules import letter_score, target_met


@pytest.mark.parametrize(("actual", "target", "higher", "met"), [
    (D("90"), D("90"), True, True), (D("89.99"), D("90"), True, False), (None, D("0"), True, None),
    (D("3"), D("5"), False, True), (D("6"), D("5"), False, False)])
def test_a_target_is_met_when_the_actual_reaches_it(actual, target, higher, met):
    assert target_met(actual, target, higher_is_better=higher) is met


def test_a_target_with_nothing_measured_is_left_out_of_the_score():
    assert letter_score([True, None, False]) == D("50.00")
    assert letter_score([None]) is None


def test_the_score_is_the_share_of_targets_met():
    assert letter_score([True, True, False]) == D("66.67")
    assert letter_score([True]) == D("100.00")
    assert letter_score([]) is None
