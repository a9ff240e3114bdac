"""The risk record and safeguarding concerns on the support record: add, review and end a risk,
say there are no known risks, raise and close a safeguarding concern. Link officers and managers,
as for the rest of the record; every form page is audited as a view, every change by the service."""
from __future__ import annotations

from flask import abort, flash, render_template
from flask_login import current_user

from app.extensions import db
from app.models import Person
from app.models.risk import PersonRisk, SafeguardingConcern
from app.people import bp, record
from app.people.forms_risks import (ConcernCloseForm, ConcernForm, NoKnownRisksForm, RiskEndForm, RiskForm,
                                    RiskReviewForm)
from app.people.routes import SUPPORT_STAFF, refused, section
from app.security import requires
from app.services import risk_summary, risks
from app.services.audit import audited_view
from app.services.errors import RuleBroken

ANCHOR = "risks"


def _person_or_404(person_id: int) -> Person:
    record.current_episode_or_404(person_id)
    return db.session.get(Person, person_id) or abort(404)


def _own_or_404(model, ident: int, person_id: int):
    item = db.session.get(model, ident)
    if item is None or item.person_id != person_id:
        abort(404)
    return item


def _page(template: str, form, person_id: int, **context):
    return render_template(f"people/{template}", form=form, episode=record.current_episode_or_404(person_id),
                           **context)


@bp.route("/<int:person_id>/risks/new", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.risk_new.view")
def new_risk(person_id: int):
    person = _person_or_404(person_id)
    form = RiskForm()
    if form.validate_on_submit():
        try:
            item = risks.record(by=current_user, person=person, risk=form.risk.data,
                                other_text=form.other_text.data or "", detail=form.detail.data or "")
        except RuleBroken as error:
            refused(form, error)
        else:
            flash(f"Risk recorded: {item.label}", "success")
            return section(person_id, ANCHOR)
    return _page("risk_new.html", form, person_id)


@bp.route("/<int:person_id>/risks/<int:risk_id>/review", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.risk_review.view")
def review_risk(person_id: int, risk_id: int):
    risk = _own_or_404(PersonRisk, risk_id, person_id)
    if not risk.is_active:
        abort(404)
    form = RiskReviewForm(obj=risk)
    if form.validate_on_submit():
        try:
            risks.review(by=current_user, risk=risk, version=form.version.data, detail=form.detail.data or "")
        except RuleBroken as error:
            refused(form, error, risk.version)
        else:
            flash(f"Risk reviewed: {risk.label}", "success")
            return section(person_id, ANCHOR)
    return _page("risk_review.html", form, person_id, risk=risk)


@bp.route("/<int:person_id>/risks/<int:risk_id>/end", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.risk_end.view")
def end_risk(person_id: int, risk_id: int):
    risk = _own_or_404(PersonRisk, risk_id, person_id)
    if not risk.is_active:
        abort(404)
    form = RiskEndForm(obj=risk)
    if form.validate_on_submit():
        try:
            risks.end(by=current_user, risk=risk, version=form.version.data, reason=form.reason.data or "")
        except RuleBroken as error:
            refused(form, error, risk.version)
        else:
            flash(f"Risk ended: {risk.label}", "success")
            return section(person_id, ANCHOR)
    return _page("risk_end.html", form, person_id, risk=risk)


@bp.route("/<int:person_id>/risks/none-known", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.no_known_risks.view")
def no_known_risks(person_id: int):
    person = _person_or_404(person_id)
    form = NoKnownRisksForm()
    if form.validate_on_submit():
        try:
            risks.no_known_risks(by=current_user, person=person, note=form.note.data or "")
        except RuleBroken as error:
            refused(form, error)
        else:
            flash("Recorded: no known risks", "success")
            return section(person_id, ANCHOR)
    return _page("no_known_risks.html", form, person_id, summary=risk_summary.for_person(person_id))


@bp.route("/<int:person_id>/safeguarding/new", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.concern_new.view")
def new_concern(person_id: int):
    person = _person_or_404(person_id)
    form = ConcernForm()
    if form.validate_on_submit():
        try:
            risks.raise_concern(by=current_user, person=person, raised_on=form.raised_on.data,
                                concern=form.concern.data or "", action_taken=form.action_taken.data or "")
        except RuleBroken as error:
            refused(form, error)
        else:
            flash("Safeguarding concern recorded. Your manager sees it on the list of open concerns.", "success")
            return section(person_id, ANCHOR)
    return _page("concern_new.html", form, person_id)


@bp.route("/<int:person_id>/safeguarding/<int:concern_id>/close", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.concern_close.view")
def close_concern(person_id: int, concern_id: int):
    concern = _own_or_404(SafeguardingConcern, concern_id, person_id)
    if not concern.is_open:
        abort(404)
    form = ConcernCloseForm(obj=concern)
    if form.validate_on_submit():
        try:
            risks.close_concern(by=current_user, concern=concern, version=form.version.data,
                                closed_on=form.closed_on.data, outcome=form.outcome.data or "",
                                action_taken=form.action_taken.data or "")
        except RuleBroken as error:
            refused(form, error, concern.version)
        else:
            flash("Safeguarding concern closed", "success")
            return section(person_id, ANCHOR)
    return _page("concern_close.html", form, person_id, concern=concern)
