"""Directory pages: search, a service's doorstep page, add/edit, corrections, upload, demand."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.directory import bp
from app.directory.forms import CorrectionForm, DecisionForm, DemandForm, EmptyForm, ImportForm, SearchForm, ServiceForm
from app.extensions import db
from app.form_errors import attach_rule_error
from app.models.base import uk_today
from app.models.directory import STALE_AFTER, Service
from app.models.directory_places import Location, ServiceAtLocation, ServiceContact
from app.models.directory_taxonomy import DirectoryCorrection
from app.models.org import Locality
from app.pagination import link_args, page_arg
from app.security import ALL_STAFF, Role, requires
from app.services import directory as directory_service
from app.services import directory_corrections as corrections
from app.services.directory_demand import demand_between
from app.services.directory_hours import describe, is_open
from app.services.directory_search import DirectoryQuery, search
from app.services.errors import RuleBroken
from app.services.oruk_import import ImportRejected, import_file

EDITORS = (Role.MANAGER, Role.ADMIN)
SERVICE_PAGE = (selectinload(Service.organization), selectinload(Service.need_areas), selectinload(Service.localities),
                selectinload(Service.schedules), selectinload(Service.cost_options),
                selectinload(Service.contacts).selectinload(ServiceContact.phones),
                selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules),
                selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location)
                .selectinload(Location.addresses))


def _localities() -> list[tuple[int, str]]:
    return [(loc.id, loc.name) for loc in db.session.scalars(select(Locality).order_by(Locality.name))]


def _service_or_404(service_id: str) -> Service:
    return db.session.scalar(select(Service).where(Service.id == service_id).options(*SERVICE_PAGE)) or abort(404)


@bp.route("/")
@requires(*ALL_STAFF)
def index():
    form = SearchForm(request.args)
    form.locality.choices = [(0, "Any locality")] + _localities()
    form.validate()
    query = DirectoryQuery(words=form.q.data or "", need_area=form.need.data or "", locality_id=form.locality.data or None,
                           sector=form.sector.data or "", open_now=bool(form.open_now.data))
    if form.review.data:
        query.checked_before = uk_today() - STALE_AFTER
    results = search(query, page=page_arg())
    args = link_args(request.args, keep=("q", "need", "locality", "sector", "open_now", "review"))
    return render_template("directory/index.html", form=form, results=results, args=args,
                           searched=bool(args), is_open=is_open, can_edit=current_user.role in EDITORS)


@bp.route("/services/<service_id>")
@requires(*ALL_STAFF)
def service(service_id: str):
    item = _service_or_404(service_id)
    schedules = list(item.schedules) + [s for sal in item.service_at_locations for s in sal.schedules]
    pending = db.session.scalars(select(DirectoryCorrection).where(
        DirectoryCorrection.service_id == item.id, DirectoryCorrection.status == "pending")).all()
    return render_template("directory/service.html", service=item, schedules=schedules, describe=describe,
                           open_now=is_open(schedules), pending=pending, form=EmptyForm(),
                           can_edit=current_user.role in EDITORS,
                           can_correct=current_user.role in (Role.LINK_OFFICER, Role.MANAGER))


def _service_form(item: Service | None) -> ServiceForm:
    form = ServiceForm(obj=directory_service.details_of(item) if item and request.method == "GET" else None)
    form.locality_ids.choices = _localities()
    if item and request.method == "GET":
        form.version.data = str(item.version)
    return form


def _details(form: ServiceForm) -> directory_service.ServiceDetails:
    fields = directory_service.ServiceDetails.__dataclass_fields__
    return directory_service.ServiceDetails(**{name: (getattr(form, name).data or ([] if name in (
        "access_routes", "need_areas", "locality_ids") else "")) for name in fields})


@bp.route("/services/new", methods=["GET", "POST"])
@bp.route("/services/<service_id>/edit", methods=["GET", "POST"])
@requires(*EDITORS)
def edit(service_id: str | None = None):
    item = _service_or_404(service_id) if service_id else None
    form = _service_form(item)
    if form.validate_on_submit():
        try:
            if item:
                saved = directory_service.update(by=current_user, service=item, details=_details(form),
                                                 version=form.version.data)
            else:
                saved = directory_service.create(by=current_user, details=_details(form))
        except RuleBroken as error:
            db.session.rollback()
            attach_rule_error(form, error)
        else:
            flash(f"{saved.name} saved", "success")
            return redirect(url_for("directory.service", service_id=saved.id), code=303)
    return render_template("directory/edit.html", form=form, service=item)


@bp.route("/services/<service_id>/checked", methods=["POST"])
@requires(*EDITORS)
def checked(service_id: str):
    item = _service_or_404(service_id)
    if EmptyForm().validate_on_submit():
        directory_service.mark_checked(by=current_user, service=item)
        flash(f"{item.name} marked as checked today", "success")
    return redirect(url_for("directory.service", service_id=item.id), code=303)


@bp.route("/services/<service_id>/correction", methods=["GET", "POST"])
@requires(Role.LINK_OFFICER, Role.MANAGER)
def propose_correction(service_id: str):
    item = _service_or_404(service_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            corrections.propose(by=current_user, service=item, field=form.field.data,
                                proposed_value=form.proposed_value.data, reason=form.reason.data or "")
        except RuleBroken as error:
            attach_rule_error(form, error)
        else:
            flash("Thank you. A manager will check your correction.", "success")
            return redirect(url_for("directory.service", service_id=item.id), code=303)
    return render_template("directory/correction.html", form=form, service=item)


@bp.route("/corrections")
@requires(*EDITORS)
def correction_list():
    items = db.session.scalars(corrections.pending()).all()
    return render_template("directory/corrections.html", corrections=items, form=DecisionForm())


@bp.route("/corrections/<int:correction_id>/<decision>", methods=["POST"])
@requires(*EDITORS)
def decide_correction(correction_id: int, decision: str):
    if decision not in ("accept", "reject"):
        abort(404)
    correction = db.session.get(DirectoryCorrection, correction_id) or abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            if decision == "reject":
                corrections.reject(by=current_user, correction=correction, note=form.note.data or "")
                flash("Correction rejected", "success")
            elif corrections.accept(by=current_user, correction=correction, note=form.note.data or ""):
                flash(f"Correction applied to {correction.service.name}", "success")
            else:
                flash("Correction accepted: now edit the entry to match it", "success")
                return redirect(url_for("directory.edit", service_id=correction.service_id), code=303)
        except RuleBroken as error:
            flash(error.message, "error")
    return redirect(url_for("directory.correction_list"), code=303)


@bp.route("/import", methods=["GET", "POST"])
@requires(*EDITORS)
def upload():
    form, problems = ImportForm(), []
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            outcome = import_file(by=current_user, filename=upload_file.filename or "upload", content=upload_file.read())
        except ImportRejected as error:
            problems = error.problems
            form.file.errors = [*form.file.errors, error.message]
        else:
            flash(str(outcome), "success")
            return redirect(url_for("directory.index"), code=303)
    return render_template("directory/import.html", form=form, problems=problems)


@bp.route("/demand")
@requires(Role.MANAGER)
def demand():
    form = DemandForm(request.args)
    form.validate()  # a date it cannot read, or outside 1900 to 2100, is shown as an error and not used
    end = (None if form.end.errors else form.end.data) or uk_today()
    start = (None if form.start.errors else form.start.data) or end - timedelta(days=365)
    form.start.data, form.end.data = start, end
    return render_template("directory/demand.html", form=form, report=demand_between(start, end))
