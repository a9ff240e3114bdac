"""The manager's search of the audit log: who looked at or changed whose record, when, from where."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import render_template, request
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from app.audit_log import bp
from app.converters import int_arg
from app.extensions import db
from app.people.forms import DateInputField
from app.models import AuditEvent, Person
from app.security import Role, requires

PAGE_SIZE = 50


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    person = StringField("Person (NHS number or record number)", validators=[Optional()])
    user = StringField("User's email (or part of it)", validators=[Optional()])
    action = SelectField("Action", validators=[Optional()])
    since = DateInputField("From")
    until = DateInputField("To")


def _person_id(text: str) -> str | None:
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 10:
        person = db.session.scalar(select(Person).where(Person.nhs_number == digits))
        return str(person.id) if person else "-1"
    return digits or None


def search(form: AuditSearchForm):
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if form.person.data and (person_id := _person_id(form.person.data)):
        query = query.where(AuditEvent.subject_type == "person", AuditEvent.subject_id == person_id)
    if form.user.data:
        query = query.where(AuditEvent.actor_email.contains(form.user.data.strip().lower(), autoescape=True))
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    if form.since.data:
        query = query.where(AuditEvent.at >= datetime.combine(form.since.data, time(0)))
    if form.until.data:
        query = query.where(AuditEvent.at < datetime.combine(form.until.data + timedelta(days=1), time(0)))
    return query


@bp.get("/")
@requires(Role.MANAGER)
def index():
    form = AuditSearchForm(request.args)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    form.action.choices = [("", "Any action")] + [(action, action) for action in actions]
    form.validate()
    page = db.paginate(search(form), page=int_arg("page", 1), per_page=PAGE_SIZE,
                       error_out=False)
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("audit_log/index.html", form=form, page=page, args=args)
