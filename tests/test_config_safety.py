"""Start-up safety: no known key outside the test configuration, no debugger outside development."""
import os
import stat

import pytest

import config
from hygiene import create_app


def test_development_without_a_key_makes_and_keeps_its_own_random_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "BASE_DIR", tmp_path)
    first = create_app(config.DevelopmentConfig).config["SECRET_KEY"]
    path = tmp_path / "instance" / "secret_key"
    assert first != config.DEV_SECRET and len(first) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert create_app(config.DevelopmentConfig).config["SECRET_KEY"] == first  # sessions survive restarts
    (tmp_path / "other").mkdir()
    assert config.instance_secret_key(tmp_path / "other") != first  # every installation its own


def test_an_unset_hygiene_config_never_signs_with_the_known_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("HYGIENE_CONFIG", raising=False)
    monkeypatch.setattr(config, "BASE_DIR", tmp_path)
    assert create_app().config["SECRET_KEY"] not in (config.DEV_SECRET, "")


@pytest.mark.parametrize("secret", [config.DEV_SECRET, "short"])
def test_development_refuses_a_weak_key_it_was_given(monkeypatch, secret):
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config.DevelopmentConfig)


@pytest.mark.parametrize("name", ["ProductionConfig", "TestConfig"])
def test_flask_debug_is_refused_outside_development(monkeypatch, name):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="FLASK_DEBUG"):
        create_app(getattr(config, name))


def test_development_may_debug(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert create_app(config.DevelopmentConfig).debug
