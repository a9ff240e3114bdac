"""Flask-Login wiring: sessions are signed cookies, so any app server can serve any request."""
from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

from app.extensions import db


def configure_login(app: Flask, login_manager: LoginManager) -> None:
    from app.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(identity: str) -> User | None:
        user_id, _, version = identity.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A reset password or a deactivation bumps the version and so ends old sessions.
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user
