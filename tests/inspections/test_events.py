"""Orders follow their inspection through the followers rectifications registers at start."""
from __future__ import annotations

from hygiene.inspections.events import cancel_followers, result_followers


def test_the_app_starts_with_the_orders_following_their_inspections(app):
    from hygiene.inspections.events import publish_followers
    from hygiene.rectifications.services import order_issue_for_inspection, orders_withdraw_for_inspection
    from hygiene.toilets.acceptance import (
        toilet_follow_amendment,
        toilet_follow_cancel,
        toilet_follow_publish,
    )

    assert result_followers() == [order_issue_for_inspection, toilet_follow_amendment]
    assert cancel_followers() == [orders_withdraw_for_inspection, toilet_follow_cancel]
    assert publish_followers() == [toilet_follow_publish]
