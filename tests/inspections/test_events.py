"""Orders follow their inspection through the followers rectifications registers at start."""
from __future__ import annotations

from hygiene.inspections.events import cancel_followers, result_followers


def test_the_app_starts_with_the_orders_following_their_inspections(app):
    from hygiene.creation.review import (
        creation_follow_amendment,
        creation_follow_cancel,
        creation_follow_publish,
    )
    from hygiene.creation.selfassess import creation_follow_self_assessment, creation_follow_self_cancel
    from hygiene.inspections.events import publish_followers
    from hygiene.rectifications.services import order_issue_for_inspection, orders_withdraw_for_inspection
    from hygiene.toilets.acceptance import (
        toilet_follow_amendment,
        toilet_follow_cancel,
        toilet_follow_publish,
    )

    # each domain's followers, in the order their modules happened to be imported (they are independent)
    assert set(result_followers()) == {order_issue_for_inspection, toilet_follow_amendment, creation_follow_amendment,
                                       creation_follow_self_assessment}
    assert set(cancel_followers()) == {orders_withdraw_for_inspection, toilet_follow_cancel, creation_follow_cancel,
                                       creation_follow_self_cancel}
    assert set(publish_followers()) == {toilet_follow_publish, creation_follow_publish}
