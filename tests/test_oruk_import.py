"""`flask import organisations FILE` and the upload page: ORUK JSON and CSV, all-or-nothing,
idempotent by ORUK id, every bad record named by position and field."""
from __future__ import annotations

import io
import json
import uuid

from sqlalchemy import delete, func, select

from app.extensions import db
from app.models.directory import Organization, Service, ServiceLocality, ServiceNeedArea
from app.models.directory_places import (Address, CostOption, Location, Phone, Schedule, ServiceArea,
                                         ServiceAtLocation, ServiceContact)
from app.models.directory_taxonomy import Attribute, DirectoryCorrection, Taxonomy, TaxonomyTerm
from app.security import Role
from tests import factories
from tests.test_openreferral import Schemas, _oruk_dir

FOREIGN_TERM = {"id": "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2", "name": "Mental health support",
                "description": "Services supporting mental wellbeing", "taxonomy": "Example council taxonomy",
                "taxonomy_id": "07ff6aee-a219-438c-b694-d2fcb6c5373b"}


def oruk_service(name: str, *, postcode: str = "DY1 1AA", need: str | None = None, **extra) -> dict:
    """A full ORUK 3.0 service as another directory would publish it."""
    sid, org, loc = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    attribute_id = str(uuid.uuid4())
    record = {
        "id": sid, "organization_id": org, "name": name, "status": "active", "description": f"{name} in Dudley",
        "organization": {"id": org, "name": f"{name} Trust", "description": "A local charity"},
        "service_at_locations": [{"id": str(uuid.uuid4()), "service_id": sid, "location_id": loc, "location": {
            "id": loc, "location_type": "physical", "name": "Community centre", "addresses": [{
                "id": str(uuid.uuid4()), "location_id": loc, "address_1": "2 Church Street", "city": "Dudley",
                "state_province": "West Midlands", "postal_code": postcode, "country": "GB",
                "address_type": "physical"}]}}],
        "schedules": [{"id": str(uuid.uuid4()), "service_id": sid, "freq": "WEEKLY", "byday": "WE",
                       "opens_at": "13:00", "closes_at": "15:00"}],
        "contacts": [{"id": (cid := str(uuid.uuid4())), "service_id": sid, "name": "Reception",
                      "phones": [{"id": str(uuid.uuid4()), "contact_id": cid, "number": "01384 222333"}]}],
        "cost_options": [{"id": str(uuid.uuid4()), "service_id": sid, "option": "Per session", "amount": 2.5}],
        "service_areas": [{"id": str(uuid.uuid4()), "service_id": sid, "name": "Brierley Hill"}],
        "attributes": [{"id": attribute_id, "link_id": sid, "link_type": "service",
                        "taxonomy_term_id": FOREIGN_TERM["id"], "taxonomy_term": FOREIGN_TERM}],
    }
    if need:
        from app.oruk.terms import NEED_AREAS, attribute_dict

        record["attributes"].append(attribute_dict(NEED_AREAS, need, sid))
    record.update(extra)
    return record


def _write(tmp_path, name: str, payload) -> str:
    path = tmp_path / name
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
    return str(path)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _export(client) -> list[dict]:
    ids = [s["id"] for s in client.get("/openreferral/services?per_page=200").get_json()["contents"]]
    return [client.get(f"/openreferral/services/{ident}").get_json() for ident in ids]


def _empty_directory() -> None:
    for model in (DirectoryCorrection, Attribute, Phone, ServiceContact, CostOption, ServiceArea, Schedule,
                  ServiceAtLocation, Address, Location, ServiceNeedArea, ServiceLocality, Service, Organization,
                  TaxonomyTerm, Taxonomy):
        db.session.execute(delete(model))
    db.session.commit()


def test_export_then_import_into_an_empty_directory_gives_the_same_directory(app, client, runner, tmp_path):
    stourbridge = factories.locality("Stourbridge")
    factories.directory_service("Money and debt advice", organisation="Citizens Advice", need_areas=("debt",),
                                localities=[stourbridge], schedule="MO,TH 10:00-12:00; -1FR 14:00-16:00",
                                cost="3.50 per session", address_1="1 High Street", city="Stourbridge",
                                postcode="DY8 1AA", access_routes=["formal_referral"], sector="social_enterprise")
    factories.directory_service("Carers' café", organisation="Carers Together", need_areas=("carer_support",),
                                sector="faith")
    assert "Imported 1 services: 1 new" in runner.invoke(
        args=["import", "organisations", _write(tmp_path, "one.json", oruk_service("Talking group"))]).output
    before = _export(client)
    assert len(before) == 3

    _empty_directory()
    assert _count(Service) == 0
    result = runner.invoke(args=["import", "organisations", _write(tmp_path, "export.json", before)])
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output
    assert _export(client) == before
    assert db.session.scalar(select(Service).where(Service.name == "Money and debt advice")).locality_names == ["Stourbridge"]


def test_importing_the_same_file_twice_leaves_one_copy(app, runner, tmp_path):
    path = _write(tmp_path, "services.json", [oruk_service("Walking group"), oruk_service("Food bank")])
    first = runner.invoke(args=["import", "organisations", path])
    second = runner.invoke(args=["import", "organisations", path])
    assert "2 new" in first.output
    assert "0 new, 0 updated, 2 unchanged" in second.output
    assert (_count(Service), _count(Organization), _count(Schedule), _count(Phone), _count(Attribute)) == (2, 2, 2, 2, 2)


def test_a_changed_record_updates_in_place_by_its_id(app, runner, tmp_path):
    service = oruk_service("Lunch club")
    runner.invoke(args=["import", "organisations", _write(tmp_path, "a.json", service)])
    service["name"] = "Friday lunch club"
    service["schedules"][0]["byday"] = "FR"
    result = runner.invoke(args=["import", "organisations", _write(tmp_path, "b.json", {"contents": [service],
                                                                                         "total_items": 1})])
    assert "0 new, 1 updated" in result.output
    stored = db.session.get(Service, service["id"])
    assert stored.name == "Friday lunch club" and [s.byday for s in stored.schedules] == ["FR"]
    assert _count(Service) == 1 and _count(Schedule) == 1


def test_one_bad_record_changes_nothing_and_names_the_record_and_field(app, runner, tmp_path):
    existing = factories.directory_service("Existing befriending")
    bad = oruk_service("Broken entry")
    del bad["service_at_locations"][0]["location"]["addresses"][0]["postal_code"]
    path = _write(tmp_path, "bad.json", [oruk_service("Good one"), bad, oruk_service("Good two")])
    result = runner.invoke(args=["import", "organisations", path])
    assert result.exit_code != 0
    assert "Record 2, field service_at_locations[0].location.addresses[0].postal_code: is required" in result.output
    assert "Nothing was imported" in result.output
    assert [s.name for s in db.session.scalars(select(Service))] == [existing.name]


def test_every_bad_record_is_reported(app, runner, tmp_path):
    first = oruk_service("Bad status", status="open")
    second = oruk_service("Bad email", email="not-an-email")
    third = oruk_service("Bad id", id="123")
    result = runner.invoke(args=["import", "organisations", _write(tmp_path, "bad.json", [first, second, third])])
    assert result.exit_code != 0
    assert "Record 1, field status: must be one of active" in result.output
    assert "Record 2, field email: must be an e-mail address" in result.output
    assert "Record 3, field id: must be a UUID" in result.output
    assert _count(Service) == 0


def test_a_service_id_twice_in_one_file_is_refused(app, runner, tmp_path):
    service = oruk_service("Twice")
    result = runner.invoke(args=["import", "organisations", _write(tmp_path, "twice.json", [service, service])])
    assert result.exit_code != 0 and "Record 2, field id" in result.output
    assert _count(Service) == 0


def test_not_oruk_json_is_refused_in_one_line(app, runner, tmp_path):
    result = runner.invoke(args=["import", "organisations", _write(tmp_path, "x.json", '{"hello": 1}')])
    assert result.exit_code != 0 and "expected a service, an array of services" in result.output
    missing = runner.invoke(args=["import", "organisations", str(tmp_path / "missing.json")])
    assert missing.exit_code != 0 and "no such file" in missing.output


CSV_HEADER = ("id,name,organisation_id,organisation_name,sector,need_areas,localities,how_to_get_in,phone,"
              "address_1,city,postcode,schedule,cost,last_checked\n")


def _csv_row(name: str, *, need: str = "debt", schedule: str = "TU 09:30-12:00", postcode: str = "DY5 1AA") -> str:
    return (f"{uuid.uuid4()},{name},{uuid.uuid4()},{name} Ltd,voluntary,{need},Brierley Hill,drop_in;self_referral,"
            f"01384 111222,3 Market Street,Brierley Hill,{postcode},{schedule},Free,2025-01-15\n")


def test_csv_import_creates_services_and_is_idempotent(app, runner, tmp_path):
    factories.locality("Brierley Hill")
    path = _write(tmp_path, "directory.csv", CSV_HEADER + _csv_row("Debt clinic") + _csv_row("Food pantry", need="food"))
    assert "2 new" in runner.invoke(args=["import", "organisations", path]).output
    assert "2 unchanged" in runner.invoke(args=["import", "organisations", path]).output
    clinic = db.session.scalar(select(Service).where(Service.name == "Debt clinic"))
    assert clinic.need_area_values == ["debt"] and clinic.locality_names == ["Brierley Hill"]
    assert [r.value for r in clinic.access_route_enums] == ["self_referral", "drop_in"]
    assert (clinic.schedules[0].byday, clinic.schedules[0].opens_at, clinic.phones[0].number) == ("TU", "09:30", "01384 111222")
    assert clinic.cost_options[0].amount == 0 and str(clinic.last_checked_on) == "2025-01-15"


def test_csv_bad_row_names_row_and_column_and_changes_nothing(app, runner, tmp_path):
    text = CSV_HEADER + _csv_row("Fine") + _csv_row("Wrong need", need="moneyy") + _csv_row("Bad time", schedule="Tuesday")
    result = runner.invoke(args=["import", "organisations", _write(tmp_path, "bad.csv", text)])
    assert result.exit_code != 0
    assert "Record 2, field need_areas: 'moneyy' is not a known need area" in result.output
    assert "Record 3, field schedule: 'Tuesday' should look like" in result.output
    assert _count(Service) == 0


def test_manager_uploads_a_file_through_the_page(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.MANAGER)
    payload = json.dumps([oruk_service("Uploaded walking group")]).encode()
    response = client.post("/directory/import", data={"file": (io.BytesIO(payload), "walks.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert [s.name for s in db.session.scalars(select(Service))] == ["Uploaded walking group"]


def test_upload_page_lists_every_problem_and_keeps_the_directory(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.MANAGER)
    bad = oruk_service("No name")
    bad["name"] = " "
    payload = json.dumps([oruk_service("Fine"), bad]).encode()
    page = client.post("/directory/import", data={"file": (io.BytesIO(payload), "bad.json")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Record 2, field name: is required and must not be blank" in page
    assert _count(Service) == 0


def test_link_officer_cannot_upload(app, client, sign_in):
    sign_in.as_role(Role.LINK_OFFICER)
    assert client.get("/directory/import").status_code == 403


def test_imported_file_answers_valid_api_bodies(app, client, runner, tmp_path):
    schemas = Schemas(_oruk_dir(app))
    runner.invoke(args=["import", "organisations",
                        _write(tmp_path, "f.json", [oruk_service("A", need="food"), oruk_service("B")])])
    page = client.get("/openreferral/services").get_json()
    schemas.check_page(page, schemas.load("service_list.json"))
    for item in page["contents"]:
        schemas.check(schemas.load("service.json"), client.get(f"/openreferral/services/{item['id']}").get_json())
    sals = client.get("/openreferral/service_at_locations").get_json()
    schemas.check_page(sals, schemas.load("service_at_location_list.json"))
    schemas.check(schemas.load("service_at_location.json"),
                  client.get(f"/openreferral/service_at_locations/{sals['contents'][0]['id']}").get_json())
    terms = client.get(f"/openreferral/taxonomy_terms/{FOREIGN_TERM['id']}").get_json()
    assert terms["name"] == "Mental health support"
    filtered = client.get(f"/openreferral/services?taxonomy_term_id={FOREIGN_TERM['id']}").get_json()
    assert filtered["total_items"] == 2
