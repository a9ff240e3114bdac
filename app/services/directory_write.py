"""Writing a canonical service record (app.oruk.parse) into the directory tables, in place.

Children are matched by their ORUK id and updated, added or removed, never deleted and
re-inserted: an id keeps its row, and unique constraints never see a transient duplicate.
Nothing here commits; callers (the importer, the edit pages, the demo) commit once.
"""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models.base import utcnow
from app.models.directory import Organization, Service, ServiceLocality, ServiceNeedArea
from app.models.directory_places import (Address, CostOption, Location, Phone, Schedule, ServiceArea,
                                         ServiceAtLocation, ServiceContact)
from app.models.directory_taxonomy import Attribute, Taxonomy, TaxonomyTerm
from app.models.org import Locality
from app.services.directory_search import refresh_search_text

SERVICE_COLUMNS = ("name", "description", "url", "email", "status", "minimum_age", "maximum_age", "alert",
                   "eligibility_description", "application_process", "last_checked_on")
SCHEDULE_COLUMNS = ("valid_from", "valid_to", "dtstart", "freq", "interval", "byday", "bymonthday", "opens_at",
                    "closes_at", "description", "attending_type", "notes")
TEXT_DEFAULTS = {"description": "", "eligibility_description": "", "application_process": ""}


def _assign(row, values: dict, columns, defaults: dict | None = None) -> None:
    for column in columns:
        value = values.get(column, (defaults or {}).get(column))
        if getattr(row, column) != value:
            setattr(row, column, value)


def _sync(collection: list, incoming: list[dict], make, update) -> None:
    """Make `collection` hold exactly the incoming items (matched by id), updating in place."""
    current = {row.id: row for row in collection}
    wanted = {item["id"] for item in incoming}
    for row in [row for row in collection if row.id not in wanted]:
        collection.remove(row)
    for item in incoming:
        row = current.get(item["id"])
        if row is None:
            row = make(item["id"])
            collection.append(row)
        update(row, item)


def _schedule_updater(owner_service_id: str):
    def update(row: Schedule, item: dict) -> None:
        _assign(row, item, SCHEDULE_COLUMNS)
        row.owner_service_id = owner_service_id
    return update


def _location(item: dict) -> Location:
    location = db.session.get(Location, item["id"]) or Location(id=item["id"])
    db.session.add(location)
    _assign(location, item, ("location_type", "name", "description", "latitude", "longitude"))
    _sync(location.addresses, item.get("addresses", []), lambda ident: Address(id=ident),
          lambda row, a: _assign(row, a, ("attention", "address_1", "city", "region", "state_province",
                                          "postal_code", "country", "address_type")))
    return location


def _term(item: dict) -> TaxonomyTerm:
    term = db.session.get(TaxonomyTerm, item["id"]) or TaxonomyTerm(id=item["id"])
    if item.get("taxonomy_id") and db.session.get(Taxonomy, item["taxonomy_id"]) is None:
        db.session.add(Taxonomy(id=item["taxonomy_id"], name=item.get("taxonomy") or "Imported taxonomy",
                                description=item.get("taxonomy") or ""))
        db.session.flush()
    _assign(term, item, ("name", "description", "parent_id", "taxonomy_id", "term_uri", "code"), TEXT_DEFAULTS)
    db.session.add(term)
    return term


def _sync_attributes(link_id: str, incoming: list[dict]) -> None:
    existing = {a.id: a for a in db.session.scalars(select(Attribute).where(Attribute.link_id == link_id))}
    for ident in set(existing) - {item["id"] for item in incoming}:
        db.session.delete(existing[ident])
    for item in incoming:
        term = _term(item["taxonomy_term"])
        row = existing.get(item["id"]) or Attribute(id=item["id"], link_id=link_id)
        row.link_type, row.taxonomy_term = item.get("link_type"), term
        db.session.add(row)


def localities_by_name() -> dict[str, Locality]:
    return {loc.name.lower(): loc for loc in db.session.scalars(select(Locality))}


def write_organization(item: dict) -> Organization:
    org = db.session.get(Organization, item["id"]) or Organization(id=item["id"])
    db.session.add(org)
    _assign(org, item, ("name", "description", "email", "website", "sector"), TEXT_DEFAULTS)
    _sync_attributes(org.id, item.get("attributes", []))
    return org


def write_service(record: dict, *, localities: dict[str, Locality] | None = None) -> Service:
    """Create or update the service (and its organisation, places and terms) from a canonical record."""
    localities = localities_by_name() if localities is None else localities
    with db.session.no_autoflush:
        service = _write(record, localities)
    db.session.flush()
    refresh_search_text(service)
    return service


def _write(record: dict, localities: dict[str, Locality]) -> Service:
    organization = write_organization(record["organization"])
    service = db.session.get(Service, record["id"]) or Service(id=record["id"])
    db.session.add(service)
    service.organization = organization
    _assign(service, record, SERVICE_COLUMNS, TEXT_DEFAULTS)
    service.last_modified = record.get("last_modified") or utcnow().replace(microsecond=0)
    service.set_access_routes(record.get("access_routes", []))
    set_need_areas(service, record.get("need_areas", []))
    _sync(service.schedules, record.get("schedules", []), lambda ident: Schedule(id=ident),
          _schedule_updater(service.id))

    def update_sal(row: ServiceAtLocation, item: dict) -> None:
        row.location = _location(item["location"])
        _sync(row.schedules, item.get("schedules", []), lambda ident: Schedule(id=ident),
              _schedule_updater(service.id))
    _sync(service.service_at_locations, record.get("service_at_locations", []),
          lambda ident: ServiceAtLocation(id=ident), update_sal)

    def update_contact(row: ServiceContact, item: dict) -> None:
        _assign(row, item, ("name", "title"))
        _sync(row.phones, item.get("phones", []), lambda ident: Phone(id=ident),
              lambda phone, p: _assign(phone, p, ("number", "description")))
    _sync(service.contacts, record.get("contacts", []), lambda ident: ServiceContact(id=ident), update_contact)
    _sync(service.cost_options, record.get("cost_options", []), lambda ident: CostOption(id=ident),
          lambda row, item: _assign(row, item, ("valid_from", "valid_to", "option", "amount", "amount_description")))
    _sync(service.service_areas, record.get("service_areas", []), lambda ident: ServiceArea(id=ident),
          lambda row, item: _assign(row, item, ("name", "service_area", "extent", "extent_type", "uri")))
    wanted = {localities[area["name"].strip().lower()].id for area in record.get("service_areas", [])
              if area.get("name") and area["name"].strip().lower() in localities}
    set_localities(service, wanted)
    _sync_attributes(service.id, record.get("attributes", []))
    return service


def set_need_areas(service: Service, areas) -> None:
    wanted = set(areas)
    for row in [row for row in service.need_areas if row.area not in wanted]:
        service.need_areas.remove(row)
    have = {row.area for row in service.need_areas}
    service.need_areas.extend(ServiceNeedArea(area=area) for area in sorted(wanted - have))


def set_localities(service: Service, locality_ids) -> None:
    wanted = set(locality_ids)
    for row in [row for row in service.localities if row.locality_id not in wanted]:
        service.localities.remove(row)
    have = {row.locality_id for row in service.localities}
    for locality_id in sorted(wanted - have):
        service.localities.append(ServiceLocality(locality=db.session.get(Locality, locality_id)))


def count_services() -> int:
    return db.session.scalar(select(func.count(Service.id))) or 0
