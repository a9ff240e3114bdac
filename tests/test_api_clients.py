"""API clients (CONTRACT §5): `flask api-clients create/list/revoke`, the admin pages, and the
endpoint check. The token is printed once and stored only as its SHA-256."""
from __future__ import annotations

import hashlib
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent
from app.models.api_client import ApiClient
from app.security import Role
from app.services import api_clients
from app.services.errors import RuleBroken
from tests import factories
from tests.fhir_helpers import post, unsent_referral
from app.fhir.referral_bundle import referral_message


def _clients() -> int:
    return db.session.scalar(select(func.count()).select_from(ApiClient))


def test_create_prints_the_token_once_on_stdout_and_stores_only_its_hash(app, runner):
    factories.practice("M87001")
    result = runner.invoke(args=["api-clients", "create", "--name", "EMIS Web at Netherton", "--practice", "m87001",
                                 "--endpoint", "https://gp.example/fhir/"])
    assert result.exit_code == 0, result.output
    token = result.stdout.splitlines()[0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # secrets.token_urlsafe(32)
    client = db.session.scalars(select(ApiClient)).one()
    assert client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (client.practice.ods_code, client.endpoint) == ("M87001", "https://gp.example/fhir")
    assert api_clients.authenticate(token).id == client.id
    listed = runner.invoke(args=["api-clients", "list"])
    assert "EMIS Web at Netherton\tM87001\thttps://gp.example/fhir" in listed.output and token not in listed.output
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api_client.create")).one()
    assert token not in audit.detail


def test_create_refuses_an_unknown_practice_a_taken_name_and_a_bad_endpoint_changing_nothing(app, runner):
    factories.practice("M87001")
    runner.invoke(args=["api-clients", "create", "--name", "SystmOne", "--practice", "M87001"])
    for args, message in (
            (["--name", "Other", "--practice", "Z99999"], "No practice has the ODS code Z99999"),
            (["--name", "systmone", "--practice", "M87001"], "already exists"),
            (["--name", "Other", "--practice", "M87001", "--endpoint", "ftp://gp.example"], "https://"),
            (["--name", "Other", "--practice", "M87001", "--endpoint", "https://user:pw@gp.example"], "https://")):
        result = runner.invoke(args=["api-clients", "create", *args])
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    assert _clients() == 1


def test_revoke_stops_the_token_at_once(app, runner, client):
    practice = factories.practice("M87001")
    token = runner.invoke(args=["api-clients", "create", "--name", "EMIS", "--practice", "M87001"]).stdout.splitlines()[0]
    assert post(client, token, referral_message(unsent_referral(practice))).status_code == 201
    result = runner.invoke(args=["api-clients", "revoke", "--name", "EMIS"])
    assert result.exit_code == 0 and "Revoked API client EMIS" in result.output
    assert post(client, token, referral_message(unsent_referral(practice))).status_code == 401
    assert runner.invoke(args=["api-clients", "revoke", "--name", "EMIS"]).exit_code != 0
    assert runner.invoke(args=["api-clients", "revoke", "--name", "Nobody"]).exit_code != 0
    assert "revoked" in runner.invoke(args=["api-clients", "list"]).output


def test_the_admin_registers_a_client_sees_its_token_once_and_revokes_it(app, client, sign_in, no_csrf):
    factories.practice("M87001", name="Netherton Health Centre")
    sign_in.as_role(Role.ADMIN)
    assert "API clients" in client.get("/admin/").get_data(as_text=True)
    page = client.post("/admin/api-clients/new", data={"name": "EMIS Web", "practice": "M87001", "endpoint": ""})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = re.search(r'id="api-token">([^<]+)<', page.get_data(as_text=True)).group(1)
    stored = db.session.scalars(select(ApiClient)).one()
    assert api_clients.authenticate(token).id == stored.id
    listing = client.get("/admin/api-clients/").get_data(as_text=True)
    assert "EMIS Web" in listing and "Netherton Health Centre" in listing and token not in listing
    assert client.post(f"/admin/api-clients/{stored.id}/revoke").status_code == 303
    assert api_clients.authenticate(token) is None
    assert "Revoked" in client.get("/admin/api-clients/").get_data(as_text=True)


def test_the_register_form_keeps_what_was_typed_and_names_the_field(app, client, sign_in, no_csrf):
    factories.practice("M87001")
    sign_in.as_role(Role.ADMIN)
    page = client.post("/admin/api-clients/new", data={"name": "Integration engine", "practice": "M87001",
                                                       "endpoint": "gopher://x"}).get_data(as_text=True)
    assert "The endpoint must be an https:// address" in page
    assert 'value="Integration engine"' in page and 'value="gopher://x"' in page
    assert _clients() == 0


def test_other_roles_cannot_open_the_api_client_pages(app, client, sign_in):
    for role in (Role.MANAGER, Role.GP_PRACTICE, Role.COMMISSIONER, Role.LINK_OFFICER):
        sign_in.as_role(role)
        assert client.get("/admin/api-clients/").status_code == 403
        sign_in.out()


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=60), st.from_regex(r"(https?|ftp|javascript):[/]{0,2}[a-z0-9.@:]{0,20}(/[a-z]*)?",
                                                          fullmatch=True)),
       allow_http=st.booleans())
@example(text="http://@0", allow_http=True)  # found by hypothesis: an empty user before the host
@example(text="HTTP://0", allow_http=True)   # and a scheme in capitals
def test_an_endpoint_is_a_plain_web_address_or_refused(text, allow_http):
    try:
        endpoint = api_clients.check_endpoint(text, allow_http=allow_http)
    except RuleBroken as error:
        assert error.field == "endpoint"
        return
    if endpoint:
        assert endpoint.startswith("https://" if not allow_http else ("https://", "http://"))
        assert "@" not in endpoint.split("/")[2] and not endpoint.endswith("/")
    else:
        assert not text.strip().rstrip("/")
