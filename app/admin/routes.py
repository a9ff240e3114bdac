from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.admin import bp
from app.admin.forms import EmptyForm, LocalityForm, PasswordResetForm, PracticeForm, UserForm
from app.auth import mfa, throttle
from app.auth.sign_in import uk_clock
from app.extensions import db
from app.form_errors import attach_rule_error
from app.models import Locality, Practice, User
from app.security import Role, requires
from app.services import org, staff_sessions
from app.services.errors import RuleBroken


def _locality_choices(blank: str | None = None) -> list[tuple[int, str]]:
    choices = [(loc.id, loc.name) for loc in db.session.scalars(select(Locality).order_by(Locality.name))]
    return [(0, blank)] + choices if blank else choices


def _get_or_404(model, ident):
    return db.session.get(model, ident) or abort(404)


@bp.route("/")
@requires(Role.ADMIN)
def index():
    localities = db.session.scalars(
        select(Locality).options(selectinload(Locality.practices)).order_by(Locality.name)).all()
    users = db.session.scalars(select(User).options(selectinload(User.practice), selectinload(User.locality))
                               .order_by(User.role, User.name)).all()
    return render_template("admin/index.html", localities=localities, users=users, form=EmptyForm(),
                           two_step=mfa.users_with_second_factor(users),
                           locked={user_id: uk_clock(until) for user_id, until in throttle.locked_users(users).items()})


@bp.route("/localities/new", methods=["GET", "POST"])
@bp.route("/localities/<int:locality_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def locality(locality_id: int | None = None):
    existing = _get_or_404(Locality, locality_id) if locality_id else None
    form = LocalityForm(obj=existing)
    if form.validate_on_submit():
        try:
            if existing:
                org.rename_locality(by=current_user, locality=existing, name=form.name.data)
            else:
                org.create_locality(by=current_user, name=form.name.data)
        except RuleBroken as error:
            attach_rule_error(form, error)
        else:
            flash(f"Locality {form.name.data.strip()} saved", "success")
            return redirect(url_for("admin.index"), code=303)
    return render_template("admin/locality.html", form=form, existing=existing)


@bp.route("/practices/new", methods=["GET", "POST"])
@bp.route("/practices/<int:practice_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def practice(practice_id: int | None = None):
    existing = _get_or_404(Practice, practice_id) if practice_id else None
    form = PracticeForm(obj=existing)
    form.locality_id.choices = _locality_choices()
    if existing:
        form.ods_code.data = existing.ods_code
    if form.validate_on_submit():
        locality = _get_or_404(Locality, form.locality_id.data)
        try:
            if existing:
                org.update_practice(by=current_user, practice=existing, name=form.name.data, locality=locality)
            else:
                org.create_practice(by=current_user, ods_code=form.ods_code.data, name=form.name.data,
                                    locality_name=locality.name)
        except RuleBroken as error:
            attach_rule_error(form, error)
        else:
            flash(f"Practice {form.name.data.strip()} saved", "success")
            return redirect(url_for("admin.index"), code=303)
    return render_template("admin/practice.html", form=form, existing=existing)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new_user():
    form = UserForm()
    form.practice_id.choices = [(0, "Not a practice user")] + [
        (p.id, f"{p.name} ({p.ods_code})") for p in db.session.scalars(select(Practice).order_by(Practice.name))]
    form.locality_id.choices = _locality_choices(blank="No locality")
    if form.validate_on_submit():
        try:
            org.create_user(by=current_user, email=form.email.data, name=form.name.data, role=form.role.data,
                            password=form.password.data,
                            practice=db.session.get(Practice, form.practice_id.data or 0),
                            locality=db.session.get(Locality, form.locality_id.data or 0))
        except RuleBroken as error:
            attach_rule_error(form, error)
        else:
            flash(f"Account created for {form.name.data.strip()}", "success")
            return redirect(url_for("admin.index"), code=303)
    return render_template("admin/user.html", form=form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@requires(Role.ADMIN)
def toggle_active(user_id: int):
    user = _get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        try:
            org.set_active(by=current_user, user=user, active=not user.active)
        except RuleBroken as error:
            flash(error.message, "error")
        else:
            flash(f"{user.name} is now {'active' if user.active else 'deactivated'}", "success")
    return redirect(url_for("admin.index"), code=303)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@requires(Role.ADMIN)
def reset_password(user_id: int):
    user = _get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            org.reset_password(by=current_user, user=user, password=form.password.data)
        except RuleBroken as error:
            attach_rule_error(form, error)
        else:
            flash(f"Password reset for {user.name}. Give it to them in person or by phone.", "success")
            return redirect(url_for("admin.index"), code=303)
    return render_template("admin/password.html", form=form, user=user)


@bp.route("/users/<int:user_id>/sign-out-everywhere", methods=["POST"])
@requires(Role.ADMIN)
def sign_out_everywhere(user_id: int):
    user = _get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        ended = staff_sessions.sign_user_out_everywhere(by=current_user, user=user)
        flash(f"{user.name} has been signed out on every device ({ended} session{'' if ended == 1 else 's'} ended)",
              "success")
    return redirect(url_for("admin.index"), code=303)


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@requires(Role.ADMIN)
def unlock_sign_in(user_id: int):
    user = _get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        throttle.unlock(by=current_user, user=user)
        flash(f"{user.name} can sign in again now", "success")
    return redirect(url_for("admin.index"), code=303)


@bp.route("/users/<int:user_id>/second-factor/reset", methods=["POST"])
@requires(Role.ADMIN)
def reset_second_factor(user_id: int):
    user = _get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        mfa.reset(by=current_user, user=user)
        flash(f"Two-step verification reset for {user.name}, who is now signed out everywhere. They "
              "will need to set it up again.", "success")
    return redirect(url_for("admin.index"), code=303)
