"""The manager's search of the audit log: who looked at or changed whose record, when, from where."""
from __future__ import annotations

from dataclasses import dataclass, field
import re
from datetime import timedelta

from flask import render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, and_, false, or_, select, text
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from app.audit_log import bp
from app.extensions import db
from app.people.forms import DateInputField
from app.models import AuditEvent, AuditMention, Person, Referral
from app.models.base import utc_of_uk
from app.pagination import link_args, page_arg, paginate
from app.security import Role, requires
from app.services import audit

PAGE_SIZE = 50
# Counting (and paging) stops here: 100 pages. The log grows without end, so a count of all of
# it would cost more every year; older events are reached by narrowing the search (dates).
COUNT_LIMIT = 5_000
_DATE_ARGS = tuple(f"{name}-{part}" for name in ("since", "until") for part in ("day", "month", "year"))
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
        """Events about these records, found through the indexed mentions (kind, ref_id) table,
        never by reading the detail text of every event."""
        wanted = [and_(AuditMention.kind == kind, AuditMention.ref_id.in_(ids))
                  for kind, ids in (("person", self.person_ids), ("referral", self.referral_ids)) if ids]
        if not wanted:
            return false()
        return AuditEvent.id.in_(select(AuditMention.audit_event_id).where(or_(*wanted)))


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


# The distinct actions by a "loose index scan": each step asks ix_audit_event_action for the next
# action after the last one, so the cost is the number of actions, not of events.
DISTINCT_ACTIONS = text("""
    WITH RECURSIVE actions(action) AS (
        SELECT min(action) FROM audit_event
        UNION ALL
        SELECT (SELECT min(e.action) FROM audit_event e WHERE e.action > actions.action)
        FROM actions WHERE actions.action IS NOT NULL)
    SELECT action FROM actions WHERE action IS NOT NULL""")


def actions_recorded() -> list[str]:
    return list(db.session.scalars(DISTINCT_ACTIONS))


def search(form: AuditSearchForm, about: Someone | None = None):
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if about is not None:
        query = query.where(about.events())
    if form.user.data:
        query = query.where(AuditEvent.actor_email.contains(form.user.data.strip().lower(), autoescape=True))
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    # The days are the UK's, as the page shows its times: from the start of one to the end of the other.
    if form.since.data:
        query = query.where(AuditEvent.at >= utc_of_uk(form.since.data))
    if form.until.data:
        query = query.where(AuditEvent.at < utc_of_uk(form.until.data + timedelta(days=1)))
    return query


def _record_search(form: AuditSearchForm, about: Someone | None, total: int, more: bool = False) -> None:
    """Searching the log is itself a view of personal data: kept against the person searched for."""
    terms = "; ".join(f"{name} {getattr(form, name).data}" for name in ("user", "action", "since", "until")
                      if getattr(form, name).data)
    detail = ("more than " if more else "") + f"{total} events" + (f"; {terms}" if terms else "")
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
    form.action.choices = [("", "Any action")] + [(action, action) for action in actions_recorded()]
    form.validate()
    about = None
    if form.person.data and form.person.data.strip():
        about = someone(form.person.data)
        if about is None:
            form.person.errors = [*form.person.errors, "Enter an NHS number (10 digits) or a record number"]
            about = Someone()
    page = paginate(search(form, about), page=page_arg(), per_page=PAGE_SIZE, count_limit=COUNT_LIMIT)
    args = link_args(request.args, keep=("person", "user", "action", *_DATE_ARGS))
    html = render_template("audit_log/index.html", form=form, page=page, args=args)
    _record_search(form, about, page.total, page.more)
    return html
