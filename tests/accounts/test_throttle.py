"""Sign-in throttling: five wrong passwords close an account for a while, an address gets a
higher limit, and an unknown name is throttled, answered and timed like a known one."""
import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from hygiene.extensions import limiter

PASSWORD = "pw-12345678"
REFUSED = "登录失败次数过多"


def attempt(client, username, password="wrong-password", address="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_five_wrong_passwords_refuse_even_the_right_one_with_a_clear_message(client, world):
    for _ in range(5):
        assert attempt(client, "admin_a").status_code == 401
    response = attempt(client, "admin_a", PASSWORD)
    assert response.status_code == 429
    assert REFUSED in response.text and "15 分钟" in response.text
    assert client.get("/").status_code == 302  # still signed out


def test_the_account_opens_again_after_the_window(client, world):
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            attempt(client, "admin_a")
        assert attempt(client, "admin_a", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert attempt(client, "admin_a", PASSWORD).status_code == 302


def test_the_right_password_ends_the_count(client, world):
    for _ in range(4):
        attempt(client, "admin_a")
    assert attempt(client, "admin_a", PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(4):
        assert attempt(client, "admin_a").status_code == 401
    assert attempt(client, "admin_a", PASSWORD).status_code == 302


def test_an_unknown_name_gets_the_same_answers_and_the_same_throttling(client, world):
    known = [attempt(client, "admin_a") for _ in range(6)]
    unknown = [attempt(client, "nobody_here") for _ in range(6)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 5 + [429]
    for one, other in zip(known, unknown, strict=True):
        assert one.text.replace("admin_a", "") == other.text.replace("nobody_here", "")


def test_names_are_throttled_in_any_case_and_spacing(client, world):
    for name in ("admin_a", "ADMIN_A", " Admin_A ", "admin_A", "admin_a"):
        attempt(client, name)
    assert attempt(client, "admin_a", PASSWORD).status_code == 429


def test_known_unknown_and_deactivated_names_each_check_one_password_hash(client, world, app, monkeypatch):
    from hygiene.accounts import models, services

    checks = []
    for module in (models, services):
        real = module.check_password_hash
        monkeypatch.setattr(module, "check_password_hash",
                            lambda stored, given, real=real: checks.append(stored.split("$")[0]) or real(stored, given))
    attempt(client, "admin_a")
    attempt(client, "nobody_here")
    with app.app_context():
        from hygiene.accounts.models import User
        from hygiene.extensions import db

        db.session.get(User, world.user_inspector_a).active = False
        db.session.commit()
    attempt(client, "inspector_a", PASSWORD)
    method = app.config["PASSWORD_HASH_METHOD"]
    assert checks == [method, method, method]  # one hash each, the same method and cost


def test_an_address_is_refused_after_more_failures_on_many_names(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", "8 per 15 minutes")
    for number in range(8):
        assert attempt(client, f"guess{number}").status_code == 401
    assert attempt(client, "admin_a", PASSWORD).status_code == 429
    assert attempt(client, "admin_a", PASSWORD, address="10.0.0.2").status_code == 302  # another office


def test_failures_of_one_account_do_not_lock_another(client, world):
    for _ in range(5):
        attempt(client, "admin_a", address="10.0.0.7")
    assert attempt(client, "inspector_a", PASSWORD, address="10.0.0.7").status_code == 302


def test_bad_form_input_is_not_counted(client, world):
    for _ in range(8):
        assert client.post("/login", data={"username": "admin_a", "password": ""}).status_code == 401
    assert attempt(client, "admin_a", PASSWORD).status_code == 302


# the SQLite and PostgreSQL passes run at once (tests/run.sh): each resets a Redis database of its own
REDIS_URL = "redis://127.0.0.1:6379/" + ("14" if os.environ.get("TEST_DATABASE_URL") else "13")


@pytest.fixture
def redis_store(monkeypatch):
    """The throttle on a real Redis, as several web processes share it."""
    from limits.storage import storage_from_string
    from limits.strategies import MovingWindowRateLimiter

    storage = storage_from_string(REDIS_URL)
    if not storage.check():
        pytest.skip("no Redis at 127.0.0.1:6379")
    storage.reset()
    monkeypatch.setattr(limiter, "_storage", storage)
    monkeypatch.setattr(limiter, "_limiter", MovingWindowRateLimiter(storage))
    yield storage
    storage.reset()


def test_with_redis_another_process_sees_the_failures(client, world, app, redis_store):
    from limits import parse
    from limits.storage import storage_from_string
    from limits.strategies import MovingWindowRateLimiter

    for _ in range(5):
        attempt(client, "admin_a")
    assert attempt(client, "admin_a", PASSWORD).status_code == 429
    other_process = MovingWindowRateLimiter(storage_from_string(REDIS_URL))
    item = parse(app.config["LOGIN_FAILURES_PER_ADDRESS"])
    assert other_process.get_window_stats(item, "login", "address", "10.0.0.1").remaining == item.amount - 5


def test_the_storage_is_chosen_by_configuration():
    from flask import Flask
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address
    from limits.storage import MemoryStorage, RedisStorage

    from config import Config

    chosen = {}
    for uri in (Config.RATELIMIT_STORAGE_URI, REDIS_URL):
        flask_app = Flask(__name__)
        flask_app.config["RATELIMIT_STORAGE_URI"] = uri
        one = Limiter(key_func=get_remote_address)
        one.init_app(flask_app)
        chosen[uri] = type(one.storage)
    assert list(chosen.values()) == [MemoryStorage, RedisStorage]


def test_throttling_goes_on_without_redis(client, world, monkeypatch):
    """The shared store down: sign-in still works (unthrottled, logged), never a 500."""
    from limits.storage import storage_from_string
    from limits.strategies import MovingWindowRateLimiter

    dead = storage_from_string("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    monkeypatch.setattr(limiter, "_limiter", MovingWindowRateLimiter(dead))
    assert attempt(client, "admin_a").status_code == 401
    assert attempt(client, "admin_a", PASSWORD).status_code == 302


def test_the_demo_password_passes_the_policy_every_password_meets(ctx):
    from hygiene.accounts.services import _password_errors
    from hygiene.demo import DEMO_PASSWORD

    for username in ("admin", "inspector", "village", "unit"):
        assert _password_errors(DEMO_PASSWORD, username) == {}
    for weak in ("short1", "12345678901", "password1", "admin-2026x", "aaaaaaaaaaaa"):
        assert _password_errors(weak, "admin"), weak
