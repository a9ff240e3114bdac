from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from app.auth import bp
from app.auth.forms import SignInForm
from app.auth.session import begin_session, end_session
from app.extensions import db, limiter
from app.models import User
from app.security import ALL_STAFF, home_endpoint, public, requires
from app.services import audit

SIGN_IN_FAILED = "Enter a correct email address and password. Accounts lock for a minute after 10 wrong attempts."


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _failed(response) -> bool:
    return response.status_code == 200


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               deduct_when=_failed, error_message="Too many sign-in attempts")
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user.role_enum)))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        email = User.normalise_email(form.email.data)
        user = db.session.scalar(select(User).where(User.email == email))
        # The same message whether the account is unknown, inactive or the password is wrong.
        if user is not None and user.active and user.check_password(form.password.data):
            begin_session(user)
            destination = _safe_next(request.args.get("next")) or url_for(home_endpoint(user.role_enum))
            return redirect(destination, code=303)
        failed = True
        current_app.logger.info("failed sign-in for %s", email)
    return render_template("auth/login.html", form=form, failed=failed, message=SIGN_IN_FAILED)


@bp.route("/logout", methods=["GET", "POST"])
@requires(*ALL_STAFF)
def logout():
    logout_user()
    return redirect(url_for("auth.login"), code=303)
