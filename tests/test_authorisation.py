"""Deny by default: walk every URL rule and prove who is refused."""
from __future__ import annotations

import pytest
from werkzeug.routing.converters import NumberConverter

from app.security import API_TOKEN, PUBLIC, Role, declared_access

PUBLIC_PREFIXES = ("/login", "/healthz", "/openreferral", "/accessibility", "/fhir/metadata")


def _is_static(rule) -> bool:
    return rule.endpoint == "static" or rule.endpoint.endswith(".static")


def _concrete_url(rule) -> str:
    values = {}
    for name in rule.arguments:
        values[name] = 1 if isinstance(rule._converters[name], NumberConverter) else "x"  # app.converters.IdConverter included
    url = rule.build(values, append_unknown=False)[1]
    return url


def _method(rule) -> str:
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if not _is_static(rule)]


def test_every_view_declares_who_may_use_it(app):
    undeclared = [rule.endpoint for rule in _rules(app)
                  if declared_access(app.view_functions[rule.endpoint]) is None]
    assert undeclared == []


def test_only_sign_in_health_open_data_and_the_accessibility_statement_are_public(app):
    public_rules = {rule.rule for rule in _rules(app)
                    if declared_access(app.view_functions[rule.endpoint]) == PUBLIC}
    assert public_rules, "expected /login and /healthz to be public"
    assert all(rule.startswith(PUBLIC_PREFIXES) for rule in public_rules), public_rules


def test_anonymous_users_are_sent_to_sign_in_from_every_other_page(app, client, no_csrf):
    checked = 0
    for rule in _rules(app):
        if declared_access(app.view_functions[rule.endpoint]) in (PUBLIC, API_TOKEN):
            continue
        response = client.open(_concrete_url(rule), method=_method(rule))
        assert response.status_code in (302, 303), f"{rule.rule} answered {response.status_code}"
        assert "/login" in response.headers["Location"], rule.rule
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_every_area_of_the_others(app, client, sign_in, no_csrf, role):
    sign_in.as_role(role)
    refused = 0
    for rule in _rules(app):
        allowed = declared_access(app.view_functions[rule.endpoint])
        if allowed in (PUBLIC, API_TOKEN) or role in allowed:
            continue
        response = client.open(_concrete_url(rule), method=_method(rule))
        assert response.status_code in (403, 404), f"{role} got {response.status_code} from {rule.rule}"
        refused += 1
    if role is not Role.ADMIN:
        assert refused >= 5, f"{role} was refused only {refused} pages"


def test_token_views_answer_401_to_anonymous_users_and_to_every_staff_session(app, client, sign_in, no_csrf):
    """The FHIR API takes a bearer token only: a staff cookie opens nothing there (and so it needs
    no CSRF protection)."""
    token_rules = [rule for rule in _rules(app) if declared_access(app.view_functions[rule.endpoint]) == API_TOKEN]
    assert {rule.rule for rule in token_rules} >= {"/fhir/$process-message", "/fhir/ServiceRequest/<int:referral_id>"}
    for role in [None, *Role]:
        if role is not None:
            sign_in.as_role(role)
        for rule in token_rules:
            response = client.open(_concrete_url(rule), method=_method(rule))
            assert response.status_code == 401, f"{role} got {response.status_code} from {rule.rule}"
            assert response.mimetype == "application/fhir+json"
        if role is not None:
            sign_in.out()


CONTRACT_AREAS = {
    # URL: roles that may open it (CONTRACT.md §3); every other role is refused.
    "/admin/": {Role.ADMIN},
    "/caseload/": {Role.LINK_OFFICER, Role.MANAGER},
    "/visits/": {Role.MANAGER},
    "/safeguarding/": {Role.MANAGER},
    "/audit/": {Role.MANAGER},
    "/dashboard/": {Role.COMMISSIONER, Role.MANAGER},
    "/referrals/new": {Role.GP_PRACTICE},
    "/referrals/other-source": {Role.MANAGER},
    "/referrals/": {Role.GP_PRACTICE, Role.MANAGER},
    "/triage/": {Role.MANAGER},
    "/activity/": {Role.GP_PRACTICE, Role.MANAGER},
    "/directory/": set(Role),
}


@pytest.mark.parametrize("url,allowed", CONTRACT_AREAS.items())
def test_contract_pages_admit_exactly_their_roles(app, client, sign_in, url, allowed):
    for role in Role:
        sign_in.as_role(role)
        status = client.get(url).status_code
        if role in allowed:
            assert status == 200, f"{role} should open {url}"
        else:
            assert status == 403, f"{role} should be refused {url}, got {status}"
        sign_in.out()


def test_a_post_without_csrf_token_is_refused(app, client, sign_in):
    admin = sign_in.as_role(Role.ADMIN)
    response = client.post("/admin/localities/new", data={"name": "Sedgley"})
    assert response.status_code == 400
    assert "form had expired" in response.get_data(as_text=True)
    from app.models import Locality
    from app.extensions import db
    assert db.session.query(Locality).filter_by(name="Sedgley").count() == 0
    assert admin.active
