"""What follows when an inspection's result changes: other domains register their part here.

Rectification orders follow their inspection (issued from a submission's failed items, changed
by a re-submission or an amendment, withdrawn when it is cancelled). Rectifications depends on
inspections, so inspections reaches it through these registered followers instead of importing
it; a test checks that the app starts with them registered."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

ResultFollower = Callable[..., Any]  # called with inspection=, actor_id=, now=
CancelFollower = Callable[..., Any]  # called with inspection=, actor_id=, reason=, now=
PublishFollower = Callable[..., Any]  # called with inspection=, actor_id=, now=

_result_followers: list[ResultFollower] = []
_cancel_followers: list[CancelFollower] = []
_publish_followers: list[PublishFollower] = []


def follows_result(follower: ResultFollower) -> ResultFollower:
    """Register a function called whenever an inspection's answers are submitted or amended."""
    if follower not in _result_followers:
        _result_followers.append(follower)
    return follower


def follows_cancel(follower: CancelFollower) -> CancelFollower:
    """Register a function called when an inspection is cancelled."""
    if follower not in _cancel_followers:
        _cancel_followers.append(follower)
    return follower


def follows_publish(follower: PublishFollower) -> PublishFollower:
    """Register a function called when the office publishes an inspection (an acceptance counts
    from then on: hygiene/toilets/acceptance.py)."""
    if follower not in _publish_followers:
        _publish_followers.append(follower)
    return follower


def result_followers() -> list[ResultFollower]:
    return list(_result_followers)


def cancel_followers() -> list[CancelFollower]:
    return list(_cancel_followers)


def publish_followers() -> list[PublishFollower]:
    return list(_publish_followers)


def result_changed(*, inspection: Any, actor_id: int | None, now: datetime) -> None:
    """Tell the followers that an inspection's result was submitted or amended (same transaction)."""
    for follower in _result_followers:
        follower(inspection=inspection, actor_id=actor_id, now=now)


def inspection_cancelled(*, inspection: Any, actor_id: int | None, reason: str, now: datetime) -> None:
    """Tell the followers that an inspection was cancelled, and why (same transaction)."""
    for follower in _cancel_followers:
        follower(inspection=inspection, actor_id=actor_id, reason=reason, now=now)


def inspection_published(*, inspection: Any, actor_id: int | None, now: datetime) -> None:
    """Tell the followers that the office published an inspection (same transaction)."""
    for follower in _publish_followers:
        follower(inspection=inspection, actor_id=actor_id, now=now)
