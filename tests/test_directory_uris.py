"""Directory web addresses are http or https only (issue 12, finding 9): the add/edit form, the CSV
import and the ORUK JSON import refuse javascript:, data:, vbscript:, relative and scheme-less
addresses, naming the record and field and changing nothing; and the public Open Referral API
never republishes such an address already in the database."""
from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models.directory import Service
from app.models.directory_places import ServiceArea
from app.oruk.checks import uri_check
from app.security import Role
from tests import factories
from tests.test_oruk_import import FOREIGN_TERM, _write, oruk_service

HOSTILE = ["javascript:alert(1)", "javascript://example.org/%0Aalert(1)", "JaVaScRiPt:alert(1)",
           " javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
           "/relative/path", "www.example.org", "example.org", "https://", "http:///nohost", "ftp://example.org",
           "http://[::1"]
CSV_HEADER = "id,name,organisation_id,organisation_name,sector,need_areas,url\n"


@pytest.mark.parametrize("address", HOSTILE)
def test_only_web_addresses_pass_the_oruk_uri_check(address):
    assert uri_check(address) == "must be a web address starting with https:// or http://"


@pytest.mark.parametrize("address", ["https://www.dudley.gov.uk/", "http://example.org/a?b=c#d"])
def test_ordinary_web_addresses_pass(address):
    assert uri_check(address) is None


@given(st.text())
def test_the_uri_check_answers_every_string_without_raising(text):
    assert uri_check(text) in (None, "must be a web address starting with https:// or http://")


# --- the add/edit form ---------------------------------------------------------------------------

@pytest.mark.parametrize("address", ["javascript://example.org/%0Aalert(1)", "data:text/html,x", "www.example.org"])
def test_the_service_form_refuses_an_address_that_is_not_a_web_page(app, client, sign_in, no_csrf, address):
    sign_in.as_role(Role.MANAGER)
    form = {"name": "Warm space", "organisation_name": "St Mary's Church", "sector": "faith", "status": "active",
            "need_areas": ["heating"], "url": address}
    response = client.post("/directory/services/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a web address starting with https://" in page
    assert db.session.scalar(select(Service)) is None


def test_the_service_form_keeps_an_https_address(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.MANAGER)
    form = {"name": "Warm space", "organisation_name": "St Mary's Church", "sector": "faith", "status": "active",
            "need_areas": ["heating"], "url": "https://stmarys.example.org/warm"}
    assert client.post("/directory/services/new", data=form).status_code == 303
    assert db.session.scalar(select(Service)).url == "https://stmarys.example.org/warm"


# --- the CSV import ------------------------------------------------------------------------------

def test_a_csv_row_with_a_javascript_address_changes_nothing_and_is_named(app, runner, tmp_path):
    existing = factories.directory_service("Existing befriending")
    good = "6f1c2f52-6c55-4a3c-9d7e-0d2f1b1a0a01,Walking group,7a0c5f8e-1111-4b2a-9c3d-2e4f5a6b7c8d,Walkers,voluntary,,"
    bad = ("6f1c2f52-6c55-4a3c-9d7e-0d2f1b1a0a02,Chat club,7a0c5f8e-2222-4b2a-9c3d-2e4f5a6b7c8d,Chatters,voluntary,,"
           "javascript:alert(1)")
    path = _write(tmp_path, "directory.csv", CSV_HEADER + good + "\n" + bad + "\n")
    result = runner.invoke(args=["import", "organisations", path])
    assert result.exit_code != 0
    assert "Record 2, field url: must be a web address starting with https:// or http://" in result.output
    assert [s.name for s in db.session.scalars(select(Service))] == [existing.name]


# --- the ORUK JSON import ------------------------------------------------------------------------

@pytest.mark.parametrize("where, change", [
    ("url", lambda r: r.update(url="javascript:alert(1)")),
    ("organization.website", lambda r: r["organization"].update(website="vbscript:msgbox(1)")),
    ("service_areas[0].uri", lambda r: r["service_areas"][0].update(uri="javascript:alert(document.cookie)")),
    ("service_areas[0].uri", lambda r: r["service_areas"][0].update(uri="data:text/html,<b>x</b>")),
    ("service_areas[0].uri", lambda r: r["service_areas"][0].update(uri="/areas/brierley-hill")),
    ("attributes[0].taxonomy_term.term_uri", lambda r: r["attributes"][0].__setitem__(
        "taxonomy_term", FOREIGN_TERM | {"term_uri": "javascript:alert(1)"})),
])
def test_an_oruk_record_with_a_hostile_address_changes_nothing_and_is_named(app, runner, tmp_path, where, change):
    bad = oruk_service("Broken entry")
    change(bad)
    path = _write(tmp_path, "bad.json", [oruk_service("Good one"), bad])
    result = runner.invoke(args=["import", "organisations", path])
    assert result.exit_code != 0
    assert f"Record 2, field {where}: must be a web address starting with https:// or http://" in result.output
    assert db.session.scalar(select(Service)) is None


def test_a_service_area_with_a_web_address_is_imported(app, runner, tmp_path):
    record = oruk_service("Walking group")
    record["service_areas"][0]["uri"] = "https://mapit.mysociety.org/area/2530"
    assert runner.invoke(args=["import", "organisations", _write(tmp_path, "ok.json", record)]).exit_code == 0
    assert db.session.scalar(select(ServiceArea)).uri == "https://mapit.mysociety.org/area/2530"


def test_the_upload_page_refuses_a_javascript_service_area(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.MANAGER)
    bad = oruk_service("Broken entry")
    bad["service_areas"][0]["uri"] = "javascript:alert(1)"
    import json

    response = client.post("/directory/import", data={"file": (io.BytesIO(json.dumps(bad).encode()), "bad.json")},
                           content_type="multipart/form-data")
    assert "field service_areas[0].uri: must be a web address" in response.get_data(as_text=True)
    assert db.session.scalar(select(Service)) is None


# --- the public API, defence in depth ------------------------------------------------------------

def test_the_public_api_never_republishes_a_hostile_address_already_stored(app, client):
    service = factories.directory_service("Old entry")
    service.url = "javascript:alert(1)"
    service.organization.website = "data:text/html,x"
    db.session.add(ServiceArea(id="0c5a1e0e-8f0f-4c1e-9a51-6d7f4b1c2e3a", service_id=service.id, name="Somewhere",
                               uri="javascript:alert(2)"))
    db.session.add(ServiceArea(id="1c5a1e0e-8f0f-4c1e-9a51-6d7f4b1c2e3a", service_id=service.id, name="Elsewhere",
                               uri="https://example.org/area"))
    db.session.commit()
    body = client.get(f"/openreferral/services/{service.id}").get_data(as_text=True)
    assert "javascript:" not in body and "data:text" not in body
    assert "https://example.org/area" in body
    listing = client.get("/openreferral/services").get_data(as_text=True)
    assert "javascript:" not in listing and "data:text" not in listing


def test_the_service_page_never_links_to_a_hostile_address_already_stored(app, client, sign_in):
    service = factories.directory_service("Old entry")
    service.url = "javascript:alert(1)"
    db.session.commit()
    sign_in.as_role(Role.LINK_OFFICER.value)
    body = client.get(f"/directory/services/{service.id}").get_data(as_text=True)
    assert 'href="javascript:' not in body
    assert "javascript:alert(1)" in body  # still shown, as text, so someone can correct it
