"""Onward support (linkages and formal referrals) and peer support on the support record."""
from __future__ import annotations

from flask import flash, render_template, request
from flask_login import current_user

from app.extensions import db
from app.models import OnwardReferral, PeerSupport
from app.models.onward import OnwardStatus
from app.people import bp, record
from app.people.forms_contacts import OnwardForm, OnwardMoveForm, PeerForm
from app.people.routes import SUPPORT_STAFF, refused, section
from app.security import requires
from app.services import onward, peer
from app.services.audit import audited_view
from app.services.errors import RuleBroken


def directory_service(service_id: str | None) -> dict | None:
    """Organisation, service and sector from the community directory, when it is installed."""
    if not service_id:
        return None
    try:
        from app.models.directory import Service
    except ImportError:
        return None
    service = db.session.get(Service, service_id)
    if service is None:
        return None
    organisation = getattr(service, "organization", None)
    return {"service_id": service.id, "service_name": service.name or "",
            "organisation_name": getattr(organisation, "name", "") or service.name,
            "sector": getattr(organisation, "sector", None) or getattr(service, "sector", None) or ""}


@bp.route("/<int:person_id>/onward/new", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.onward_new.view")
def new_onward(person_id: int):
    episode = record.current_episode_or_404(person_id)
    form = OnwardForm()
    if request.method == "GET":
        form.process(data={**(directory_service(request.args.get("service_id")) or {}),
                           "kind": request.args.get("kind") or None, "status": "made"})
    if form.validate_on_submit():
        try:
            onward.create(by=current_user, episode=episode, service_id=form.service_id.data or None,
                          organisation_name=form.organisation_name.data, service_name=form.service_name.data or "",
                          sector=form.sector.data, kind=form.kind.data, need_areas=form.need_areas.data or [],
                          consent_to_share=form.consent_to_share.data,
                          consent_recorded_on=form.consent_recorded_on.data, accompanied=form.accompanied.data,
                          notes=form.notes.data or "", status=form.status.data)
        except RuleBroken as error:
            refused(form, error)
        else:
            flash(f"Onward support to {form.organisation_name.data.strip()} recorded", "success")
            return section(person_id, "onward")
    return render_template("people/onward_new.html", form=form, episode=episode)


@bp.route("/<int:person_id>/onward/<int:onward_id>", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.onward.view")
def move_onward(person_id: int, onward_id: int):
    item = record.child_or_404(OnwardReferral, onward_id, person_id)
    form = OnwardMoveForm(obj=item if request.method == "GET" else None)
    form.set_choices(item.status_enum)
    if form.validate_on_submit():
        try:
            onward.move(by=current_user, onward=item, to=OnwardStatus(form.to.data), on=form.on.data,
                        version=form.version.data)
        except RuleBroken as error:
            refused(form, error, item.version)
        else:
            flash(f"{item.organisation_name}: {item.status_enum.label}", "success")
            return section(person_id, "onward")
    return render_template("people/onward_move.html", form=form, item=item, episode=item.episode)


@bp.route("/<int:person_id>/peer/new", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.peer_new.view")
def new_peer(person_id: int):
    episode = record.current_episode_or_404(person_id)
    form = PeerForm(kind=request.args.get("kind"))
    if form.validate_on_submit():
        try:
            peer.record(by=current_user, episode=episode, kind=form.kind.data, started_on=form.started_on.data,
                        where=form.where.data, notes=form.notes.data or "")
        except RuleBroken as error:
            refused(form, error)
        else:
            flash("Peer support recorded", "success")
            return section(person_id, "peer")
    return render_template("people/peer_new.html", form=form, episode=episode)


@bp.route("/<int:person_id>/peer/<int:peer_id>", methods=["GET", "POST"])
@requires(*SUPPORT_STAFF)
@audited_view("person.peer.view")
def edit_peer(person_id: int, peer_id: int):
    item = record.child_or_404(PeerSupport, peer_id, person_id)
    form = PeerForm(obj=item if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            peer.correct(by=current_user, item=item, kind=form.kind.data, started_on=form.started_on.data,
                         where=form.where.data, notes=form.notes.data or "", version=form.version.data)
        except RuleBroken as error:
            refused(form, error, item.version)
        else:
            flash("Peer support corrected", "success")
            return section(person_id, "peer")
    return render_template("people/peer_new.html", form=form, episode=item.episode, item=item)
