"""Administration of API clients: see who may send referrals by FHIR message, register one (its
token shown once, on the page that answers the form, never again) and revoke one."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app.admin import bp
from app.admin.forms import EmptyForm
from app.extensions import db
from app.form_errors import attach_rule_error
from app.models import Practice
from app.models.api_client import ApiClient
from app.security import Role, requires
from app.services import api_clients
from app.services.errors import RuleBroken


class ApiClientForm(FlaskForm):
    name = StringField("Name of the sending system", validators=[InputRequired("Enter a name for the client"),
                                                                Length(max=80)])
    practice = SelectField("GP practice it refers for", validators=[InputRequired("Choose the practice")])
    endpoint = StringField("Endpoint for messages back (optional)", validators=[Optional(), Length(max=500)])


@bp.route("/api-clients/")
@requires(Role.ADMIN)
def api_clients_index():
    return render_template("admin/api_clients.html", clients=api_clients.all_clients(), form=EmptyForm())


@bp.route("/api-clients/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def api_client_new():
    form = ApiClientForm()
    form.practice.choices = [("", "Choose a practice")] + [
        (p.ods_code, f"{p.name} ({p.ods_code})") for p in db.session.scalars(select(Practice).order_by(Practice.name))]
    if form.validate_on_submit():
        try:
            client, token = api_clients.create(
                by=current_user, name=form.name.data, practice_ods=form.practice.data, endpoint=form.endpoint.data or "",
                allow_http=current_app.config["HEARTHLINK_ENV"] != "production")
        except RuleBroken as error:
            attach_rule_error(form, error)
        else:
            response = current_app.make_response(render_template("admin/api_client_token.html", client=client,
                                                                 token=token))
            response.headers["Cache-Control"] = "no-store"  # the token must not stay in any cache
            return response
    return render_template("admin/api_client_new.html", form=form)


@bp.route("/api-clients/<int:client_id>/revoke", methods=["POST"])
@requires(Role.ADMIN)
def api_client_revoke(client_id: int):
    client = db.session.get(ApiClient, client_id) or abort(404)
    if EmptyForm().validate_on_submit():
        try:
            api_clients.revoke(by=current_user, client=client)
        except RuleBroken as error:
            flash(error.message, "error")
        else:
            flash(f"{client.name} is revoked: its token no longer works", "success")
    return redirect(url_for("admin.api_clients_index"), code=303)
