"""The Open Referral UK read API: every body validates against tests/standards/oruk/ (official schemas)."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from app.models.base import uk_today
from app.security import Role
from tests import factories

TAXONOMY_SCHEMA = {  # upstream schema/taxonomy.json (not among the compiled copies in tests/standards)
    "type": "object", "required": ["id", "name", "description"],
    "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"},
                   "description": {"type": "string"}, "uri": {"type": "string", "format": "uri"},
                   "version": {"type": "string"}}}

checker = FormatChecker()


@checker.checks("uri")
def _is_uri(value) -> bool:
    parts = urlparse(value)
    return bool(parts.scheme and parts.netloc)


@checker.checks("date-time", raises=ValueError)
def _is_datetime(value) -> bool:
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return "T" in value


STANDARDS = Path(__file__).parent / "standards"  # unchanged copies, source commit in its README


def _oruk_dir(app) -> Path:
    folder = STANDARDS / "oruk"
    assert folder.is_dir(), f"ORUK schemas missing from the repository at {folder}"  # never skip: the clone carries them
    return folder


class Schemas:
    def __init__(self, folder: Path):
        self.folder = folder
        openapi = json.loads((folder / "openapi.json").read_text())
        self.page = openapi["components"]["schemas"]["Page"]

    def load(self, name: str) -> dict:
        return json.loads((self.folder / name).read_text())

    def check(self, schema: dict, body) -> None:
        errors = sorted(Draft202012Validator(schema, format_checker=checker).iter_errors(body), key=str)
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])

    def check_page(self, body: dict, item_schema: dict) -> None:
        self.check(self.page, body)
        for key in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"):
            assert key in body, key
        for item in body["contents"]:
            self.check(item_schema, item)

    @property
    def term(self) -> dict:
        service = self.load("service.json")
        return service["properties"]["attributes"]["items"]["properties"]["taxonomy_term"]


@pytest.fixture
def schemas(app):
    return Schemas(_oruk_dir(app))


@pytest.fixture
def directory(app):
    """Two services in two localities, one with a venue, schedule, cost and phone."""
    stourbridge, halesowen = factories.locality("Stourbridge"), factories.locality("Halesowen")
    debt = factories.directory_service(
        "Money and debt advice", organisation="Stourbridge Citizens Advice", need_areas=("debt", "benefits"),
        localities=[stourbridge], schedule="MO,TH 10:00-12:00; 2TU 18:00-20:00", cost="Free",
        address_1="1 High Street", city="Stourbridge", postcode="DY8 1AA", url="https://example.org/debt",
        email="advice@example.org", access_routes=["self_referral", "drop_in"], who_it_is_for="Adults in Dudley")
    walking = factories.directory_service("Healthy walks", organisation="Halesowen Walkers", sector="community",
                                          need_areas=("physical_activity",), localities=[halesowen], phone="")
    return debt, walking


def test_api_root_names_version_profile_and_openapi(client, schemas):
    body = client.get("/openreferral/").get_json()
    assert body["version"] == "3.0"
    assert urlparse(body["profile"]).scheme == "https" and urlparse(body["openapi_url"]).scheme == "https"


def test_services_page_and_full_service_validate(client, schemas, directory):
    debt, walking = directory
    page = client.get("/openreferral/services").get_json()
    schemas.check_page(page, schemas.load("service_list.json"))
    assert [s["name"] for s in page["contents"]] == ["Healthy walks", "Money and debt advice"]
    assert (page["total_items"], page["total_pages"], page["first_page"], page["last_page"]) == (2, 1, True, True)

    full = client.get(f"/openreferral/services/{debt.id}").get_json()
    schemas.check(schemas.load("service.json"), full)
    assert full["organization"]["name"] == "Stourbridge Citizens Advice"
    assert {s["byday"] for s in full["schedules"]} == {"MO,TH", "2TU"}
    assert full["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "DY8 1AA"
    assert full["contacts"][0]["phones"][0]["number"] == "01384 000111"
    assert [a["name"] for a in full["service_areas"]] == ["Stourbridge"]
    names = {a["taxonomy_term"]["name"] for a in full["attributes"]}
    assert {"Debt and money", "Benefits and entitlements", "Self-referral", "Drop-in"} <= names


def test_paging_splits_results_and_reports_position(client, schemas, directory):
    for n in range(3):
        factories.directory_service(f"Warm space {n}", organisation="Warm Spaces Network", need_areas=("heating",))
    second = client.get("/openreferral/services?per_page=2&page=2").get_json()
    schemas.check_page(second, schemas.load("service_list.json"))
    assert (second["total_items"], second["total_pages"], second["page_number"], second["size"]) == (5, 3, 2, 2)
    assert (second["first_page"], second["last_page"], second["empty"]) == (False, False, False)
    beyond = client.get("/openreferral/services?per_page=2&page=9").get_json()
    assert beyond["contents"] == [] and beyond["size"] == 0 and beyond["last_page"] is True


def test_search_and_taxonomy_term_filters(client, schemas, directory):
    debt, _ = directory
    found = client.get("/openreferral/services?search=debt").get_json()
    assert [s["id"] for s in found["contents"]] == [debt.id]
    from app.oruk.terms import NEED_AREAS

    term = NEED_AREAS.term_id("physical_activity")
    walking = client.get(f"/openreferral/services?taxonomy_term_id={term}").get_json()
    assert [s["name"] for s in walking["contents"]] == ["Healthy walks"]
    schemas.check_page(walking, schemas.load("service_list.json"))


def test_service_at_locations_validate(client, schemas, directory):
    debt, _ = directory
    page = client.get("/openreferral/service_at_locations").get_json()
    schemas.check_page(page, schemas.load("service_at_location_list.json"))
    assert page["total_items"] == 1  # only the debt service has a venue
    sal_id = page["contents"][0]["id"]
    full = client.get(f"/openreferral/service_at_locations/{sal_id}").get_json()
    schemas.check(schemas.load("service_at_location.json"), full)
    assert full["service"]["id"] == debt.id


def test_taxonomies_and_terms_validate(client, schemas, directory):
    taxonomies = client.get("/openreferral/taxonomies").get_json()
    schemas.check_page(taxonomies, TAXONOMY_SCHEMA)
    assert {t["name"] for t in taxonomies["contents"]} == {"Hearthlink need areas", "Hearthlink access routes",
                                                          "Hearthlink sectors"}
    one = client.get(f"/openreferral/taxonomies/{taxonomies['contents'][0]['id']}").get_json()
    schemas.check(TAXONOMY_SCHEMA, one)
    terms = client.get("/openreferral/taxonomy_terms?per_page=100").get_json()
    schemas.check_page(terms, schemas.term)
    assert terms["total_items"] == 17 + 4 + 6  # need areas, access routes, sectors
    term = client.get(f"/openreferral/taxonomy_terms/{terms['contents'][0]['id']}").get_json()
    schemas.check(schemas.term, term)


@pytest.mark.parametrize("path", ["services", "service_at_locations", "taxonomies", "taxonomy_terms"])
def test_unknown_ids_answer_404(client, path):
    assert client.get(f"/openreferral/{path}/3f7b145d-84af-42d7-8fae-eaca714b02b2").status_code == 404
    assert client.get(f"/openreferral/{path}/not-a-uuid").status_code == 404


def test_bad_paging_is_a_400_in_json(client):
    response = client.get("/openreferral/services?page=zero")
    assert response.status_code == 400 and response.get_json()["status"] == 400


def test_api_is_public_but_never_carries_a_person(client, app, directory):
    officer = factories.user(Role.LINK_OFFICER)
    episode = factories.episode(officer)
    person = episode.person
    bodies = "".join(client.get(url).get_data(as_text=True) for url in (
        "/openreferral/services?per_page=200", f"/openreferral/services/{directory[0].id}",
        "/openreferral/service_at_locations", "/openreferral/taxonomy_terms?per_page=200"))
    for personal in (person.nhs_number, person.family_name, person.postcode, officer.email):
        assert personal not in bodies


def test_api_is_rate_limited(client, app, directory):
    app.config["OPENREFERRAL_RATE_LIMIT"] = "3 per minute"
    statuses = [client.get("/openreferral/services").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_stale_and_checked_dates_are_published_as_assured_date(client, directory):
    debt, _ = directory
    body = client.get(f"/openreferral/services/{debt.id}").get_json()
    assert body["assured_date"] == uk_today().isoformat()


def test_demo_directory_answers_valid_bodies(app, client, schemas):
    import random

    from faker import Faker

    from seed import directory
    from seed.demo import DemoSummary, load_organisation

    rng, fake = random.Random(2014), Faker("en_GB")
    fake.seed_instance(2014)
    summary = DemoSummary()
    world = load_organisation(rng, fake, summary)
    directory.load(rng=rng, fake=fake, world=world, people=0, summary=summary)
    page = client.get("/openreferral/services?per_page=200").get_json()
    schemas.check_page(page, schemas.load("service_list.json"))
    assert 55 <= page["total_items"] <= 65
    full = schemas.load("service.json")
    for item in page["contents"]:
        schemas.check(full, client.get(f"/openreferral/services/{item['id']}").get_json())
    sals = client.get("/openreferral/service_at_locations?per_page=200").get_json()
    schemas.check_page(sals, schemas.load("service_at_location_list.json"))
    assert sum(s.is_stale() for s in world["services"]) >= 3
