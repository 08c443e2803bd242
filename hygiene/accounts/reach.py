"""Which channels reach a user, as their contact page tells them.

Notifications knows the installation's channels and registers the answer here
(`register_channels_reaching`), so accounts does not import notifications."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

ChannelsReaching = Callable[[Any], set[str]]  # a User -> the channel names that reach them

_providers: list[ChannelsReaching] = []


def register_channels_reaching(provider: ChannelsReaching) -> ChannelsReaching:
    """Register the function that says which channels reach a user (notifications' rule)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def channels_reaching(user: Any) -> set[str]:
    """The channel names that reach the user, by every registered provider."""
    return set().union(*(provider(user) for provider in _providers))
