"""Passwords: scrypt with werkzeug's cost in production; the tests' cheap hasher is a test setting."""
from __future__ import annotations

from app import create_app
from app.models.org import User, hash_password
from tests import factories


def test_production_config_hashes_passwords_with_scrypt_at_full_cost():
    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                              "SECRET_KEY": "test-secret"})
    assert "PASSWORD_HASH_METHOD" not in application.config
    with application.app_context():
        stored = hash_password("correct horse battery")
    assert stored.split("$")[0] == "scrypt:32768:8:1"


def test_hash_outside_an_app_is_scrypt():
    assert hash_password("correct horse battery").startswith("scrypt:32768:8:1$")


def test_test_apps_use_the_cheap_hasher_and_still_check_passwords(app):
    user = factories.user()
    assert user.password_hash.startswith("pbkdf2:sha256:1$")
    assert user.check_password(factories.PASSWORD)
    assert not user.check_password("wrong password")
    assert isinstance(user, User)
