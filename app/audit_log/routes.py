"""The manager's search of the audit log: who looked at or changed whose record, when, from where."""
from __future__ import annotations

from dataclasses import dataclass, field
import re
from datetime import datetime, time, timedelta

from flask import render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, and_, false, or_, select
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from app.audit_log import bp
from app.converters import int_arg
from app.extensions import db
from app.people.forms import DateInputField
from app.models import AuditEvent, Person, Referral
from app.security import Role, requires
from app.services import audit

PAGE_SIZE = 50
MARKERS = re.compile(r"(?:\[(?:person|referral):\d+\])+")
LARGEST_RECORD_NUMBER = 2 ** 31 - 1  # ids are 32-bit integers on PostgreSQL


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    person = StringField("Person (NHS number or record number)", validators=[Optional()])
    user = StringField("User's email (or part of it)", validators=[Optional()])
    action = SelectField("Action", validators=[Optional()])
    since = DateInputField("From")
    until = DateInputField("To")


@dataclass
class Someone:
    """The records of the person searched for: events name them directly, or name their referrals."""
    person_ids: list[int] = field(default_factory=list)
    referral_ids: list[int] = field(default_factory=list)

    def events(self) -> ColumnElement[bool]:
        people = [str(i) for i in self.person_ids]
        referrals = [str(i) for i in self.referral_ids]
        return or_(false(),
                   and_(AuditEvent.subject_type == "person", AuditEvent.subject_id.in_(people)),
                   and_(AuditEvent.subject_type == "referral", AuditEvent.subject_id.in_(referrals)),
                   *[AuditEvent.detail.contains(audit.person_marker(i)) for i in people],
                   *[AuditEvent.detail.contains(audit.referral_marker(i)) for i in referrals])


def someone(text: str) -> Someone | None:
    """The person with this NHS number (10 digits) or record number, and every referral made for
    them — including referrals not yet accepted, which have no record number. None if no number."""
    digits = "".join(ch for ch in text if ch in "0123456789")
    if not digits:
        return None
    if len(digits) == 10:
        nhs_number = digits
        person_ids = list(db.session.scalars(select(Person.id).where(Person.nhs_number == digits)))
    elif int(digits) <= LARGEST_RECORD_NUMBER:
        person_ids = [int(digits)]
        nhs_number = db.session.scalar(select(Person.nhs_number).where(Person.id == int(digits)))
    else:
        return Someone()  # no record has such a number
    made_for = [Referral.person_id.in_(person_ids)] + ([Referral.nhs_number == nhs_number] if nhs_number else [])
    referral_ids = list(db.session.scalars(select(Referral.id).where(or_(*made_for))))
    return Someone(person_ids, referral_ids)


def search(form: AuditSearchForm, about: Someone | None = None):
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if about is not None:
        query = query.where(about.events())
    if form.user.data:
        query = query.where(AuditEvent.actor_email.contains(form.user.data.strip().lower(), autoescape=True))
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    if form.since.data:
        query = query.where(AuditEvent.at >= datetime.combine(form.since.data, time(0)))
    if form.until.data:
        query = query.where(AuditEvent.at < datetime.combine(form.until.data + timedelta(days=1), time(0)))
    return query


def _record_search(form: AuditSearchForm, about: Someone | None, total: int) -> None:
    """Searching the log is itself a view of personal data: kept against the person searched for."""
    terms = "; ".join(f"{name} {getattr(form, name).data}" for name in ("user", "action", "since", "until")
                      if getattr(form, name).data)
    detail = f"{total} events" + (f"; {terms}" if terms else "")
    if about is not None and len(about.person_ids) == 1:
        subject_type, subject_id = "person", about.person_ids[0]
    else:
        subject_type, subject_id = "audit_log", "search"
        if about is not None:
            detail += "; about " + audit.shown(people=about.person_ids, referrals=about.referral_ids)
    audit.viewed(by=current_user, action="audit.search", subject_type=subject_type, subject_id=subject_id,
                 detail=detail)


@bp.app_template_filter("audit_detail")
def audit_detail(detail: str) -> str:
    """An event's detail as people read it: "[person:3][person:8]" becomes "person 3, person 8"."""
    return MARKERS.sub(lambda run: ", ".join(f"{kind} {ident}" for kind, ident in
                                             re.findall(r"\[(person|referral):(\d+)\]", run[0])), detail)


@bp.get("/")
@requires(Role.MANAGER)
def index():
    form = AuditSearchForm(request.args)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    form.action.choices = [("", "Any action")] + [(action, action) for action in actions]
    form.validate()
    about = None
    if form.person.data and form.person.data.strip():
        about = someone(form.person.data)
        if about is None:
            form.person.errors = [*form.person.errors, "Enter an NHS number (10 digits) or a record number"]
            about = Someone()
    page = db.paginate(search(form, about), page=int_arg("page", 1), per_page=PAGE_SIZE,
                       error_out=False)
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    html = render_template("audit_log/index.html", form=form, page=page, args=args)
    _record_search(form, about, page.total)
    return html
