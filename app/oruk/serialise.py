"""Directory rows as Open Referral UK 3.0 JSON (the bodies of the /openreferral/ API and of exports).

Optional fields with no value are left out rather than sent as null: the ORUK schemas type them
as plain strings and numbers. Hearthlink's additions travel as ORUK attributes on our published
taxonomies (app.oruk.terms), as service areas named after localities, and as assured_date (the
day the entry was last checked); the HSDS fields eligibility_description and
application_process carry who a service is for and how to get in.

Web addresses are published only when they are http or https (checks.web_address): the imports
refuse anything else, and this keeps a javascript: address stored before they did out of the API.
"""
from __future__ import annotations

from datetime import date, datetime

from app.models.directory import Organization, Service
from app.models.directory_places import Location, Schedule, ServiceAtLocation
from app.models.directory_taxonomy import Attribute, Taxonomy, TaxonomyTerm
from app.oruk import terms
from app.oruk.checks import web_address

ORUK_VERSION = "3.0"
ORUK_PROFILE = "https://openreferraluk.org/"


def _clean(record: dict) -> dict:
    return {key: value for key, value in record.items() if value is not None and value != ""
            or key in ("description",) and value == ""}


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _datetime(value: datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() + "Z" if value else None


def taxonomy_term(term: TaxonomyTerm) -> dict:
    return _clean({"id": term.id, "name": term.name, "description": term.description or "",
                   "parent_id": term.parent_id, "taxonomy": term.taxonomy.name if term.taxonomy else None,
                   "taxonomy_id": term.taxonomy_id, "term_uri": web_address(term.term_uri), "code": term.code})


def taxonomy(item: Taxonomy) -> dict:
    return _clean({"id": item.id, "name": item.name, "description": item.description or "",
                   "uri": web_address(item.uri), "version": item.version})


def attribute(item: Attribute) -> dict:
    return _clean({"id": item.id, "link_id": item.link_id, "link_type": item.link_type,
                   "taxonomy_term_id": item.taxonomy_term_id, "taxonomy_term": taxonomy_term(item.taxonomy_term)})


def organization(org: Organization, other_attributes: list[Attribute] = ()) -> dict:
    return _clean({"id": org.id, "name": org.name, "description": org.description or "",
                   "email": org.email, "website": web_address(org.website),
                   "attributes": [terms.attribute_dict(terms.SECTORS, org.sector, org.id)]
                   + [attribute(a) for a in other_attributes]})


def organization_brief(org: Organization) -> dict:
    return _clean({"id": org.id, "name": org.name, "description": org.description or "",
                   "email": org.email, "website": web_address(org.website)})


def schedule(item: Schedule) -> dict:
    return _clean({"id": item.id, "service_id": item.service_id, "service_at_location_id": item.service_at_location_id,
                   "valid_from": _date(item.valid_from), "valid_to": _date(item.valid_to),
                   "dtstart": _date(item.dtstart), "freq": item.freq, "interval": item.interval,
                   "byday": item.byday, "bymonthday": item.bymonthday, "opens_at": item.opens_at,
                   "closes_at": item.closes_at, "description": item.description,
                   "attending_type": item.attending_type, "notes": item.notes})


def location_brief(item: Location) -> dict:
    return _clean({"id": item.id, "location_type": item.location_type, "name": item.name,
                   "description": item.description, "latitude": item.latitude, "longitude": item.longitude})


def location(item: Location) -> dict:
    record = location_brief(item)
    record["addresses"] = [_clean({
        "id": a.id, "location_id": item.id, "attention": a.attention, "address_1": a.address_1, "city": a.city,
        "region": a.region, "state_province": a.state_province or "", "postal_code": a.postal_code,
        "country": a.country, "address_type": a.address_type}) | {"state_province": a.state_province or ""}
        for a in item.addresses]
    return record


def service_brief(service: Service) -> dict:
    """The one-to-one fields of a service (an item of /services; schema service_list.json)."""
    return _clean({
        "id": service.id, "organization_id": service.organization_id, "name": service.name,
        "description": service.description or "", "url": web_address(service.url), "email": service.email,
        "status": service.status, "minimum_age": service.minimum_age, "maximum_age": service.maximum_age,
        "assured_date": _date(service.last_checked_on), "alert": service.alert,
        "last_modified": _datetime(service.last_modified),
        "organization": organization_brief(service.organization)})


def _service_attributes(service: Service, other_attributes: list[Attribute]) -> list[dict]:
    ours = [terms.attribute_dict(terms.NEED_AREAS, area, service.id) for area in service.need_area_values]
    ours += [terms.attribute_dict(terms.ACCESS_ROUTES, route.value, service.id)
             for route in service.access_route_enums]
    return ours + [attribute(a) for a in other_attributes]


def service_at_location_brief(sal: ServiceAtLocation) -> dict:
    return {"id": sal.id, "service_id": sal.service_id, "location_id": sal.location_id,
            "location": location_brief(sal.location), "service": service_brief(sal.service)}


def _sal_nested(sal: ServiceAtLocation) -> dict:
    record = {"id": sal.id, "service_id": sal.service_id, "location_id": sal.location_id,
              "location": location(sal.location)}
    if sal.schedules:
        record["schedules"] = [schedule(s) for s in sal.schedules]
    return record


def service(service: Service, attributes_by_link: dict[str, list[Attribute]] | None = None) -> dict:
    """A fully nested service (the body of /services/{id}; schema service.json)."""
    attributes_by_link = attributes_by_link or {}
    record = service_brief(service)
    record.update({
        "eligibility_description": service.eligibility_description or None,
        "application_process": service.application_process or None,
        "organization": organization(service.organization, attributes_by_link.get(service.organization_id, [])),
        "service_at_locations": [_sal_nested(sal) for sal in service.service_at_locations],
        "schedules": [schedule(s) for s in service.schedules],
        "service_areas": [_clean({"id": a.id, "service_id": service.id, "name": a.name,
                                  "service_area": a.service_area, "extent": a.extent,
                                  "extent_type": a.extent_type, "uri": web_address(a.uri)})
                          for a in service.service_areas],
        "contacts": [_clean({"id": c.id, "service_id": service.id, "name": c.name, "title": c.title,
                             "phones": [_clean({"id": p.id, "contact_id": c.id, "number": p.number,
                                                "description": p.description}) for p in c.phones]})
                     for c in service.contacts],
        "cost_options": [_clean({"id": c.id, "service_id": service.id, "valid_from": _date(c.valid_from),
                                 "valid_to": _date(c.valid_to), "option": c.option, "amount": c.amount,
                                 "amount_description": c.amount_description}) for c in service.cost_options],
        "attributes": _service_attributes(service, attributes_by_link.get(service.id, [])),
    })
    return _clean(record)


def service_at_location(sal: ServiceAtLocation, attributes_by_link: dict[str, list[Attribute]] | None = None) -> dict:
    """A fully nested service-at-location (schema service_at_location.json)."""
    nested_service = service(sal.service, attributes_by_link)
    nested_service.pop("service_at_locations", None)
    return {"id": sal.id, "service_id": sal.service_id, "location_id": sal.location_id,
            "location": location(sal.location), "service": nested_service}


def page(contents: list[dict], *, total: int, page_number: int, per_page: int) -> dict:
    """The ORUK Page envelope (openapi.json components.schemas.Page)."""
    total_pages = max(1, -(-total // per_page)) if per_page else 1
    return {"total_items": total, "total_pages": total_pages, "page_number": page_number,
            "size": len(contents), "first_page": page_number == 1, "last_page": page_number >= total_pages,
            "empty": total == 0, "contents": contents}
