"""Importing the community directory from Open Referral UK 3.0 JSON or the documented CSV.

The rules (CONTRACT.md §2): every record is checked against the ORUK schema's rules and ours
before anything is written; one bad record means nothing changes, and every bad record is named
by its position (1-based) and field. Records are matched by their ORUK id: an unchanged record
changes nothing, a changed one is updated in place, a new one is added.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.models.directory import Service
from app.models.directory_places import CostOption, Phone, Schedule, ServiceArea, ServiceAtLocation, ServiceContact
from app.models.directory_taxonomy import Attribute
from app.models.org import User
from app.oruk import serialise, terms
from app.oruk.csv_format import read_csv
from app.oruk.parse import PayloadShapeError, Problem, load_json, parse_service, read_services
from app.oruk.schema_check import schema_problems
from app.services import audit
from app.services.directory_write import localities_by_name, write_service
from app.services.errors import RuleBroken

MAX_PROBLEMS_SHOWN = 50


class ImportRejected(RuleBroken):
    """The file was refused and nothing changed; `problems` lists every bad record and field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = str(problems[0]) if problems else "the file could not be read"
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"Nothing was imported. {first}{more}", field="file")


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    names: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"Imported {self.created + self.updated + self.unchanged} services: {self.created} new, "
                f"{self.updated} updated, {self.unchanged} unchanged.")


def read_file(*, filename: str, content: bytes) -> list[dict]:
    """Parse a file into canonical records, or raise ImportRejected listing every problem."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([Problem(0, "file", "is not UTF-8 text; save it as UTF-8 CSV or JSON")]) from None
    stripped = text.lstrip()
    if filename.lower().endswith(".csv") or not stripped.startswith(("{", "[")):
        records, problems = read_csv(text)
    else:
        try:
            raw_services = read_services(load_json(text))
        except json.JSONDecodeError as error:
            raise ImportRejected([Problem(0, "file", f"is not valid JSON (line {error.lineno}: {error.msg})")]) from None
        except PayloadShapeError as error:
            raise ImportRejected([Problem(0, "file", str(error))]) from None
        # The official schema first, then our own rules. A field both refuse is named once, in our
        # words (they say what Hearthlink expects); every other problem of either is listed.
        official = schema_problems(raw_services)
        records, problems = [], []
        for position, raw in enumerate(raw_services, start=1):
            record, found = parse_service(raw, position)
            records.append(record)
            problems += found
        named = {(problem.position, problem.field) for problem in problems}
        problems += [problem for problem in official if (problem.position, problem.field) not in named]
        problems.sort(key=lambda problem: problem.position)
    if not records and not problems:
        problems = [Problem(0, "file", "has no services in it")]
    problems += _clashes(records)
    if problems:
        raise ImportRejected(problems)
    return records


def _child_ids(record: dict) -> dict[str, set[str]]:
    """Ids a record owns, per table, for the clash checks."""
    sals = record.get("service_at_locations", [])
    return {
        "schedule": {s["id"] for s in record.get("schedules", [])} | {s["id"] for sal in sals for s in sal.get("schedules", [])},
        "service_at_location": {sal["id"] for sal in sals},
        "contact": {c["id"] for c in record.get("contacts", [])},
        "phone": {p["id"] for c in record.get("contacts", []) for p in c.get("phones", [])},
        "cost_option": {c["id"] for c in record.get("cost_options", [])},
        "service_area": {a["id"] for a in record.get("service_areas", [])},
        "attribute": {a["id"] for a in record.get("attributes", [])},
    }


OWNERS = {  # table: (model, the column naming the owning service)
    "schedule": (Schedule, Schedule.owner_service_id), "service_at_location": (ServiceAtLocation, ServiceAtLocation.service_id),
    "contact": (ServiceContact, ServiceContact.service_id), "cost_option": (CostOption, CostOption.service_id),
    "service_area": (ServiceArea, ServiceArea.service_id), "attribute": (Attribute, Attribute.link_id),
}


def _clashes(records: list[dict]) -> list[Problem]:
    """A service id twice in the file, or a child id that belongs to another service."""
    problems, seen_services, seen_children = [], {}, {}
    for position, record in enumerate(records, start=1):
        if not record.get("id"):
            continue
        if record["id"] in seen_services:
            problems.append(Problem(position, "id", f"is the same as record {seen_services[record['id']]}'s; "
                                                    "each service must appear once"))
        seen_services.setdefault(record["id"], position)
        for table, ids in _child_ids(record).items():
            for ident in ids:
                owner = seen_children.setdefault((table, ident), (position, record["id"]))
                if owner[1] != record["id"]:
                    problems.append(Problem(position, f"{table}.id", f"{ident} is also used by record {owner[0]}"))
    for table, (model, owner_column) in OWNERS.items():
        wanted = {ident: (pos, sid) for (tab, ident), (pos, sid) in seen_children.items() if tab == table}
        for chunk in _chunks(list(wanted)):
            for ident, owner in db.session.execute(select(model.id, owner_column).where(model.id.in_(chunk))):
                position, service_id = wanted[ident]
                if owner != service_id:
                    problems.append(Problem(position, f"{table}.id", f"{ident} already belongs to another directory entry"))
    phone_ids = {ident: (pos, sid) for (tab, ident), (pos, sid) in seen_children.items() if tab == "phone"}
    for chunk in _chunks(list(phone_ids)):
        rows = db.session.execute(select(Phone.id, ServiceContact.service_id).join(ServiceContact)
                                  .where(Phone.id.in_(chunk)))
        for ident, owner in rows:
            if owner != phone_ids[ident][1]:
                problems.append(Problem(phone_ids[ident][0], "phone.id", f"{ident} already belongs to another directory entry"))
    return problems


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def current_record(service: Service) -> dict:
    """The canonical record of a service as stored, to compare with an incoming one."""
    attributes = {}
    for attribute in db.session.scalars(select(Attribute).where(
            Attribute.link_id.in_([service.id, service.organization_id]))):
        attributes.setdefault(attribute.link_id, []).append(attribute)
    return parse_service(serialise.service(service, attributes), 0)[0]


def import_records(*, by: User | None, records: list[dict], source: str) -> ImportOutcome:
    """Write checked records in one transaction (all or nothing) and record one audit event."""
    outcome = ImportOutcome()
    localities = localities_by_name()
    try:
        terms.ensure_taxonomies()
        for record in records:
            existing = db.session.get(Service, record["id"])
            if existing is not None:
                stored = current_record(existing)
                if "last_modified" not in record:
                    stored.pop("last_modified", None)
                if stored == record:
                    outcome.unchanged += 1
                    continue
            write_service(record, localities=localities)
            if existing is None:
                outcome.created += 1
            else:
                outcome.updated += 1
            outcome.names.append(record["name"])
        audit.record(by=by, action="directory.import", subject_type="directory", subject_id=source[:60],
                     detail=str(outcome))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return outcome


def import_file(*, by: User | None, filename: str, content: bytes) -> ImportOutcome:
    """Check the whole file, then write it: the one entry point for the CLI and the upload page."""
    records = read_file(filename=filename, content=content)
    return import_records(by=by, records=records, source=filename)
