from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.extensions import db
from app.form_errors import attach_rule_error
from app.models import Referral, User
from app.models.base import uk_local, uk_today
from app.models.referral import IN_TRIAGE
from app.pagination import page_arg
from app.referrals.queries import referral_for
from app.security import Role, requires
from app.services import audit, triage
from app.services.audit import audited_view
from app.services.errors import RuleBroken
from app.triage import bp
from app.triage.forms import AcceptForm, AllocateForm, DeclineForm, QuestionForm


def officer_choices(blank: str | None = None) -> list[tuple[int, str]]:
    """Each officer with their locality and open caseload size, to allocate fairly."""
    options = [(officer.id, f"{officer.name} – {officer.locality.name if officer.locality else 'no locality'} – "
                            f"{count} open") for officer, count in triage.officers_with_caseloads()]
    return [(0, blank)] + options if blank else options


def days_since(moment: datetime) -> int:
    """Days on the UK's calendar since a stored moment: one that arrived yesterday evening has
    waited a day this morning, and one that arrived today none."""
    return (uk_today() - uk_local(moment).date()).days


@bp.route("/")
@requires(Role.MANAGER)
def index():
    """Two queues, each a page at a time: `page` pages the referrals waiting for a decision,
    `accepted_page` those accepted and waiting for a link officer (each link keeps the other)."""
    waiting, unallocated = triage.queues(waiting_page=page_arg("page"), accepted_page=page_arg("accepted_page"))
    html = render_template("triage/index.html", waiting=waiting, unallocated=unallocated,
                           officers=triage.officers_with_caseloads(), days_since=days_since)
    audit.viewed(by=current_user, action="triage.list", subject_type="triage_queue", subject_id="all",
                 detail=audit.shown(referrals=[referral.id for referral in waiting.items + unallocated.items]))
    return html


def _forms(referral: Referral):
    version = str(referral.version)
    accept = AcceptForm(prefix="accept", version=version)
    accept.officer_id.choices = officer_choices(blank="Decide later")
    allocate = AllocateForm(prefix="allocate", version=version)
    allocate.officer_id.choices = officer_choices()
    return {"accept_form": accept, "decline_form": DeclineForm(prefix="decline", version=version),
            "question_form": QuestionForm(prefix="question", version=version), "allocate_form": allocate}


def _decision_page(referral: Referral, status: int = 200, **forms):
    page_forms = _forms(referral)
    page_forms.update(forms)
    # Days waiting while the referral waits for the service (a decision, or a link officer once
    # accepted); once it has moved on, the day it was received.
    waiting = referral.status_enum in IN_TRIAGE
    return render_template("triage/decide.html", referral=referral,
                           days_waiting=days_since(referral.received_at) if waiting else None, **page_forms), status


@bp.route("/<int:referral_id>")
@requires(Role.MANAGER)
@audited_view("triage.view")
def decide(referral_id: int):
    return _decision_page(referral_for(current_user, referral_id))


def _act(referral_id: int, form_name: str, action):
    referral = referral_for(current_user, referral_id)
    form = _forms(referral)[form_name]
    if form.validate_on_submit():
        try:
            message = action(referral, form)
        except RuleBroken as error:
            attach_rule_error(form, error)
        else:
            flash(message, "success")
            return redirect(url_for("triage.index"), code=303)
    return _decision_page(referral, 400, **{form_name: form})


def _officer(form) -> User | None:
    return db.session.get(User, form.officer_id.data) if form.officer_id.data else None


@bp.route("/<int:referral_id>/accept", methods=["POST"])
@requires(Role.MANAGER)
def accept(referral_id: int):
    def do(referral, form):
        officer = _officer(form)
        triage.accept(by=current_user, referral=referral, version=form.version.data, officer=officer)
        return f"Accepted {referral.full_name}" + (f" and allocated to {officer.name}" if officer else "")
    return _act(referral_id, "accept_form", do)


@bp.route("/<int:referral_id>/decline", methods=["POST"])
@requires(Role.MANAGER)
def decline(referral_id: int):
    def do(referral, form):
        triage.decline(by=current_user, referral=referral, version=form.version.data, reason=form.reason.data)
        return f"Declined the referral for {referral.full_name}; the practice can see your reason"
    return _act(referral_id, "decline_form", do)


@bp.route("/<int:referral_id>/question", methods=["POST"])
@requires(Role.MANAGER)
def question(referral_id: int):
    def do(referral, form):
        triage.request_information(by=current_user, referral=referral, version=form.version.data,
                                   question=form.question.data)
        return f"Your question has been sent to {referral.practice.name}"
    return _act(referral_id, "question_form", do)


@bp.route("/<int:referral_id>/allocate", methods=["POST"])
@requires(Role.MANAGER)
def allocate(referral_id: int):
    def do(referral, form):
        officer = _officer(form) or abort(400)
        triage.allocate(by=current_user, referral=referral, version=form.version.data, officer=officer)
        return f"{referral.full_name} allocated to {officer.name}"
    return _act(referral_id, "allocate_form", do)
