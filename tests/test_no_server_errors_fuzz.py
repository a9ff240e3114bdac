"""No input gives a server error, proved by walking the app: every GET rule and every form, as every
role, with hostile ids, queries and values, and hostile upload files (issue 12, finding 8).

Deterministic sweeps make sure each rule is tried as each role it admits; Hypothesis adds random
combinations on top. They run on SQLite (FUZZ_POSTGRES=1 runs them on PostgreSQL too); the
explicit cases in test_no_server_errors.py run on both databases.
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
from wtforms.fields.core import UnboundField

from app.fields import DateInputField
from app.models import Activity
from app.models.directory import Service
from app.security import ACCESS_ATTRIBUTE, Role
from tests import factories
from tests.conftest import SignIn
from tests.test_no_server_errors import ACTIVITY_HEADER, CSV_FIELD_LIMIT, DIRECTORY_HEADER, _count

# Any 5xx fails, and so does an exception (the test app lets it through instead of the 500 page),
# naming the request that caused it.

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
