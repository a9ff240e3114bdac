"""The support record page and its plan sections: needs, what matters, goals, measures, discharge."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.form_errors import attach_rule_error
from app.models import Goal, GoalAction, Need
from app.models.vocab import NeedArea
from app.navigation import came_from
from app.people import bp, record
from app.people.forms import (DischargeForm, GoalActionForm, GoalForm, GoalUpdateForm, NeedForm, NeedUpdateForm,
                              Ons4Form, UclaForm, WhatMattersForm)
from app.security import Role, requires
from app.services import casework, discharge, goals, measures, needs
from app.services.audit import audited_view
from app.services import risk_summary
from app.services.errors import RuleBroken, StaleEdit

SUPPORT_STAFF = (Role.LINK_OFFICER, Role.MANAGER)


def section(person_id: int, anchor: str):
    return redirect(url_for("people.view", person_id=person_id, _anchor=anchor), code=303)


def refused(form, error: RuleBroken, current_version=None) -> None:
    """Show the rule's message by its field; after a stale edit, keep the user's text and take the
    new version so that saving again (having read the other change) goes through."""
    attach_rule_error(form, error)
    if isinstance(error, StaleEdit) and current_version is not None:
        form.version.data = str(current_version)


@bp.get("/<int:person_id>")
@requires(*SUPPORT_STAFF)
def view(person_id: int):
    loaded = record.load(person_id)  # 404 when there is no such person (nothing shown, nothing audited)
    html = render_template("people/view.html", record=loaded, NeedArea=NeedArea, changes=measures.changes,
                           risk_summary=risk_summary.for_person(person_id, held=loaded.risks_held),
                           back_to_search=came_from("people.find") if request.referrer else None)
    # Audited once the page is made (one commit, and no loaded record expired before it is shown).
    casework.viewed(by=current_user, episode=loaded.episode)
    return html


@bp.route("/<int:person_id>/what-matters", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.what_matters.view")
def what_matters(person_id: int):
    episode = record.current_episode_or_404(person_id)
    form = WhatMattersForm(obj=episode)
    if request.method == "GET":
        form.version.data = str(episode.version)
    elif form.validate_on_submit():
        try:
            goals.set_what_matters(by=current_user, episode=episode, text=form.what_matters_to_me.data or "",
                                   version=form.version.data)
        except RuleBroken as error:
            refused(form, error, episode.version)
        else:
            flash("What matters to the person is saved", "success")
            return section(person_id, "goals")
    return render_template("people/what_matters.html", form=form, episode=episode)


@bp.route("/<int:person_id>/needs/new", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.need_new.view")
def new_need(person_id: int):
    episode = record.current_episode_or_404(person_id)
    form = NeedForm(area=request.args.get("area", ""))
    if form.validate_on_submit():
        try:
            needs.add(by=current_user, episode=episode, area=form.area.data, severity=form.severity.data,
                      notes=form.notes.data or "")
        except RuleBroken as error:
            refused(form, error)
        else:
            flash(f"{NeedArea(form.area.data).label} added to the needs", "success")
            return section(person_id, "needs")
    return render_template("people/need_new.html", form=form, episode=episode)


@bp.route("/<int:person_id>/needs/<int:need_id>", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.need.view")
def edit_need(person_id: int, need_id: int):
    need = record.child_or_404(Need, need_id, person_id)
    form = NeedUpdateForm(obj=need)
    if form.validate_on_submit():
        try:
            needs.update(by=current_user, need=need, severity=form.severity.data, status=form.status.data,
                         notes=form.notes.data or "", version=form.version.data)
        except RuleBroken as error:
            refused(form, error, need.version)
        else:
            flash(f"{NeedArea(need.area).label} updated", "success")
            return section(person_id, "needs")
    return render_template("people/need_edit.html", form=form, need=need, episode=need.episode)


@bp.route("/<int:person_id>/goals/new", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.goal_new.view")
def new_goal(person_id: int):
    episode = record.current_episode_or_404(person_id)
    form = GoalForm()
    if form.validate_on_submit():
        try:
            goals.add(by=current_user, episode=episode, description=form.description.data,
                      review_on=form.review_on.data, need_area=form.need_area.data or None,
                      action=form.action.data or "", action_by=form.action_by.data or "",
                      action_due=form.action_due.data)
        except RuleBroken as error:
            refused(form, error)
        else:
            flash("Goal added", "success")
            return section(person_id, "goals")
    return render_template("people/goal_new.html", form=form, episode=episode)


@bp.route("/<int:person_id>/goals/<int:goal_id>", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.goal.view")
def edit_goal(person_id: int, goal_id: int):
    goal = record.child_or_404(Goal, goal_id, person_id)
    form = GoalUpdateForm(obj=goal)
    if form.validate_on_submit():
        try:
            goals.update(by=current_user, goal=goal, description=form.description.data, status=form.status.data,
                         review_on=form.review_on.data, version=form.version.data)
        except RuleBroken as error:
            refused(form, error, goal.version)
        else:
            flash("Goal updated", "success")
            return section(person_id, "goals")
    return render_template("people/goal_edit.html", form=form, goal=goal, episode=goal.episode)


@bp.route("/<int:person_id>/goals/<int:goal_id>/actions/new", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.goal_action_new.view")
def new_goal_action(person_id: int, goal_id: int):
    goal = record.child_or_404(Goal, goal_id, person_id)
    form = GoalActionForm()
    if form.validate_on_submit():
        try:
            goals.add_action(by=current_user, goal=goal, description=form.description.data, who=form.who.data,
                             due_on=form.due_on.data)
        except RuleBroken as error:
            refused(form, error)
        else:
            flash("Action added", "success")
            return section(person_id, "goals")
    return render_template("people/goal_action.html", form=form, goal=goal, episode=goal.episode)


@bp.post("/<int:person_id>/actions/<int:action_id>/done")
@requires(*SUPPORT_STAFF)
def action_done(person_id: int, action_id: int):
    from app.extensions import db

    action = db.session.get(GoalAction, action_id)
    record.child_or_404(Goal, action.goal_id if action else 0, person_id)
    try:
        goals.complete_action(by=current_user, action=action)
    except RuleBroken as error:
        flash(error.message, "error")
    return section(person_id, "goals")


@bp.route("/<int:person_id>/wellbeing/<instrument>/new", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.measure_new.view")
def new_measure(person_id: int, instrument: str):
    if instrument not in ("ons4", "ucla3"):
        abort(404)
    episode = record.current_episode_or_404(person_id)
    form = Ons4Form() if instrument == "ons4" else UclaForm()
    if request.method == "GET" and not any(m.instrument == instrument for m in episode.measures):
        form.stage.data = "baseline"
    if form.validate_on_submit():
        scores = {name: field.data for name, field in form._fields.items() if name not in ("stage", "taken_on",
                                                                                          "csrf_token")}
        try:
            measures.record(by=current_user, episode=episode, instrument=instrument, stage=form.stage.data,
                            taken_on=form.taken_on.data, scores=scores)
        except RuleBroken as error:
            refused(form, error)
        else:
            flash(f"{'ONS4' if instrument == 'ons4' else 'UCLA loneliness'} scores recorded", "success")
            return section(person_id, "wellbeing")
    return render_template("people/measure_new.html", form=form, episode=episode, instrument=instrument)


@bp.route("/<int:person_id>/discharge", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.discharge.view")
def discharge_person(person_id: int):
    episode = record.current_episode_or_404(person_id)
    form = DischargeForm()
    if request.method == "GET":
        form.version.data = str(episode.version)
    if form.validate_on_submit():
        try:
            discharge.discharge(by=current_user, episode=episode, reason=form.reason.data, summary=form.summary.data,
                                on=form.on.data, version=form.version.data)
        except RuleBroken as error:
            refused(form, error, episode.version)
        else:
            flash(f"{episode.person.full_name} is discharged. The practice can see the summary.", "success")
            return section(person_id, "discharge")
    return render_template("people/discharge.html", form=form, episode=episode)
