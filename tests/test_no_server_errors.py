"""No input gives a server error: ids, pages, dates, periods and uploads outside what the app
can hold are refused with a 404 or a clear error, and nothing changes (issue 12, finding 8).

These explicit cases run on SQLite and PostgreSQL, which refuses what SQLite lets pass (an id
beyond 2^31 - 1, a text longer than its column, a NUL character). test_no_server_errors_fuzz.py
walks every page and form as every role.
"""
from __future__ import annotations

import io
import json

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.converters import MAX_ID, whole_number
from app.extensions import db
from app.fields import DateInputField
from app.models import Activity, Referral
from app.models.directory import Service
from app.security import Role
from tests import factories

BEYOND_BIGINT = str(2 ** 63)  # 9223372036854775808, one more than PostgreSQL's bigint holds
BEYOND_INTEGER = str(2 ** 31)  # 2147483648, one more than PostgreSQL's integer (every id column) holds
CSV_FIELD_LIMIT = 131_072  # Python's csv module refuses a longer field unless told otherwise
ACTIVITY_HEADER = "person_id,date,activity_type,count\n"
DIRECTORY_HEADER = ("id,name,organisation_id,organisation_name,sector,need_areas,localities,how_to_get_in,phone,"
                    "address_1,city,postcode,schedule,cost,description,url,email,status,last_checked\n")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _person(index: int = 1):
    return factories.episode(referral_=factories.referral(nhs=factories.nhs_number(index))).person


def _upload(client, path: str, content: bytes, filename: str, **data):
    return client.post(path, data={"file": (io.BytesIO(content), filename), **data},
                       content_type="multipart/form-data")


# --- ids and pages beyond what the database holds ----------------------------------------------

@pytest.mark.parametrize("path", [f"/referrals/{BEYOND_BIGINT}", f"/triage/{BEYOND_BIGINT}",
                                  f"/people/{BEYOND_BIGINT}", f"/people/1/goals/{BEYOND_BIGINT}", f"/people/1/risks/{BEYOND_BIGINT}/end",
                                  f"/people/1/safeguarding/{BEYOND_BIGINT}/close", "/people/1/risks/new",
                                  f"/referrals/{BEYOND_INTEGER}", f"/referrals/{'9' * 5000}", "/referrals/0",
                                  "/referrals/\u0663"])  # an Arabic-Indic three
def test_an_id_beyond_the_database_range_is_page_not_found(app, client, sign_in, path):
    sign_in.as_role(Role.MANAGER)
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_the_open_api_refuses_a_page_beyond_range_and_says_why(app, client):
    response = client.get(f"/openreferral/services?page={BEYOND_BIGINT}")
    assert response.status_code == 400
    assert "page must be a whole number from 1 to" in response.get_json()["detail"]


def test_a_manager_filtering_referrals_by_a_practice_id_beyond_range_sees_no_filter(app, client, sign_in):
    factories.referral(given_name="Winifred")
    sign_in.as_role(Role.MANAGER)
    response = client.get(f"/referrals/?practice={BEYOND_BIGINT}")
    assert response.status_code == 200 and "Winifred" in response.get_data(as_text=True)


def test_a_manager_opening_the_caseload_of_an_officer_id_beyond_range_gets_not_found(app, client, sign_in):
    sign_in.as_role(Role.MANAGER)
    assert client.get(f"/caseload/?officer={BEYOND_BIGINT}").status_code == 404


def test_an_audit_page_beyond_range_shows_the_first_page(app, client, sign_in):
    sign_in.as_role(Role.MANAGER)
    assert client.get(f"/audit/?page={BEYOND_BIGINT}").status_code == 200
    assert client.get(f"/directory/?page={BEYOND_BIGINT}").status_code == 200


# --- dates --------------------------------------------------------------------------------

def test_a_huge_date_part_is_a_form_error_and_no_referral_is_saved(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    response = client.post("/referrals/new", data={
        "date_of_birth-day": "99999999999999999999", "date_of_birth-month": "1", "date_of_birth-year": "1950"})
    assert response.status_code == 200
    assert "Date of birth must be a real date, like 27 3 1950" in response.get_data(as_text=True)
    assert _count(Referral) == 0


def test_a_year_after_2100_is_a_form_error_on_the_audit_search(app, client, sign_in):
    sign_in.as_role(Role.MANAGER)
    response = client.get("/audit/?until-day=31&until-month=12&until-year=9999")
    assert response.status_code == 200
    assert "Year must be between 1900 and 2100" in response.get_data(as_text=True)


@pytest.mark.parametrize("period", ["9999-00", "0000-01"])
def test_a_dashboard_period_outside_the_calendar_is_ignored(app, client, sign_in, period):
    sign_in.as_role(Role.COMMISSIONER)
    response = client.get(f"/dashboard/?period={period}")
    assert response.status_code == 200
    assert "All referrals" in response.get_data(as_text=True)


def test_the_demand_page_from_year_1_to_9999_says_which_years_it_can_show(app, client, sign_in):
    sign_in.as_role(Role.MANAGER)
    response = client.get("/directory/demand?start=0001-01-01&end=9999-12-31")
    assert response.status_code == 200
    assert "Year must be between 1900 and 2100" in response.get_data(as_text=True)


# --- uploads -----------------------------------------------------------------------------

def test_an_activity_cell_longer_than_the_csv_limit_is_a_row_error_and_nothing_is_imported(
        app, client, sign_in, no_csrf):
    person = _person()
    sign_in.as_role(Role.MANAGER)
    content = (ACTIVITY_HEADER + f"{person.nhs_number},2025-03-04,gp_surgery,1\n"
               + f"{person.nhs_number},2025-03-05,{'x' * (CSV_FIELD_LIMIT + 1)},1\n")
    response = _upload(client, "/activity/", content.encode(), "long.csv", practice_id="0")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing was imported" in page
    assert "row 3, column activity_type: the value is longer than 10,000 characters" in page
    assert _count(Activity) == 0


@pytest.mark.parametrize("count, problem", [("²", "is not a whole number of 1 or more"),
                                            ("1" + "0" * 23, "is more than 10,000; check the extract")])
def test_an_activity_count_that_is_not_a_sensible_whole_number_is_a_row_error(
        app, client, sign_in, no_csrf, count, problem):
    person = _person()
    sign_in.as_role(Role.MANAGER)
    content = ACTIVITY_HEADER + f"{person.nhs_number},2025-03-04,gp_surgery,{count}\n"
    page = _upload(client, "/activity/", content.encode(), "count.csv", practice_id="0").get_data(as_text=True)
    assert f"row 2, column count: &#39;{count}&#39; {problem}" in page
    assert _count(Activity) == 0


def test_a_directory_csv_cell_longer_than_the_csv_limit_is_refused_and_nothing_changes(
        app, client, sign_in, no_csrf):
    factories.directory_service("Lunch club")
    sign_in.as_role(Role.MANAGER)
    row = ",Debt clinic,,Citizens Advice,voluntary,debt,,," + "1" * (CSV_FIELD_LIMIT + 1) + ",,,,,,,,,active,\n"
    page = _upload(client, "/directory/import", (DIRECTORY_HEADER + row).encode(), "long.csv").get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "Record 1, field phone: is longer than 10,000 characters" in page
    assert [s.name for s in db.session.scalars(select(Service))] == ["Lunch club"]


def test_an_upload_over_20_mb_gets_the_file_too_large_page_and_nothing_changes(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.MANAGER)
    content = (ACTIVITY_HEADER + "9991234560,2025-03-04,gp_surgery,1\n" * 600_000).encode()  # about 21 MB
    response = _upload(client, "/activity/", content, "big.csv", practice_id="0")
    assert response.status_code == 413
    assert "Upload a file smaller than 20 MB" in response.get_data(as_text=True)
    assert _count(Activity) == 0


def test_deeply_nested_json_is_refused_clearly_and_nothing_changes(app, client, sign_in, no_csrf):
    factories.directory_service("Lunch club")
    sign_in.as_role(Role.MANAGER)
    payload = ("[" * 100_000 + "]" * 100_000).encode()
    page = _upload(client, "/directory/import", payload, "deep.json").get_data(as_text=True)
    assert "Nothing was imported" in page and "is nested too deeply" in page
    assert [s.name for s in db.session.scalars(select(Service))] == ["Lunch club"]


@pytest.mark.parametrize("field, value, problem", [
    ("name", "n" * 201, "Record 1, field name: is longer than 200 characters"),
    ("email", "a" * 250 + "@example.org", "Record 1, field email: is longer than 254 characters"),
    ("minimum_age", 10 ** 30, "larger than 2,147,483,647")])
def test_an_imported_value_longer_or_larger_than_the_database_holds_is_refused(
        app, client, sign_in, no_csrf, field, value, problem):
    from tests.test_oruk_import import oruk_service

    service = oruk_service("Walking group")
    service[field] = value
    sign_in.as_role(Role.MANAGER)
    page = _upload(client, "/directory/import", json.dumps([service]).encode(), "long.json").get_data(as_text=True)
    assert "Nothing was imported" in page and problem in page
    assert _count(Service) == 0


# --- forms -------------------------------------------------------------------------------

def test_a_nul_character_in_a_form_is_refused_and_nothing_is_saved(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    response = client.post("/referrals/new", data={"given_name": "Ada\x00", "family_name": "Lovelace"})
    assert response.status_code == 400
    assert "contains a character that cannot be stored" in response.get_data(as_text=True)
    assert _count(Referral) == 0


def test_a_nul_character_in_an_address_is_refused(app, client, sign_in):
    sign_in.as_role(Role.MANAGER)
    assert client.get("/directory/services/abc%00def").status_code == 400
    assert client.get("/openreferral/services/abc%00def").status_code == 400


def test_an_empty_access_route_on_the_service_form_is_a_form_error(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.MANAGER)
    form = {"name": "Warm space", "organisation_name": "St Mary's Church", "sector": "faith", "status": "active",
            "need_areas": ["heating"], "access_routes": [""]}
    response = client.post("/directory/services/new", data=form)
    assert response.status_code == 200
    assert "Choose how people get in from the list" in response.get_data(as_text=True)
    assert _count(Service) == 0


# --- the helpers, for any text at all ---------------------------------------------------------

def test_a_date_typed_in_three_boxes_is_a_date_from_1900_to_2100_or_an_error_never_an_exception(app):
    class VisitForm(FlaskForm):
        class Meta:
            csrf = False

        on = DateInputField("Visit date")

    parts = st.one_of(st.text(max_size=25), st.integers(-(2 ** 70), 2 ** 70).map(str),
                      st.sampled_from(["²", "٣", "99999999999999999999", "0", "1899", "2101", "2100", "1900"]))

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(parts, parts, parts)
    def check(day, month, year):
        with app.test_request_context():
            form = VisitForm(formdata=MultiDict({"on-day": day, "on-month": month, "on-year": year}))
            form.validate()
            assert (form.on.data is None) or (1900 <= form.on.data.year <= 2100 and not form.on.errors)
            if form.on.data is None and (day.strip() or month.strip() or year.strip()):
                assert form.on.errors

    check()


def test_a_whole_number_from_the_address_is_in_range_or_none_never_an_exception(app):
    @given(st.one_of(st.text(max_size=30), st.integers(-(2 ** 80), 2 ** 80).map(str),
                     st.sampled_from(["9" * 5000, "²", "٣", " 7 ", "-0", "0" * 40 + "5"])))
    def check(text):
        number = whole_number(text)
        assert number is None or 1 <= number <= MAX_ID
        digits = text.strip()
        if digits.isascii() and digits.isdigit() and len(digits) < 20 and 1 <= int(digits) <= MAX_ID:
            assert number == int(digits)

    check()
    assert (whole_number("2147483647"), whole_number("2147483648"), whole_number("0")) == (2 ** 31 - 1, None, None)
