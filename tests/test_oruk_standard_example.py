"""Issue 14 item 6: the ORUK import takes what the standard allows. The standard's own example
service (tests/standards/oruk/examples/service_full.json, unchanged) imports; importing it again
changes nothing; files are validated against the official compiled schema, and every problem is
listed, not only the first."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models.directory import Organization, Service
from app.models.directory_places import Address, CostOption, Location, Schedule, ServiceArea, ServiceAtLocation
from app.models.directory_taxonomy import Attribute, Taxonomy, TaxonomyTerm
from app.oruk.schema_check import SCHEMA
from app.services import oruk_import

STANDARDS = Path(__file__).parent / "standards" / "oruk"
EXAMPLE = STANDARDS / "examples" / "service_full.json"
TABLES = (Service, Organization, ServiceAtLocation, Location, Address, Schedule, ServiceArea, CostOption,
          Attribute, TaxonomyTerm, Taxonomy)


def _example() -> dict:
    return json.loads(EXAMPLE.read_text())


def _counts() -> dict:
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) for model in TABLES}


def _import(record) -> oruk_import.ImportOutcome:
    return oruk_import.import_file(by=None, filename="service.json", content=json.dumps(record).encode())


def _problems(record) -> list[str]:
    try:
        _import(record)
    except oruk_import.ImportRejected as rejected:
        return [str(problem) for problem in rejected.problems]
    raise AssertionError("the file was accepted")


def test_the_runtime_schema_is_the_official_compiled_one():
    assert SCHEMA.read_bytes() == (STANDARDS / "service.json").read_bytes()


def test_the_standards_example_service_imports_with_its_nested_term(app):
    outcome = _import(_example())
    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 0, 0)
    service = db.session.get(Service, "ac148810-d857-441c-9679-408f346de14b")
    assert service.name == "Community Counselling"
    # the attribute had no taxonomy_term_id: the nested taxonomy_term.id is used
    attribute = db.session.get(Attribute, "ae58cc39-8b70-4ab1-8aea-786882e5ac8e")
    assert attribute.taxonomy_term_id == "3f7b145d-84af-42d7-8fae-eaca714b02b2"
    assert attribute.taxonomy_term.taxonomy.name == "taxonomy"
    schedule = db.session.scalars(select(Schedule).where(Schedule.id == "48102e86-bb50-41c4-8f1e-e269368c41d1")).one()
    assert (schedule.opens_at, schedule.closes_at) == ("10:00", "18:00")
    assert schedule.attending_type == "You can attend this service in-person or remotely via video conferencing"


def test_importing_the_standards_example_again_changes_nothing(app):
    _import(_example())
    before = _counts()
    outcome = _import(_example())
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 1)
    assert _counts() == before


def test_an_attribute_with_neither_term_id_nor_nested_term_is_named(app):
    record = _example()
    record["attributes"][0].pop("taxonomy_term")
    assert "Record 1, field attributes[0].taxonomy_term_id: is required when the attribute has no taxonomy_term " \
           "with an id" in _problems(record)
    assert _counts()["service"] == 0


def test_a_term_id_that_differs_from_the_nested_term_is_refused(app):
    record = _example()
    record["attributes"][0]["taxonomy_term_id"] = "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2"
    assert any("attributes[0].taxonomy_term.id: must equal" in p for p in _problems(record))


def test_the_official_schema_catches_what_our_own_checks_do_not_read(app):
    record = _example()
    record["languages"] = [{"name": "Welsh"}]         # the schema requires a language's id; we store no languages
    record["funding"] = [{"id": 7}]                    # and a funding id is a string
    problems = _problems(record)
    assert "Record 1, field languages[0].id: is required (ORUK schema)" in problems
    assert "Record 1, field funding[0].id: must be string (ORUK schema)" in problems


def test_every_problem_of_every_record_is_listed(app):
    first, second = _example(), copy.deepcopy(_example())
    first["status"] = "open"                           # not in the schema's enum
    first["email"] = "not an address"
    second["id"] = "8c5e7b5c-4d3f-4e0c-9a41-5ad1f1c33c11"
    second["organization"]["id"] = "bb0b5d6d-74f3-46a4-9c8e-5b0d1f6bd1d2"
    second.pop("name")
    for child in ("schedules", "service_areas", "service_at_locations", "cost_options", "contacts", "attributes"):
        second.pop(child)
    problems = _problems([first, second])
    fields = {(p.split(",")[0], p.split(",")[1].split(":")[0].strip()) for p in problems}
    assert ("Record 1", "field status") in fields
    assert ("Record 1", "field email") in fields
    assert ("Record 2", "field name") in fields
    assert len([p for p in problems if p.startswith("Record 2, field name")]) == 1  # named once, not by both checks
    assert _counts()["service"] == 0
