"""Adding, editing and checking directory services (managers and admins).

The add/edit form carries the everyday fields; they are merged into the service's canonical
ORUK record (app.oruk.parse) so that anything the form does not show — extra locations,
contacts, other taxonomies' terms — survives an edit. The same ORUK checks as the importer apply.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from app.extensions import db
from app.models.base import uk_today, utcnow
from app.models.directory import Organization, Service
from app.models.org import Locality, User
from app.oruk import terms
from app.oruk.csv_format import _Row, _costs, _schedules
from app.oruk.parse import parse_service
from app.oruk import serialise
from app.services import audit
from app.services.directory_write import write_service
from app.services.errors import RuleBroken
from app.services.locking import check_version

# ORUK field paths → the form field that shows them.
FIELD_FOR_PATH = {"name": "name", "url": "url", "email": "email", "organization.name": "organisation_name",
                  "organization.id": "organisation_name", "eligibility_description": "who_it_is_for"}


@dataclass
class ServiceDetails:
    """What the add/edit form collects."""
    name: str
    organisation_name: str
    sector: str
    description: str = ""
    who_it_is_for: str = ""
    application_process: str = ""
    access_routes: list[str] = field(default_factory=list)
    need_areas: list[str] = field(default_factory=list)
    locality_ids: list[int] = field(default_factory=list)
    url: str = ""
    email: str = ""
    phone: str = ""
    location_name: str = ""
    address_1: str = ""
    city: str = ""
    postcode: str = ""
    schedule: str = ""
    cost: str = ""
    status: str = "active"


def schedule_text(service: Service) -> str:
    """The service's own schedules in the form's 'MO,TH 10:00-12:00; 2TU 18:00-20:00' notation."""
    return "; ".join(f"{s.byday} {s.opens_at}-{s.closes_at}" for s in service.schedules
                     if s.byday and s.opens_at and s.closes_at)


def cost_text(service: Service) -> str:
    if not service.cost_options:
        return ""
    first = service.cost_options[0]
    if not first.amount:
        return "Free" if first.amount == 0 else ""
    return f"{first.amount:g} {first.amount_description or ''}".strip()


def _merge(base: dict, details: ServiceDetails, service_id: str) -> tuple[dict, list]:
    row = _Row(1, {"schedule": details.schedule, "cost": details.cost})
    localities = [db.session.get(Locality, ident) for ident in details.locality_ids]
    org = base.get("organization") or {}
    existing_org = _organisation_named(details.organisation_name)
    org_id = existing_org.id if existing_org else (org.get("id") if org.get("name") == details.organisation_name
                                                   else terms.stable_id("organisation", details.organisation_name.strip().lower()))
    raw = serialise_record(base)
    raw.update({"id": service_id, "organization_id": org_id, "name": details.name.strip(), "status": details.status,
                "description": details.description.strip(), "eligibility_description": details.who_it_is_for.strip(),
                "application_process": details.application_process.strip(),
                "url": details.url.strip() or None, "email": details.email.strip() or None})
    raw["organization"] = {"id": org_id, "name": details.organisation_name.strip(),
                           "description": existing_org.description if existing_org else org.get("description", ""),
                           "attributes": [terms.attribute_dict(terms.SECTORS, details.sector, org_id)]}
    kept_attributes = [a for a in raw.get("attributes", []) if a["taxonomy_term_id"] not in terms.TERM_LOOKUP]
    raw["attributes"] = kept_attributes + [terms.attribute_dict(terms.NEED_AREAS, a, service_id) for a in details.need_areas] \
        + [terms.attribute_dict(terms.ACCESS_ROUTES, r, service_id) for r in details.access_routes]
    raw["schedules"] = _schedules(row, service_id) if details.schedule.strip() else []
    raw["cost_options"] = _costs(row, service_id) if details.cost.strip() else []
    locality_names = {loc.name.lower() for loc in db.session.query(Locality)}
    areas = [a for a in raw.get("service_areas", []) if (a.get("name") or "").lower() not in locality_names]
    raw["service_areas"] = areas + [{"id": terms.stable_id(service_id, "area", loc.name.lower()), "name": loc.name,
                                     "service_area": loc.name} for loc in localities if loc]
    _merge_place_and_phone(raw, details, service_id)
    return raw, row.problems


def _merge_place_and_phone(raw: dict, details: ServiceDetails, service_id: str) -> None:
    sals = raw.get("service_at_locations") or []
    if details.address_1.strip() or details.postcode.strip():
        first = sals[0] if sals else {"id": terms.stable_id(service_id, "service_at_location"),
                                      "location": {"id": terms.stable_id(service_id, "location"),
                                                   "location_type": "physical", "addresses": []}}
        location = first["location"]
        location["name"] = details.location_name.strip() or None
        address = (location.get("addresses") or [{"id": terms.stable_id(service_id, "address"),
                                                   "state_province": "", "country": "GB", "address_type": "physical"}])[0]
        address.update({"address_1": details.address_1.strip(), "city": details.city.strip(),
                        "postal_code": details.postcode.strip().upper()})
        location["addresses"] = [address] + (location.get("addresses") or [])[1:]
        raw["service_at_locations"] = [first] + sals[1:]
    else:
        raw["service_at_locations"] = sals[1:]
    contacts = raw.get("contacts") or []
    if details.phone.strip():
        contact = contacts[0] if contacts else {"id": terms.stable_id(service_id, "contact"), "phones": []}
        phones = contact.get("phones") or [{"id": terms.stable_id(service_id, "phone")}]
        phones[0]["number"] = details.phone.strip()
        contact["phones"] = phones
        raw["contacts"] = [contact] + contacts[1:]
    elif contacts:
        contacts[0]["phones"] = contacts[0].get("phones", [])[1:]


def serialise_record(record: dict) -> dict:
    """A canonical record back in ORUK JSON shape (dates as text), ready to be merged and re-checked."""
    import json

    return json.loads(json.dumps(_to_oruk(record), default=str))


def _to_oruk(record: dict) -> dict:
    raw = dict(record)
    raw.pop("need_areas", None)
    raw.pop("access_routes", None)
    if raw.get("last_checked_on"):
        raw["assured_date"] = raw.pop("last_checked_on").isoformat()
    raw.pop("last_checked_on", None)
    raw.pop("last_modified", None)
    return raw


def _organisation_named(name: str) -> Organization | None:
    from sqlalchemy import func, select

    return db.session.scalar(select(Organization).where(func.lower(Organization.name) == name.strip().lower()))


def _check(raw: dict, row_problems: list) -> dict:
    record, problems = parse_service(raw, 1)
    problems = row_problems + problems
    if problems:
        first = problems[0]
        raise RuleBroken(f"{_label(first.field)} {first.message}", field=FIELD_FOR_PATH.get(first.field, first.field
                         if first.field in ("schedule", "cost", "phone", "postcode", "address_1", "city") else None)
                         or _guess_field(first.field))
    return record


def _guess_field(path: str) -> str | None:
    for key, name in (("postal_code", "postcode"), ("address_1", "address_1"), ("city", "city"),
                      ("phones", "phone"), ("schedules", "schedule"), ("cost_options", "cost")):
        if key in path:
            return name
    return None


def _label(path: str) -> str:
    return {"name": "The service name", "url": "The website", "email": "The e-mail address",
            "organization.name": "The organisation name", "schedule": "When it runs:", "cost": "Cost:"}.get(
        path, "This")


def create(*, by: User | None, details: ServiceDetails, checked_on: date | None = None,
           service_id: str | None = None) -> Service:
    """Add a service (and its organisation if new); it counts as checked today (or on checked_on)."""
    service_id = service_id or str(uuid.uuid4())
    raw, problems = _merge({}, details, service_id)
    raw["assured_date"] = (checked_on or uk_today()).isoformat()
    record = _check(raw, problems)
    terms.ensure_taxonomies()
    service = write_service(record)
    audit.record(by=by, action="directory.service.create", subject_type="service", subject_id=service.id,
                 detail=service.name)
    db.session.commit()
    return service


def update(*, by: User, service: Service, details: ServiceDetails, version) -> Service:
    """Save an edit made from a page of `version`; someone else's newer save is never overwritten."""
    from app.services.oruk_import import current_record

    check_version(service, version, what="this service")
    base = current_record(service)
    raw, problems = _merge(base, details, service.id)
    raw["assured_date"] = uk_today().isoformat()
    record = _check(raw, problems)
    terms.ensure_taxonomies()
    write_service(record)
    service.last_modified = utcnow().replace(microsecond=0)
    audit.record(by=by, action="directory.service.update", subject_type="service", subject_id=service.id,
                 detail=service.name)
    db.session.commit()
    return service


def mark_checked(*, by: User, service: Service) -> None:
    """A manager confirmed the entry is still right: it stops being flagged for review."""
    service.last_checked_on = uk_today()
    audit.record(by=by, action="directory.service.checked", subject_type="service", subject_id=service.id)
    db.session.commit()


def details_of(service: Service) -> ServiceDetails:
    """The form's view of a stored service."""
    sal = service.service_at_locations[0] if service.service_at_locations else None
    address = sal.location.addresses[0] if sal and sal.location.addresses else None
    phones = service.phones
    return ServiceDetails(
        name=service.name, organisation_name=service.organization.name, sector=service.organization.sector,
        description=service.description, who_it_is_for=service.eligibility_description,
        application_process=service.application_process, access_routes=[r.value for r in service.access_route_enums],
        need_areas=service.need_area_values, locality_ids=[row.locality_id for row in service.localities],
        url=service.url or "", email=service.email or "", phone=phones[0].number if phones else "",
        location_name=(sal.location.name or "") if sal else "", address_1=address.address_1 if address else "",
        city=address.city if address else "", postcode=address.postal_code if address else "",
        schedule=schedule_text(service), cost=cost_text(service), status=service.status)


__all__ = ["ServiceDetails", "create", "update", "mark_checked", "details_of", "serialise"]
