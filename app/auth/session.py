"""Flask-Login wiring: sessions are signed cookies, so any app server can serve any request."""
from __future__ import annotations

from flask import Flask
from flask_login import LoginManager, current_user, login_user, logout_user

from app.extensions import db
from app.models import User
from app.services import audit


def begin_session(user: User) -> None:
    """Sign a user in once every check (password, throttle, second factor) has passed."""
    login_user(user, remember=False)
    audit.record(by=user, action="auth.sign_in", subject_type="user", subject_id=user.id)
    db.session.commit()


def end_session(*, reason: str) -> None:
    """Sign the current user out of this browser."""
    if current_user.is_authenticated:
        audit.record(by=current_user, action="auth.sign_out", subject_type="user",
                     subject_id=current_user.id, detail=reason)
        db.session.commit()
    logout_user()


def configure_login(app: Flask, login_manager: LoginManager) -> None:
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
