from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import bp, sign_in
from app.auth.forms import SignInForm
from app.auth.session import end_session
from app.security import ALL_STAFF, home_endpoint, public, requires


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
@sign_in.sign_in_limit
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user.role_enum)))
    form = SignInForm()
    attempt = None
    if form.validate_on_submit():
        # The same answer whether the account is unknown, inactive or the password is wrong.
        attempt = sign_in.check_password(email=form.email.data, password=form.password.data)
        if attempt.user is not None:
            destination = sign_in.after_password(attempt.user, next_url=_safe_next(request.args.get("next")))
            return redirect(destination, code=303)
    return render_sign_in(form, attempt)


def render_sign_in(form: SignInForm, attempt: sign_in.Attempt | None):
    """The sign-in page, with the reason the last attempt was refused (the code step uses it too)."""
    return render_template("auth/login.html", form=form, problem=sign_in.problem(attempt))


@bp.route("/logout", methods=["POST"])
@requires(*ALL_STAFF)
def logout():
    end_session(reason="signed_out")
    return redirect(url_for("auth.login"), code=303)
