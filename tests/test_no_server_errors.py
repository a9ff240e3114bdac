"""No input gives a server error: ids, pages, dates, periods and uploads outside what the app
can hold are refused with a 404 or a clear error, and nothing changes (issue 12, finding 8).

The explicit cases run on SQLite and PostgreSQL (PostgreSQL refuses integers beyond 2^63 - 1
where SQLite quietly compares them); the fuzz tests run on SQLite only, to stay quick.
"""
from __future__ import annotations

import io
import json
import os
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField

from app.converters import MAX_ID, whole_number
from app.extensions import db
from app.fields import DateInputField
from app.models import Activity, Referral
from app.models.directory import Service
from app.security import ACCESS_ATTRIBUTE, Role
from tests import factories
from tests.conftest import SignIn

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
                                  f"/people/{BEYOND_BIGINT}", f"/people/1/goals/{BEYOND_BIGINT}",
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


# --- fuzz: every GET rule, every form, every upload, as every role ------------------------------
# Hypothesis draws the rule, the role, the values and the query; any 5xx (or an exception, which
# the test app lets through instead of the 500 page) fails with the request that caused it.

ROLES = ("anonymous", Role.ADMIN, Role.MANAGER, Role.LINK_OFFICER, Role.GP_PRACTICE, Role.COMMISSIONER)
# Signing out, or ending every session, would leave the rest of the run anonymous.
SKIPPED_ENDPOINTS = re.compile(r"static|assets|logout|sign_out|signout|everywhere")
QUERY_NAMES = ("page", "per_page", "period", "from", "to", "start", "end", "officer", "practice", "locality",
               "status", "search", "q", "taxonomy_term_id", "taxonomy_id", "meeting", "kind", "service_id", "area",
               "need", "sector", "open_now", "review", "person", "user", "action", "next",
               "since-day", "since-month", "since-year", "until-day", "until-month", "until-year")
HOSTILE = ["", " ", "0", "-1", "1", "2", "3", str(2 ** 31), str(2 ** 63), "9" * 25, "1" + "0" * 23, "-" + "9" * 30,
           "²", "\u0663", "1e309", "NaN", "Infinity", "1.5", "0x10", "2025-02-30", "9999-12-31", "0001-01-01",
           "9999-00", "0000-01", "2024-25", "99999999999999999999", "all", "<script>alert(1)</script>",
           "\u202egnp.exe", "\U0001f642" * 5, "\x01\x1f\x7f", "'; DROP TABLE referral; --", "%", "_", "..",
           "javascript:alert(1)", "a" * 5000]
_SAFE_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(_SAFE_CHARACTERS, max_size=40),
                   st.integers(-(2 ** 70), 2 ** 70).map(str))
FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@pytest.fixture
def world(app):
    """A few records of every kind, so that drawn ids 1, 2 and 3 often exist, and one signed-in
    client per role (SQLite only: the fuzz is about the code, the explicit cases cover PostgreSQL)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") and not os.environ.get("FUZZ_POSTGRES"):
        pytest.skip("the fuzz runs on SQLite (FUZZ_POSTGRES=1 runs it here too); the explicit cases run on both")

    factories.user(Role.LINK_OFFICER)  # user 1: the one id-1 admin actions (deactivate, reset) act on
    officer = factories.user(Role.LINK_OFFICER)
    services = [factories.directory_service(f"Service {n}") for n in range(3)]
    for index in range(3):
        episode = factories.episode(officer, referral_=factories.referral(nhs=factories.nhs_number(90 + index)))
        factories.activity(episode.person, date(2025, 3, index + 1))
    clients = {"anonymous": app.test_client()}
    for role in ROLES[1:]:
        clients[role] = app.test_client()
        user = officer if role is Role.LINK_OFFICER else factories.user(role)
        SignIn(clients[role]).as_user(user)
    return clients, [service.id for service in services]


def _rules(app, method: str) -> list[tuple]:
    """(rule, the roles it admits, anonymous among them when it is public), for every rule with `method`."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if method in rule.methods and not SKIPPED_ENDPOINTS.search(rule.endpoint):
            declared = getattr(app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE, None)
            roles = [role for role in ROLES[1:] if role in declared] if isinstance(declared, frozenset) else []
            found.append((rule, roles or list(ROLES)))
    return found


def _role(draw, admitted: list):
    """Mostly a role the rule admits, so the view itself runs; sometimes any role at all."""
    return draw(st.one_of(st.sampled_from(admitted), st.sampled_from(ROLES)))


def _path(rule, draw, service_ids) -> str:
    ids = st.one_of(st.sampled_from(["1", "2", "3"]), st.sampled_from(HOSTILE), VALUES, st.sampled_from(service_ids))

    def value(match):
        text = draw(ids)
        return quote(text, safe="") if text else "x"

    return re.sub(r"<(?:[^:<>]+:)?[^<>]+>", value, rule.rule)


def _fill(rule, number: str, text: str) -> str:
    """The rule's path with `number` for each whole-number variable and `text` for the others."""
    return re.sub(r"<(?:([^:<>]+):)?[^<>]+>",
                  lambda m: quote(number if m.group(1) == "int" else text, safe="") or "x", rule.rule)


def _query(draw) -> str:
    names = draw(st.lists(st.sampled_from(QUERY_NAMES), max_size=6, unique=True))
    return urlencode({name: draw(VALUES) for name in names})


def _checked(response, method: str, url: str, role) -> None:
    assert response.status_code < 500, f"{method} {url[:300]} as {role} gave {response.status_code}"


def _send(client, method: str, url: str, role, **kwargs):
    try:
        response = client.open(url, method=method, **kwargs)
    except Exception as error:  # the test app raises what a server would turn into a 500
        raise AssertionError(f"{method} {url[:300]} as {role} raised {error!r}") from error
    _checked(response, method, url, role)
    return response


def test_every_page_as_each_role_it_admits_with_hostile_ids_and_queries_gives_no_server_error(app, world):
    """Not left to chance: each GET rule, as each role it admits, with real ids and with hostile ones."""
    clients, service_ids = world
    for number, (rule, admitted) in enumerate(_rules(app, "GET")):
        hostile = HOSTILE[number % len(HOSTILE)]
        query = urlencode({name: HOSTILE[(number + i) % len(HOSTILE)] for i, name in enumerate(QUERY_NAMES)})
        for role in admitted:
            _send(clients[role], "GET", f"{_fill(rule, '1', service_ids[0])}?{query}", role)
            _send(clients[role], "GET", _fill(rule, str(2 ** 63), hostile), role)
            _send(clients[role], "GET", _fill(rule, hostile, str(2 ** 63)), role)


def test_fuzz_every_page_as_every_role_never_gives_a_server_error(app, world):
    clients, service_ids = world
    rules = _rules(app, "GET")

    @FUZZ
    @given(st.data())
    def check(data):
        rule, admitted = data.draw(st.sampled_from(rules))
        role = _role(data.draw, admitted)
        url = _path(rule, data.draw, service_ids)
        query = _query(data.draw)
        _send(clients[role], "GET", f"{url}?{query}" if query else url, role)

    check()


def _form_fields() -> dict[str, list[str]]:
    """Every field name of every form in the app (date fields as their three boxes), with the values
    its choices allow, so that drawn posts sometimes pass the form and reach the services."""
    classes, seen = [FlaskForm], {}
    while classes:
        cls = classes.pop()
        classes += cls.__subclasses__()
        for name, unbound in vars(cls).items():
            if not isinstance(unbound, UnboundField):
                continue
            if issubclass(unbound.field_class, DateInputField):
                for part, example in (("day", "7"), ("month", "3"), ("year", "2025")):
                    seen.setdefault(f"{name}-{part}", []).append(example)
                continue
            choices = unbound.kwargs.get("choices") or []
            seen.setdefault(name, []).extend(str(c[0] if isinstance(c, tuple) else c) for c in choices
                                             if not callable(choices))
    return seen


def test_every_form_as_each_role_it_admits_with_hostile_values_gives_no_server_error(app, world, no_csrf):
    """Not left to chance: each POST rule, as each role it admits, with every known field hostile,
    and once with values the forms accept, so the services behind them run too."""
    clients, service_ids = world
    fields = _form_fields()
    names = sorted(fields)
    plausible = {name: (fields[name] or ["1"])[0] for name in names}
    for number, (rule, admitted) in enumerate(_rules(app, "POST")):
        for role in admitted:
            form = {name: HOSTILE[(number + i) % len(HOSTILE)] for i, name in enumerate(names)}
            _send(clients[role], "POST", _fill(rule, "1", service_ids[0]), role, data=form)
            _send(clients[role], "POST", _fill(rule, str(2 ** 63), "\u0663"), role, data=plausible)
            _send(clients[role], "POST", _fill(rule, "1", service_ids[0]), role, data=plausible)


class _FormReader(HTMLParser):
    """The fields of the first form posting to the page, with what the page puts in them."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                self.fields.setdefault(name, attrs.get("value") or "y")
            else:
                self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            self.fields.setdefault(self._select, attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _plausible(name: str, value: str) -> str:
    """A value the form is likely to accept, so that one hostile field at a time reaches the service."""
    if value:
        return value
    for hint, example in (("nhs", factories.nhs_number(7)), ("postcode", "DY1 1AA"), ("email", "a@example.nhs.uk"),
                          ("phone", "01384 000000"), ("-day", "7"), ("-month", "3"), ("-year", "2025"),
                          ("url", "https://example.org"), ("time", "10:00"), ("schedule", "TU 10:00-12:00"),
                          ("password", "a long pass phrase 42"), ("minutes", "30"), ("cost", "Free"), ("score", "3")):
        if hint in name:
            return example
    return "Plain words"


def test_every_form_field_alone_hostile_as_each_role_it_admits_gives_no_server_error(app, world, no_csrf):
    """Each form filled as a person would, then each field in turn given a hostile value, so that a
    value one check lets through (an empty access route, a huge date part) reaches what lies behind."""
    clients, service_ids = world
    for number, (rule, admitted) in enumerate(_rules(app, "POST")):
        if "GET" not in rule.methods:
            continue
        url = _fill(rule, "1", service_ids[0])
        for role in admitted[:1]:  # the other roles' forms are the same; the sweep above posts as each
            page = clients[role].get(url)
            if page.status_code != 200:
                continue
            reader = _FormReader()
            reader.feed(page.get_data(as_text=True))
            base = {name: _plausible(name, value) for name, value in reader.fields.items() if name != "csrf_token"}
            _send(clients[role], "POST", url, role, data=base)
            for index, name in enumerate(base):
                for hostile in ("", HOSTILE[(number + index) % len(HOSTILE)]):
                    _send(clients[role], "POST", url, role, data={**base, name: hostile})


def test_fuzz_every_form_as_every_role_never_gives_a_server_error(app, world, no_csrf):
    clients, service_ids = world
    rules = _rules(app, "POST")
    fields = _form_fields()
    names = sorted(fields)
    big = "\u00e9" * 100_000  # 200 kB once encoded

    @FUZZ
    @given(st.data())
    def check(data):
        rule, admitted = data.draw(st.sampled_from(rules))
        role = _role(data.draw, admitted)
        url = _path(rule, data.draw, service_ids)
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
        form = {name: data.draw(st.one_of(VALUES, st.sampled_from(fields[name] or ["1"]))) for name in chosen}
        if data.draw(st.booleans()):
            form[data.draw(st.sampled_from(chosen))] = big
        _send(clients[role], "POST", url, role, data=form)

    check()


def _csv_cell():
    return st.one_of(VALUES, st.sampled_from(["\"unclosed", "a\nb", "x" * (CSV_FIELD_LIMIT + 1), "\"\"\"", ";;;",
                                              "loneliness;debt", "TU 09:30-12:00", "3.50 per session"]))


def _hostile_file(draw, header: str) -> bytes:
    kind = draw(st.sampled_from(["csv", "json", "bytes", "nested"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "nested":
        depth = draw(st.sampled_from([33, 900, 5000, 100_000]))
        return ("[" * depth + "]" * depth).encode()
    if kind == "json":
        leaves = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 70), 2 ** 70), st.floats(allow_nan=False),
                           st.text(_SAFE_CHARACTERS, max_size=20), st.sampled_from(HOSTILE))
        payload = draw(st.recursive(leaves, lambda kids: st.lists(kids, max_size=4)
                                    | st.dictionaries(st.sampled_from(["id", "name", "status", "contents",
                                                                       "organization", "schedules", "interval",
                                                                       "minimum_age", "service_areas", "uri"]),
                                                      kids, max_size=5), max_leaves=25))
        return json.dumps(payload).encode()
    columns = header.count(",") + 1
    lines = [header] + [",".join(draw(st.lists(_csv_cell(), min_size=columns - 2, max_size=columns + 2)))
                        for _ in range(draw(st.integers(1, 3)))]
    return "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "utf-16", "latin-1"])), errors="replace")


def test_fuzz_hostile_uploads_never_give_a_server_error_and_change_nothing(app, world, no_csrf):
    clients, _ = world
    services_before, activity_before = _count(Service), _count(Activity)

    @FUZZ
    @given(st.data())
    def check(data):
        target, header, role = data.draw(st.sampled_from([
            ("/activity/", ACTIVITY_HEADER.strip(), Role.MANAGER), ("/activity/", ACTIVITY_HEADER.strip(), Role.GP_PRACTICE),
            ("/directory/import", DIRECTORY_HEADER.strip(), Role.MANAGER)]))
        content = _hostile_file(data.draw, header)
        filename = data.draw(st.sampled_from(["x.csv", "x.json", "x.txt", "\u202ex.csv"]))
        _send(clients[role], "POST", target, role, data={"file": (io.BytesIO(content), filename), "practice_id": "0"},
              content_type="multipart/form-data")

    check()
    assert (_count(Service), _count(Activity)) == (services_before, activity_before)
