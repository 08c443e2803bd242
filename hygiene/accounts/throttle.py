"""Sign-in throttling: wrong passwords counted per account and per address in the limiter's
storage (memory in one process, Redis when several share it), the same for unknown names."""
from __future__ import annotations

import hashlib
import logging
import math
import time

from flask import current_app
from limits import RateLimitItem, parse

from hygiene.extensions import limiter
from hygiene.places.rules import clean_text

log = logging.getLogger(__name__)


def _limits(username: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
    # the name is hashed: any text a visitor types becomes a short, safe storage key
    account = hashlib.sha256(clean_text(username).lower().encode()).hexdigest()[:32]
    return [(parse(current_app.config["LOGIN_FAILURES_PER_ACCOUNT"]), "account", account),
            (parse(current_app.config["LOGIN_FAILURES_PER_ADDRESS"]), "address", address or "-")]


def login_wait(*, username: str, address: str) -> int:
    """Minutes to wait before this account may try from this address again; 0: it may try now."""
    waits = [0.0]
    try:
        for item, kind, key in _limits(username, address):
            if not limiter.limiter.test(item, "login", kind, key):
                reset = limiter.limiter.get_window_stats(item, "login", kind, key).reset_time
                waits.append(max(reset - time.time(), 1.0))
    except Exception:  # the shared store is down: sign-in goes on unthrottled rather than not at all
        log.exception("sign-in throttling is unavailable")
        return 0
    return math.ceil(max(waits) / 60)


def login_failed(*, username: str, address: str) -> None:
    """Count a wrong password (or an unknown name) against the account and the address."""
    try:
        for item, kind, key in _limits(username, address):
            limiter.limiter.hit(item, "login", kind, key)
    except Exception:
        log.exception("sign-in throttling is unavailable")


def login_succeeded(*, username: str, address: str) -> None:
    """The right password ends the account's count (the address keeps its own)."""
    item, kind, key = _limits(username, address)[0]
    try:
        limiter.limiter.clear(item, "login", kind, key)
    except Exception:
        log.exception("sign-in throttling is unavailable")
