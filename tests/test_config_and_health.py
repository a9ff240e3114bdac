"""Configuration from the environment, and the health check."""
from __future__ import annotations

import pytest

from app import config


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(config.InsecureConfiguration, match="SECRET_KEY"):
        config.load({"HEARTHLINK_ENV": "production", "DATABASE_URL": "postgresql://x@y/z"})


def test_production_turns_on_secure_cookies_and_wants_postgresql():
    settings = config.load({"HEARTHLINK_ENV": "production", "SECRET_KEY": "s" * 40,
                            "DATABASE_URL": "postgresql://app@db/hearthlink"})
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db/hearthlink"
    with pytest.raises(config.InsecureConfiguration, match="PostgreSQL"):
        config.load({"HEARTHLINK_ENV": "production", "SECRET_KEY": "s" * 40})


def test_development_keeps_one_generated_secret_key(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    first = config.load({})["SECRET_KEY"]
    second = config.load({})["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert config.load({})["SESSION_COOKIE_SECURE"] is False


def test_healthz_answers_ok_when_the_database_is_reachable(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_not(tmp_path):
    from tests.conftest import make_app

    broken = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "error"
