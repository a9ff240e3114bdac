"""Reading ORUK 3.0 service JSON into Hearthlink's canonical service record, checking every field.

`read_services(payload)` accepts one service (as /services/{id} returns it), a JSON array of them,
or a /services-style page whose `contents` are full services. `parse_service(raw)` returns
(record, problems): the canonical record is a plain dict that the importer writes and that
export-then-parse reproduces exactly, which is what makes re-importing a file change nothing.
"""
from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from app.extensions import db
from app.models.directory import AccessRoute, ServiceStatus
from app.models.vocab import Sector
from app.oruk import checks as c
from app.oruk import terms


@dataclass(frozen=True)
class Problem:
    position: int  # 1-based position of the record in the file
    field: str
    message: str

    def __str__(self) -> str:
        return f"Record {self.position}, field {self.field}: {self.message}"


class PayloadShapeError(ValueError):
    """The file is not one service, a list of services or a page of services."""


MAX_DEPTH = 32  # ORUK services nest about 6 levels deep; a deeper file is not a directory
MAX_INTEGER = 2 ** 31 - 1  # what the database's whole-number columns hold


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > len(str(MAX_INTEGER)) or abs(int(text)) > MAX_INTEGER:
        raise PayloadShapeError(f"The file has a number, {text[:20]}, larger than {MAX_INTEGER:,}")
    return int(text)


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise PayloadShapeError(f"The file has a number, {text[:20]}, too large to hold")
    return value


def _not_a_number(name: str):
    raise PayloadShapeError(f"The file has {name}, which is not a number JSON allows")


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> bool:
    """Whether arrays and objects nest deeper than MAX_DEPTH, counted without recursion (brackets
    inside strings skipped)."""
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def load_json(text: str):
    """Parse an uploaded JSON file, refusing with PayloadShapeError (never RecursionError or a number
    the database cannot hold) a file nested too deeply, with a huge number, or with a NUL character."""
    if _too_deep(text):
        raise PayloadShapeError(f"The file is nested too deeply (more than {MAX_DEPTH} levels) to be ORUK JSON")
    if "\\u0000" in text:
        raise PayloadShapeError("The file has a NUL character (\\u0000) in it; remove it and upload the file again")
    try:
        return json.loads(text, parse_int=_whole_number, parse_float=_finite, parse_constant=_not_a_number)
    except RecursionError:  # the depth check should catch these first; never let one reach the page
        raise PayloadShapeError(f"The file is nested too deeply (more than {MAX_DEPTH} levels) to be ORUK JSON") \
            from None


def read_services(payload) -> list:
    if isinstance(payload, dict) and isinstance(payload.get("contents"), list):
        return payload["contents"]
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict) and "id" in payload:
        return [payload]
    raise PayloadShapeError("The file is not ORUK 3.0 JSON: expected a service, an array of services, "
                            "or a /services page with a 'contents' array")


SERVICE_FIELDS = {  # field: (check, required)
    "id": (c.uuid_check, True), "name": (c.required_text, True),
    "status": (c.enum_check(*[s.value for s in ServiceStatus]), True),
    "organization_id": (c.uuid_check, False), "description": (c.string_check, False),
    "url": (c.uri_check, False), "email": (c.email_check, False), "minimum_age": (c.number_check, False),
    "maximum_age": (c.number_check, False), "alert": (c.string_check, False),
    "assured_date": (c.date_check, False), "last_modified": (c.datetime_check, False),
    "eligibility_description": (c.string_check, False), "application_process": (c.string_check, False),
}
ORGANIZATION_FIELDS = {"id": (c.uuid_check, True), "name": (c.required_text, True),
                       "description": (c.string_check, True), "email": (c.email_check, False),
                       "website": (c.uri_check, False)}
SCHEDULE_FIELDS = {"id": (c.uuid_check, True), "valid_from": (c.date_check, False), "valid_to": (c.date_check, False),
                   "dtstart": (c.date_check, False), "freq": (c.enum_check("WEEKLY", "MONTHLY"), False),
                   "interval": (c.integer_check, False), "byday": (c.byday_check, False),
                   "bymonthday": (c.string_check, False), "opens_at": (c.time_check, False),
                   "closes_at": (c.time_check, False), "description": (c.string_check, False),
                   "attending_type": (c.string_check, False), "notes": (c.string_check, False)}
LOCATION_FIELDS = {"id": (c.uuid_check, True), "location_type": (c.enum_check("physical", "postal", "virtual"), True),
                   "name": (c.string_check, False), "description": (c.string_check, False),
                   "latitude": (c.number_check, False), "longitude": (c.number_check, False)}
ADDRESS_FIELDS = {"id": (c.uuid_check, True), "attention": (c.string_check, False),
                  "address_1": (c.required_text, True), "city": (c.required_text, True),
                  "region": (c.string_check, False), "state_province": (c.string_check, True),
                  "postal_code": (c.required_text, True), "country": (c.required_text, True),
                  "address_type": (c.enum_check("physical", "postal", "virtual"), True)}
CONTACT_FIELDS = {"id": (c.uuid_check, True), "name": (c.string_check, False), "title": (c.string_check, False)}
PHONE_FIELDS = {"id": (c.uuid_check, True), "number": (c.required_text, True), "description": (c.string_check, False)}
COST_FIELDS = {"id": (c.uuid_check, True), "valid_from": (c.date_check, False), "valid_to": (c.date_check, False),
               "option": (c.string_check, False), "amount": (c.number_check, False),
               "amount_description": (c.string_check, False)}
AREA_FIELDS = {"id": (c.uuid_check, True), "name": (c.string_check, False), "service_area": (c.string_check, False),
               "extent": (c.string_check, False), "extent_type": (c.string_check, False), "uri": (c.uri_check, False)}
# taxonomy_term_id is optional in the standard: an attribute may carry its term nested instead
# (as the ORUK example service does), and then the term's own id is the one used.
ATTRIBUTE_FIELDS = {"id": (c.uuid_check, True), "taxonomy_term_id": (c.uuid_check, False),
                    "link_type": (c.string_check, False)}
TERM_FIELDS = {"id": (c.uuid_check, True), "name": (c.required_text, True), "description": (c.string_check, True),
               "parent_id": (c.uuid_check, False), "taxonomy": (c.string_check, False),
               "taxonomy_id": (c.uuid_check, False), "term_uri": (c.uri_check, False), "code": (c.string_check, False)}

# The table each kind of object is stored in: a text longer than its column is a problem to report,
# not a database error (PostgreSQL refuses it; SQLite would quietly keep it).
_TABLE_OF = {id(SERVICE_FIELDS): "service", id(ORGANIZATION_FIELDS): "organization", id(SCHEDULE_FIELDS): "schedule",
             id(LOCATION_FIELDS): "location", id(ADDRESS_FIELDS): "address", id(CONTACT_FIELDS): "directory_contact",
             id(PHONE_FIELDS): "phone", id(COST_FIELDS): "cost_option", id(AREA_FIELDS): "service_area",
             id(ATTRIBUTE_FIELDS): "attribute", id(TERM_FIELDS): "taxonomy_term"}


def _longest(spec: dict, name: str) -> int | None:
    """How many characters the column for this field holds (None: no limit, or not stored as it is)."""
    table = db.metadata.tables.get(_TABLE_OF.get(id(spec), ""))
    column = table.columns.get(name) if table is not None else None
    return getattr(column.type, "length", None) if column is not None else None


DATE_FIELDS = {"valid_from", "valid_to", "dtstart", "assured_date"}
TIME_FIELDS = {"opens_at", "closes_at"}


class _Reader:
    def __init__(self, position: int):
        self.position = position
        self.problems: list[Problem] = []

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.position, field, message))

    def fields(self, raw, spec: dict, path: str) -> dict:
        """Check one object against a field spec; return the known fields, normalised."""
        if not isinstance(raw, dict):
            self.problem(path or "(record)", "must be a JSON object")
            return {}
        out = {}
        for name, (check, required) in spec.items():
            where = f"{path}.{name}" if path else name
            value = raw.get(name)
            if value is None:
                if required:
                    self.problem(where, "is required")
                continue
            message = check(value)
            # Times are stored as HH:MM whatever seconds they were sent with: measure them after that.
            longest = _longest(spec, name) if isinstance(value, str) and name not in TIME_FIELDS else None
            if not message and longest and len(value.strip()) > longest:
                message = f"is longer than {longest:,} characters"
            if message:
                self.problem(where, message)
                continue
            if name in DATE_FIELDS:
                value = date.fromisoformat(value)
            elif name in TIME_FIELDS:
                value = c.normal_time(value)
            elif isinstance(value, str) and name not in ("description",):
                value = value.strip()
            out[name] = value
        return out

    def children(self, raw, key: str, path: str) -> list:
        value = raw.get(key) if isinstance(raw, dict) else None
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(f"{path}{key}", "must be an array")
            return []
        return list(enumerate(value))


def _by_id(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda item: item.get("id", ""))


def _schedules(reader: _Reader, raw, path: str) -> list[dict]:
    out = []
    for i, item in reader.children(raw, "schedules", path):
        where = f"{path}schedules[{i}]"
        schedule = reader.fields(item, SCHEDULE_FIELDS, where)
        if ("opens_at" in schedule) != ("closes_at" in schedule):
            reader.problem(f"{where}.closes_at", "opens_at and closes_at go together: give both or neither")
        elif schedule.get("opens_at") and schedule["opens_at"] >= schedule["closes_at"]:
            reader.problem(f"{where}.closes_at", "must be later than opens_at")
        out.append(schedule)
    return _by_id(out)


def taxonomy_id_for(name: str) -> str:
    """A taxonomy named without an id (allowed by the standard) is kept under an id derived from its
    name, so the same file imported again finds it and changes nothing."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:hearthlink:oruk-taxonomy:" + name.strip()))


def _attributes(reader: _Reader, raw, path: str) -> tuple[list[dict], list[tuple]]:
    """Split attributes into Hearthlink's own (taxonomy, value) and other taxonomies' terms."""
    ours, others = [], []
    for i, item in reader.children(raw, "attributes", path):
        where = f"{path}attributes[{i}]"
        attribute = reader.fields(item, ATTRIBUTE_FIELDS, where)
        nested = item.get("taxonomy_term") if isinstance(item, dict) else None
        if "taxonomy_term_id" not in attribute and isinstance(item, dict) and "taxonomy_term_id" not in item:
            if isinstance(nested, dict) and nested.get("id") is not None:
                if not c.uuid_check(nested["id"]):
                    attribute["taxonomy_term_id"] = nested["id"].strip()
            else:
                reader.problem(f"{where}.taxonomy_term_id", "is required when the attribute has no taxonomy_term "
                                                            "with an id")
                continue
        if attribute.get("taxonomy_term_id") in terms.TERM_LOOKUP:
            ours.append(terms.TERM_LOOKUP[attribute["taxonomy_term_id"]])
            continue
        term_raw = item.get("taxonomy_term") if isinstance(item, dict) else None
        if term_raw is None:
            reader.problem(f"{where}.taxonomy_term", "is required for a term from another taxonomy")
            continue
        term = reader.fields(term_raw, TERM_FIELDS, f"{where}.taxonomy_term")
        if term.get("taxonomy") and not term.get("taxonomy_id"):
            term["taxonomy_id"] = taxonomy_id_for(term["taxonomy"])
        if term.get("id") and attribute.get("taxonomy_term_id") and term["id"] != attribute["taxonomy_term_id"]:
            reader.problem(f"{where}.taxonomy_term.id", "must equal the attribute's taxonomy_term_id")
        attribute["taxonomy_term"] = term
        others.append(attribute)
    return _by_id(others), ours


def parse_service(raw, position: int) -> tuple[dict, list[Problem]]:
    reader = _Reader(position)
    record = reader.fields(raw, SERVICE_FIELDS, "")
    if not isinstance(raw, dict):
        return record, reader.problems
    org_raw = raw.get("organization")
    if org_raw is None:
        reader.problem("organization", "is required: Hearthlink files every service under its organisation")
        organization, org_ours = {}, []
    else:
        organization = reader.fields(org_raw, ORGANIZATION_FIELDS, "organization")
        organization["attributes"], org_ours = _attributes(reader, org_raw, "organization.")
        if record.get("organization_id") and organization.get("id") and record["organization_id"] != organization["id"]:
            reader.problem("organization_id", "must equal organization.id")
    sectors = [value for taxonomy, value in org_ours if taxonomy is terms.SECTORS]
    if len(sectors) > 1:
        reader.problem("organization.attributes", "gives more than one Hearthlink sector; give one")
    organization["sector"] = sectors[0] if sectors else Sector.VOLUNTARY.value
    record.pop("organization_id", None)
    record["organization"] = organization
    record["last_checked_on"] = record.pop("assured_date", None)
    if "last_modified" in record:
        record["last_modified"] = datetime.fromisoformat(record["last_modified"].replace("Z", "+00:00")) \
            .replace(tzinfo=None, microsecond=0)
    if record.get("minimum_age") is not None and record.get("maximum_age") is not None \
            and record["minimum_age"] > record["maximum_age"]:
        reader.problem("maximum_age", "must not be below minimum_age")

    record["attributes"], ours = _attributes(reader, raw, "")
    record["need_areas"] = sorted({value for taxonomy, value in ours if taxonomy is terms.NEED_AREAS})
    routes = {value for taxonomy, value in ours if taxonomy is terms.ACCESS_ROUTES}
    record["access_routes"] = [route.value for route in AccessRoute if route.value in routes]
    record["schedules"] = _schedules(reader, raw, "")
    record["service_at_locations"] = _service_at_locations(reader, raw)
    record["service_areas"] = _by_id([reader.fields(item, AREA_FIELDS, f"service_areas[{i}]")
                                      for i, item in reader.children(raw, "service_areas", "")])
    record["cost_options"] = _by_id([reader.fields(item, COST_FIELDS, f"cost_options[{i}]")
                                     for i, item in reader.children(raw, "cost_options", "")])
    contacts = []
    for i, item in reader.children(raw, "contacts", ""):
        contact = reader.fields(item, CONTACT_FIELDS, f"contacts[{i}]")
        contact["phones"] = _by_id([reader.fields(phone, PHONE_FIELDS, f"contacts[{i}].phones[{j}]")
                                    for j, phone in reader.children(item, "phones", f"contacts[{i}].")])
        contacts.append(contact)
    record["contacts"] = _by_id(contacts)
    return record, reader.problems


def _service_at_locations(reader: _Reader, raw) -> list[dict]:
    out = []
    for i, item in reader.children(raw, "service_at_locations", ""):
        where = f"service_at_locations[{i}]"
        sal = reader.fields(item, {"id": (c.uuid_check, True)}, where)
        location_raw = item.get("location") if isinstance(item, dict) else None
        if location_raw is None:
            reader.problem(f"{where}.location", "is required")
            continue
        location = reader.fields(location_raw, LOCATION_FIELDS, f"{where}.location")
        location["addresses"] = _by_id([
            reader.fields(address, ADDRESS_FIELDS, f"{where}.location.addresses[{j}]")
            for j, address in reader.children(location_raw, "addresses", f"{where}.location.")])
        sal["location"] = location
        sal["schedules"] = _schedules(reader, item, f"{where}.")
        out.append(sal)
    return _by_id(out)
