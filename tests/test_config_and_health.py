"""Configuration from the environment, and the health check."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_the_instance_folder_is_hearthlink_instance_dir_and_the_tests_keep_theirs_outside_the_checkout(tmp_path):
    assert config.INSTANCE_DIR == Path(os.environ["HEARTHLINK_INSTANCE_DIR"])
    assert config.REPO_ROOT not in config.INSTANCE_DIR.parents and config.INSTANCE_DIR != config.REPO_ROOT / "instance"
    code = "from app import config; print(config.load({})['SQLALCHEMY_DATABASE_URI']); print(config.load({})['SECRET_KEY'])"
    done = subprocess.run([sys.executable, "-c", code], cwd=config.REPO_ROOT, capture_output=True, text=True,
                          env={**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")},
                               "HEARTHLINK_INSTANCE_DIR": str(tmp_path)}, timeout=60)
    database, key = done.stdout.split()
    assert database == f"sqlite:///{tmp_path / 'hearthlink.db'}", done.stderr
    assert (tmp_path / "secret_key").read_text() == key


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


def test_production_refuses_a_secret_key_shorter_than_32_bytes():
    with pytest.raises(config.InsecureConfiguration, match="SECRET_KEY is 5 bytes long.*at least 32"):
        config.load({"HEARTHLINK_ENV": "production", "SECRET_KEY": "short",
                     "DATABASE_URL": "postgresql://app@db/hearthlink"})
    with pytest.raises(config.InsecureConfiguration, match="31 bytes"):
        config.load({"HEARTHLINK_ENV": "production", "SECRET_KEY": "k" * 31,
                     "DATABASE_URL": "postgresql://app@db/hearthlink"})
    settings = config.load({"HEARTHLINK_ENV": "production", "SECRET_KEY": "k" * 32,
                            "DATABASE_URL": "postgresql://app@db/hearthlink"})
    assert settings["SECRET_KEY"] == "k" * 32


def test_development_accepts_a_short_secret_key_for_tests_and_demos():
    assert config.load({"SECRET_KEY": "short"})["SECRET_KEY"] == "short"


def test_session_timeouts_default_to_30_minutes_idle_and_10_hours_in_all():
    settings = config.load({"SECRET_KEY": "k" * 32})
    assert (settings["SESSION_IDLE_MINUTES"], settings["SESSION_ABSOLUTE_HOURS"]) == (30, 10)
    settings = config.load({"SECRET_KEY": "k" * 32, "SESSION_IDLE_MINUTES": "15", "SESSION_ABSOLUTE_HOURS": "8"})
    assert (settings["SESSION_IDLE_MINUTES"], settings["SESSION_ABSOLUTE_HOURS"]) == (15, 8)


@pytest.mark.parametrize("value", ["0", "-5", "half an hour", "²", ""])
def test_session_timeouts_must_be_whole_numbers_of_at_least_one(value):
    with pytest.raises(ValueError, match="SESSION_IDLE_MINUTES must be a whole number"):
        config.load({"SECRET_KEY": "k" * 32, "SESSION_IDLE_MINUTES": value})


def test_the_server_entry_point_starts_and_keeps_the_garbage_collector_off_what_it_loaded(tmp_path):
    """`gunicorn wsgi:app` imports wsgi.py in each server process: the app is made, and what was
    loaded by then is frozen out of the cyclic collector's sight, which then runs less often."""
    probe = ("import gc, wsgi; print(wsgi.app.name, gc.get_threshold(), gc.get_freeze_count() > 10_000)")
    env = {**os.environ, "HEARTHLINK_ENV": "production", "HEARTHLINK_ALLOW_SQLITE": "1", "SECRET_KEY": "k" * 64,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'server.db'}", "HUEY_IMMEDIATE": "1"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parents[1], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "app (20000, 10, 10) True" in done.stdout.splitlines(), done.stdout[-2000:]
