"""Second-factor pages: the code step of signing in, enrolment (forced or chosen), recovery codes."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import bp, mfa, sign_in
from app.auth.forms import AppCodeForm, RecoveryCodeForm, SignInForm
from app.security import ALL_STAFF, PUBLIC, declared_access, public, requires

TIMED_OUT = "Your sign-in timed out. Sign in again."
WRONG_APP_CODE = ("The code is wrong or has already been used. Enter the newest code from your "
                  "authenticator app")
WRONG_RECOVERY_CODE = "The recovery code is wrong or has already been used. Enter an unused code"
WRONG_ENROL_CODE = ("The code is wrong. Check the time on your phone is right, then enter the newest "
                    "code from your authenticator app")
#: What a signed-in user without a second factor can still reach when REQUIRE_MFA is on.
OPEN_BEFORE_ENROLMENT = {"auth.enrol", "auth.two_step", "auth.logout"}


def _no_store(body: str):
    """Secrets and recovery codes must not stay in the browser's cache."""
    return body, 200, {"Cache-Control": "no-store"}


def _start_again():
    flash(TIMED_OUT, "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/login/code", methods=["GET", "POST"])
@public
@sign_in.sign_in_limit
def code():
    return _code_step(AppCodeForm(), recovery=False)


@bp.route("/login/recovery-code", methods=["GET", "POST"])
@public
@sign_in.sign_in_limit
def recovery_code():
    return _code_step(RecoveryCodeForm(), recovery=True)


def _code_step(form, *, recovery: bool):
    user = sign_in.pending_user(sign_in.CODE_STEP)
    if user is None:
        return _start_again()
    if form.validate_on_submit():
        attempt = sign_in.check_code(user=user, code=form.code.data, recovery=recovery)
        if attempt.user is not None:
            destination = sign_in.finish(user)
            if recovery:
                flash(f"You used a recovery code. You have {mfa.recovery_codes_left(user)} left.", "info")
            return redirect(destination, code=303)
        if attempt.locked_until is not None:
            from app.auth.routes import render_sign_in

            return render_sign_in(SignInForm(formdata=None), attempt)
        form.code.errors.append(WRONG_RECOVERY_CODE if recovery else WRONG_APP_CODE)
    template = "auth/recovery_code.html" if recovery else "auth/code.html"
    return render_template(template, form=form)


@bp.route("/login/set-up-two-step", methods=["GET", "POST"])
@public
@sign_in.sign_in_limit
def enrol_at_sign_in():
    user = sign_in.pending_user(sign_in.ENROL_STEP)
    if user is None:
        return _start_again()
    return _enrolment(user, finish=lambda: sign_in.finish(user), forced=True)


@bp.route("/account/two-step")
@requires(*ALL_STAFF)
def two_step():
    return render_template("auth/two_step.html", enrolled=mfa.has_second_factor(current_user),
                           codes_left=mfa.recovery_codes_left(current_user),
                           required=current_app.config["REQUIRE_MFA"])


@bp.route("/account/two-step/set-up", methods=["GET", "POST"])
@requires(*ALL_STAFF)
def enrol():
    if mfa.has_second_factor(current_user):
        return redirect(url_for("auth.two_step"), code=303)
    return _enrolment(current_user, finish=lambda: url_for("auth.two_step"), forced=False)


def _enrolment(user, *, finish, forced: bool):
    secret = mfa.enrolment_secret(user)
    form = AppCodeForm()
    if form.validate_on_submit():
        codes = mfa.confirm_enrolment(user=user, code=form.code.data)
        if codes is not None:
            return _no_store(render_template("auth/recovery_codes.html", codes=codes, destination=finish()))
        form.code.errors.append(WRONG_ENROL_CODE)
    return _no_store(render_template("auth/enrol.html", form=form, forced=forced, email=user.email,
                                     qr_code=mfa.qr_code_data_uri(user, secret), secret=mfa.grouped(secret)))


@bp.before_app_request
def require_second_factor():
    """With REQUIRE_MFA on, a session without a second factor (one begun before the setting, or
    whose factor an administrator reset) reaches nothing but enrolment and signing out."""
    endpoint = request.endpoint or ""
    if not current_app.config["REQUIRE_MFA"] or endpoint in OPEN_BEFORE_ENROLMENT:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return None
    view = current_app.view_functions.get(endpoint)
    if view is None or declared_access(view) == PUBLIC:
        return None
    if current_user.is_authenticated and not mfa.has_second_factor(current_user):
        return redirect(url_for("auth.enrol"))
    return None
