"""Your account: where you are signed in, signing out elsewhere, and changing your password."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.account import bp
from app.account.browsers import describe
from app.account.forms import ChangePasswordForm, SignOutForm
from app.auth.session import current_staff_session, forget_browser
from app.form_errors import attach_rule_error
from app.security import ALL_STAFF, requires
from app.services import staff_sessions
from app.services.errors import RuleBroken


def _devices(count: int) -> str:
    return f"{count} other device" + ("" if count == 1 else "s")


@bp.route("/", methods=["GET", "POST"])
@requires(*ALL_STAFF)
def index():
    form = ChangePasswordForm()
    this_session = current_staff_session()
    if form.validate_on_submit():
        try:
            ended = staff_sessions.change_own_password(
                by=current_user, current_password=form.current_password.data,
                new_password=form.new_password.data, keep=this_session)
        except RuleBroken as error:
            attach_rule_error(form, error)
        else:
            flash(f"Your password has been changed. You have been signed out on {_devices(ended)}.", "success")
            return redirect(url_for("account.index"), code=303)
    sessions = [(record, describe(record.user_agent), this_session is not None and record.id == this_session.id)
                for record in staff_sessions.open_sessions(current_user)]
    return render_template("account/index.html", form=form, sessions=sessions, sign_out_form=SignOutForm())


@bp.route("/sign-out-other-devices", methods=["POST"])
@requires(*ALL_STAFF)
def sign_out_other_devices():
    if SignOutForm().validate_on_submit():
        ended = staff_sessions.sign_out_other_devices(by=current_user, keep=current_staff_session())
        flash(f"You have been signed out on {_devices(ended)}.", "success")
    return redirect(url_for("account.index"), code=303)


@bp.route("/sign-out-everywhere", methods=["POST"])
@requires(*ALL_STAFF)
def sign_out_everywhere():
    if not SignOutForm().validate_on_submit():
        return redirect(url_for("account.index"), code=303)
    staff_sessions.sign_out_other_devices(by=current_user, keep=None)
    forget_browser()
    flash("You have been signed out on every device, including this one.", "success")
    return redirect(url_for("auth.login"), code=303)
