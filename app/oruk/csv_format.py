"""The directory CSV (docs/directory-csv.md): one row per service, read into the same ORUK shape
as JSON so that both formats pass the same checks and the same importer.

Child ids (schedules, location, contact, phone, cost option, service areas) are UUID5s of the
service id, so re-importing the same row finds the same rows and changes nothing.
"""
from __future__ import annotations

import re

from app import csv_reading
from app.models.directory import AccessRoute
from app.models.vocab import NeedArea, Sector
from app.oruk import terms
from app.oruk.parse import MAX_INTEGER, Problem, parse_service

REQUIRED_COLUMNS = ("id", "name", "organisation_id", "organisation_name", "sector")
COLUMNS = REQUIRED_COLUMNS + (
    "status", "organisation_description", "description", "who_it_is_for", "how_to_get_in", "application_process",
    "need_areas", "localities", "url", "email", "phone", "contact_name", "location_name", "address_1", "city",
    "postcode", "schedule", "cost", "last_checked", "minimum_age", "maximum_age")
# ORUK field paths as CSV column names, for error messages.
COLUMN_FOR_PATH = {
    "organization.id": "organisation_id", "organization.name": "organisation_name",
    "organization.description": "organisation_description", "organization.website": "url",
    "eligibility_description": "who_it_is_for", "assured_date": "last_checked",
    "service_at_locations[0].location.addresses[0].address_1": "address_1",
    "service_at_locations[0].location.addresses[0].city": "city",
    "service_at_locations[0].location.addresses[0].postal_code": "postcode",
    "contacts[0].phones[0].number": "phone",
}
SCHEDULE_PART = re.compile(r"^\s*([A-Z0-9,\-]+)\s+(\d\d:\d\d)\s*-\s*(\d\d:\d\d)\s*$")
COST_PART = re.compile(r"^\s*£?\s*(\d+(?:\.\d{1,2})?)\s*(.*)$")
_NEED_LOOKUP = {**{n.value: n.value for n in NeedArea}, **{n.label.lower(): n.value for n in NeedArea}}
_ROUTE_LOOKUP = {**{r.value: r.value for r in AccessRoute}, **{r.label.lower(): r.value for r in AccessRoute}}


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _number(value: str):
    try:
        number = float(value) if "." in value else int(value)
    except ValueError:
        return value  # left as text: the ORUK check names it
    return number if abs(number) <= MAX_INTEGER else value  # too large to hold: named by the check too


class _Row:
    def __init__(self, position: int, row: dict):
        self.position, self.row, self.problems = position, row, []

    def get(self, column: str) -> str:
        return (self.row.get(column) or "").strip()

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.position, column, message))

    def coded(self, column: str, lookup: dict, what: str) -> list[str]:
        values = []
        for part in _split(self.get(column)):
            code = lookup.get(part.lower())
            if code is None:
                self.problem(column, f"'{part}' is not a known {what}; use one of {', '.join(sorted(set(lookup.values())))}")
            else:
                values.append(code)
        return values


def _schedules(row: _Row, service_id: str) -> list[dict]:
    schedules = []
    for i, part in enumerate(_split(row.get("schedule"))):
        match = SCHEDULE_PART.match(part)
        if not match:
            row.problem("schedule", f"'{part}' should look like 'MO,TH 10:00-12:00' (or '2MO 18:00-20:00' monthly)")
            continue
        days, opens, closes = match.groups()
        monthly = any(ch.isdigit() for ch in days)
        schedules.append({"id": terms.stable_id(service_id, "schedule", str(i)), "freq": "MONTHLY" if monthly else "WEEKLY",
                          "byday": days, "opens_at": opens, "closes_at": closes})
    return schedules


def _costs(row: _Row, service_id: str) -> list[dict]:
    value = row.get("cost")
    if not value:
        return []
    option = {"id": terms.stable_id(service_id, "cost", "0")}
    if value.lower() == "free":
        return [option | {"option": "Free", "amount": 0}]
    match = COST_PART.match(value)
    if not match:
        row.problem("cost", f"'{value}' should be 'Free' or an amount like '3.50 per session'")
        return []
    amount, words = match.groups()
    return [option | {"amount": _number(amount)} | ({"amount_description": words} if words else {})]


def row_to_oruk(row: _Row) -> dict:
    """One CSV row as an ORUK 3.0 service dict."""
    service_id, org_id = row.get("id"), row.get("organisation_id")
    sector = row.get("sector").lower()
    if sector not in Sector._value2member_map_:
        row.problem("sector", "must be one of " + ", ".join(s.value for s in Sector))
    org_attributes = [terms.attribute_dict(terms.SECTORS, sector, org_id)] if sector in Sector._value2member_map_ else []
    attributes = [terms.attribute_dict(terms.NEED_AREAS, area, service_id)
                  for area in row.coded("need_areas", _NEED_LOOKUP, "need area")]
    attributes += [terms.attribute_dict(terms.ACCESS_ROUTES, route, service_id)
                   for route in row.coded("how_to_get_in", _ROUTE_LOOKUP, "way in")]
    raw = {"id": service_id, "organization_id": org_id, "name": row.get("name"), "status": row.get("status") or "active",
           "description": row.get("description"), "eligibility_description": row.get("who_it_is_for") or None,
           "application_process": row.get("application_process") or None,
           "url": row.get("url") or None, "email": row.get("email") or None,
           "assured_date": row.get("last_checked") or None,
           "minimum_age": _number(row.get("minimum_age")) if row.get("minimum_age") else None,
           "maximum_age": _number(row.get("maximum_age")) if row.get("maximum_age") else None,
           "organization": {"id": org_id, "name": row.get("organisation_name"),
                            "description": row.get("organisation_description"), "attributes": org_attributes},
           "attributes": attributes, "schedules": _schedules(row, service_id), "cost_options": _costs(row, service_id),
           "service_areas": [{"id": terms.stable_id(service_id, "area", name.lower()), "name": name,
                              "service_area": name} for name in _split(row.get("localities"))]}
    if row.get("address_1") or row.get("postcode") or row.get("city"):
        location_id = terms.stable_id(service_id, "location")
        raw["service_at_locations"] = [{
            "id": terms.stable_id(service_id, "service_at_location"), "location": {
                "id": location_id, "location_type": "physical", "name": row.get("location_name") or None,
                "addresses": [{"id": terms.stable_id(service_id, "address"), "address_1": row.get("address_1"),
                               "city": row.get("city"), "state_province": "", "postal_code": row.get("postcode").upper(),
                               "country": "GB", "address_type": "physical"}]}}]
    if row.get("phone") or row.get("contact_name"):
        contact_id = terms.stable_id(service_id, "contact")
        phones = [{"id": terms.stable_id(service_id, "phone"), "number": row.get("phone")}] if row.get("phone") else []
        raw["contacts"] = [{"id": contact_id, "name": row.get("contact_name") or None, "phones": phones}]
    return {key: value for key, value in raw.items() if value is not None}


def read_csv(text: str) -> tuple[list[dict], list[Problem]]:
    """Parse the CSV into canonical records; problems name the row (1 = first data row) and column."""
    if "\x00" in text:  # PostgreSQL cannot store it, and no spreadsheet writes one
        return [], [Problem(0, "file", "has a NUL character in it; save it again as UTF-8 CSV")]
    lines = csv_reading.rows(text.lstrip("\ufeff"))
    try:
        header = next(lines, [])
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            return [], [Problem(0, ", ".join(missing), "column missing from the header row")]
        return _read_rows(header, (values for values in lines if values))  # blank lines skipped
    except csv_reading.UnreadableRow as error:
        return [], [Problem(error.row - 1, "file", error.reason)]


def _read_rows(header: list[str], lines) -> tuple[list[dict], list[Problem]]:
    records, problems = [], []
    for position, values in enumerate(lines, start=1):
        long = csv_reading.too_long(header, values)
        if long:  # named without echoing the value; the rest of the row is not checked
            problems += [Problem(position, column, csv_reading.TOO_LONG) for column in long]
            continue
        row = _Row(position, dict(zip(header, values)))
        raw = row_to_oruk(row)
        record, found = parse_service(raw, position)
        problems += row.problems + [Problem(p.position, _column(p.field), p.message) for p in found]
        records.append(record)
    return records, problems


def _column(path: str) -> str:
    if path in COLUMN_FOR_PATH:
        return COLUMN_FOR_PATH[path]
    return {"id": "id", "name": "name", "status": "status", "url": "url", "email": "email"}.get(path, path)
