"""GET-only ORUK endpoints. Bodies follow ../shared/standards/oruk/ (tests validate them)."""
from __future__ import annotations

from flask import abort, jsonify, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.converters import MAX_ID, whole_number
from app.extensions import db
from app.models.directory import Service
from app.models.directory_places import Location, ServiceAtLocation, ServiceContact
from app.models.directory_taxonomy import Attribute, Taxonomy, TaxonomyTerm
from app.openreferral import bp
from app.oruk import serialise
from app.oruk.checks import is_uuid
from app.security import public
from app.services.directory_search import DirectoryQuery, matching

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"

FULL_SERVICE = (
    selectinload(Service.organization), selectinload(Service.need_areas), selectinload(Service.localities),
    selectinload(Service.schedules), selectinload(Service.cost_options), selectinload(Service.service_areas),
    selectinload(Service.contacts).selectinload(ServiceContact.phones),
    selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules),
    selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location)
    .selectinload(Location.addresses),
)


def _paging() -> tuple[int, int]:
    page = whole_number(request.args.get("page", "1"))
    per_page = whole_number(request.args.get("per_page", str(DEFAULT_PER_PAGE)))
    if page is None or per_page is None:
        abort(400, f"page must be a whole number from 1 to {MAX_ID}, and per_page from 1 to {MAX_PER_PAGE}")
    return page, min(per_page, MAX_PER_PAGE)


def _query() -> DirectoryQuery:
    return DirectoryQuery(words=request.args.get("search", "")[:200], include_inactive=True,
                          taxonomy_term_id=request.args.get("taxonomy_term_id", "").strip())


def _attributes_for(*link_ids: str) -> dict[str, list[Attribute]]:
    grouped: dict[str, list[Attribute]] = {}
    for item in db.session.scalars(select(Attribute).where(Attribute.link_id.in_(link_ids)).order_by(Attribute.id)):
        grouped.setdefault(item.link_id, []).append(item)
    return grouped


def _get_or_404(model, ident: str):
    """The record with this ORUK id; anything that is not a UUID is simply not found."""
    found = db.session.get(model, ident) if is_uuid(ident) else None
    if found is None:
        abort(404)
    return found


def _paged(statement, page: int, per_page: int):
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    rows = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


@bp.route("/")
@public
def index():
    return jsonify(version=serialise.ORUK_VERSION, profile=PROFILE_URL, openapi_url=OPENAPI_URL,
                   services_url=url_for("openreferral.services", _external=True))


@bp.route("/services")
@public
def services():
    page, per_page = _paging()
    rows, total = _paged(matching(_query()).options(selectinload(Service.organization)), page, per_page)
    contents = [serialise.service_brief(service) for service in rows]
    return jsonify(serialise.page(contents, total=total, page_number=page, per_page=per_page))


@bp.route("/services/<service_id>")
@public
def service(service_id: str):
    found = db.session.scalar(select(Service).where(Service.id == service_id).options(*FULL_SERVICE)) \
        if is_uuid(service_id) else None
    if found is None:
        abort(404)
    return jsonify(serialise.service(found, _attributes_for(found.id, found.organization_id)))


@bp.route("/service_at_locations")
@public
def service_at_locations():
    page, per_page = _paging()
    services = matching(_query()).with_only_columns(Service.id).order_by(None)
    statement = (select(ServiceAtLocation).where(ServiceAtLocation.service_id.in_(services))
                 .options(selectinload(ServiceAtLocation.location),
                          selectinload(ServiceAtLocation.service).selectinload(Service.organization))
                 .order_by(ServiceAtLocation.id))
    rows, total = _paged(statement, page, per_page)
    contents = [serialise.service_at_location_brief(sal) for sal in rows]
    return jsonify(serialise.page(contents, total=total, page_number=page, per_page=per_page))


@bp.route("/service_at_locations/<sal_id>")
@public
def service_at_location(sal_id: str):
    found = _get_or_404(ServiceAtLocation, sal_id)
    return jsonify(serialise.service_at_location(
        found, _attributes_for(found.service_id, found.service.organization_id)))


@bp.route("/taxonomies")
@public
def taxonomies():
    page, per_page = _paging()
    rows, total = _paged(select(Taxonomy).order_by(Taxonomy.name, Taxonomy.id), page, per_page)
    return jsonify(serialise.page([serialise.taxonomy(t) for t in rows], total=total, page_number=page,
                                  per_page=per_page))


@bp.route("/taxonomies/<taxonomy_id>")
@public
def taxonomy(taxonomy_id: str):
    found = _get_or_404(Taxonomy, taxonomy_id)
    return jsonify(serialise.taxonomy(found))


@bp.route("/taxonomy_terms")
@public
def taxonomy_terms():
    page, per_page = _paging()
    statement = select(TaxonomyTerm).options(selectinload(TaxonomyTerm.taxonomy)) \
        .order_by(TaxonomyTerm.taxonomy_id, TaxonomyTerm.name, TaxonomyTerm.id)
    if request.args.get("taxonomy_id"):
        statement = statement.where(TaxonomyTerm.taxonomy_id == request.args["taxonomy_id"])
    rows, total = _paged(statement, page, per_page)
    return jsonify(serialise.page([serialise.taxonomy_term(t) for t in rows], total=total, page_number=page,
                                  per_page=per_page))


@bp.route("/taxonomy_terms/<term_id>")
@public
def taxonomy_term(term_id: str):
    found = _get_or_404(TaxonomyTerm, term_id)
    return jsonify(serialise.taxonomy_term(found))


@bp.after_request
def open_to_other_sites(response):
    """Other directories' web pages may read the open data too (it carries nothing personal)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
