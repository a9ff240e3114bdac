"""Contacts and lone-working home visits on the support record."""
from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_login import current_user

from app.models import Contact, HomeVisit
from app.models.base import uk_local
from app.people import bp, record
from app.people.forms_contacts import CheckInForm, CheckOutForm, ContactForm, ContactUpdateForm, ExpectedEndForm
from app.people.routes import SUPPORT_STAFF, refused, section
from app.security import Role, requires
from app.services import contacts, visits
from app.services.audit import audited_view
from app.services import risk_summary
from app.services.errors import RuleBroken


@bp.route("/<int:person_id>/contacts/new", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.contact_new.view")
def new_contact(person_id: int):
    episode = record.current_episode_or_404(person_id)
    form = ContactForm(status=request.args.get("status", "held"))
    if form.validate_on_submit():
        try:
            contacts.record(by=current_user, episode=episode, kind=form.kind.data, status=form.status.data,
                            on=form.contact_on.data, at_time=form.at_time.data,
                            duration_minutes=form.duration_minutes.data, who_was_there=form.who_was_there.data or "",
                            notes=form.notes.data or "")
        except RuleBroken as error:
            refused(form, error)
        else:
            flash("Contact planned" if form.status.data == "planned" else "Contact recorded", "success")
            return section(person_id, "contacts")
    return render_template("people/contact_new.html", form=form, episode=episode)


@bp.route("/<int:person_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.contact.view")
def edit_contact(person_id: int, contact_id: int):
    contact = record.child_or_404(Contact, contact_id, person_id)
    form = ContactUpdateForm(obj=contact)
    if request.method == "GET" and contact.status == "planned":
        form.status.data = "held"
    if form.validate_on_submit():
        try:
            contacts.update(by=current_user, contact=contact, status=form.status.data,
                            duration_minutes=form.duration_minutes.data, who_was_there=form.who_was_there.data or "",
                            notes=form.notes.data or "", version=form.version.data)
        except RuleBroken as error:
            refused(form, error, contact.version)
        else:
            flash("Contact updated", "success")
            return section(person_id, "contacts")
    return render_template("people/contact_edit.html", form=form, contact=contact, episode=contact.episode)


def _expected_end(visit: HomeVisit) -> str:
    """The visit's expected end in UK time, "tomorrow" when that is after midnight: "00:30 tomorrow"."""
    end = uk_local(visit.expected_end_at)
    return f"{end:%H:%M}" + (" tomorrow" if end.date() != uk_local(visit.checked_in_at).date() else "")


@bp.route("/<int:person_id>/visits/check-in", methods=["GET", "POST"])
@requires(Role.LINK_OFFICER)
@audited_view("person.check_in.view")
def check_in(person_id: int):
    episode = record.current_episode_or_404(person_id)
    form = CheckInForm()
    if form.validate_on_submit():
        try:
            visit = visits.check_in(by=current_user, episode=episode, note=form.note.data or "",
                                    expected_end_at=visits.expected_end_at(form.expected_end.data))
        except RuleBroken as error:
            refused(form, error)
        else:
            flash(f"Checked in. Expected end {_expected_end(visit)}. Remember to check out when you leave.", "success")
            return section(person_id, "safety")
    return render_template("people/check_in.html", form=form, episode=episode, risks=risk_summary.for_person(person_id),
                           open_visit=visits.open_visit_for(current_user))


@bp.route("/<int:person_id>/visits/<int:visit_id>/expected-end", methods=["GET", "POST"])
@requires(Role.LINK_OFFICER)
@audited_view("person.visit_expected_end.view")
def change_expected_end(person_id: int, visit_id: int):
    """The officer on a visit staying longer (or leaving sooner) moves its expected end, so the
    manager is not alerted about a visit going as planned. Nobody else's visit; none finished."""
    visit = record.child_or_404(HomeVisit, visit_id, person_id)
    if visit.checked_out_at is not None or visit.officer_id != current_user.id:
        abort(404)
    form = ExpectedEndForm()
    if form.validate_on_submit():
        try:
            visits.extend(by=current_user, visit=visit, expected_end_at=visits.expected_end_at(form.expected_end.data))
        except RuleBroken as error:
            refused(form, error)
        else:
            flash(f"Expected end changed to {_expected_end(visit)}. Remember to check out when you leave.", "success")
            return section(person_id, "safety")
    return render_template("people/visit_expected_end.html", form=form, visit=visit, episode=visit.episode)


@bp.route("/<int:person_id>/visits/<int:visit_id>/check-out", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.check_out.view")
def check_out(person_id: int, visit_id: int):
    visit = record.child_or_404(HomeVisit, visit_id, person_id)
    if visit.checked_out_at is not None:
        abort(404)
    form = CheckOutForm()
    if form.validate_on_submit():
        try:
            visits.check_out(by=current_user, visit=visit, notes=form.notes.data or "",
                             who_was_there=form.who_was_there.data or "")
        except RuleBroken as error:
            refused(form, error)
        else:
            flash("Checked out and the home visit is logged in Contacts", "success")
            return section(person_id, "safety")
    return render_template("people/check_out.html", form=form, visit=visit, episode=visit.episode)
