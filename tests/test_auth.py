"""Signing in and out."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.security import Role
from tests import factories
from tests.conftest import csrf_token_from

GENERIC = "Enter a correct email address and password"


def _post_login(client, email, password):
    token = csrf_token_from(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.mark.parametrize("role,home", [
    (Role.ADMIN, "/admin/"),
    (Role.GP_PRACTICE, "/referrals/"),
    (Role.MANAGER, "/triage/"),
    (Role.LINK_OFFICER, "/caseload/"),
    (Role.COMMISSIONER, "/dashboard/"),
])
def test_each_role_lands_on_its_home_page(app, client, role, home):
    user = factories.user(role=role)
    response = _post_login(client, user.email, factories.PASSWORD)
    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith(home)


def test_email_is_matched_whatever_its_case(app, client):
    factories.user(role=Role.ADMIN, email="mixed@example.nhs.uk")
    response = _post_login(client, "  MIXED@Example.NHS.uk ", factories.PASSWORD)
    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith("/admin/")


def test_wrong_password_unknown_email_and_deactivated_account_get_the_same_message(app, client):
    active = factories.user(role=Role.MANAGER)
    inactive = factories.user(role=Role.MANAGER, active=False)
    answers = [
        _post_login(client, active.email, "not the password"),
        _post_login(client, "nobody@example.nhs.uk", factories.PASSWORD),
        _post_login(client, inactive.email, factories.PASSWORD),
    ]
    bodies = []
    for response in answers:
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert GENERIC in body
        bodies.append(body.replace(active.email, "").replace(inactive.email, "").replace("nobody@example.nhs.uk", ""))
    # Apart from the echoed email and the CSRF token, the three pages are the same.
    import re
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)
    assert strip(bodies[0]) == strip(bodies[1]) == strip(bodies[2])


def test_eleventh_rapid_wrong_password_is_throttled(app, client):
    user = factories.user(role=Role.MANAGER)
    statuses = [_post_login(client, user.email, f"wrong {n}").status_code for n in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_successful_sign_ins_do_not_count_towards_the_throttle(app, client):
    user = factories.user(role=Role.MANAGER)
    for _ in range(12):
        fresh = app.test_client()
        assert _post_login(fresh, user.email, factories.PASSWORD).status_code in (302, 303)


def test_deactivating_a_user_ends_their_session(app, client, sign_in):
    user = sign_in.as_role(Role.ADMIN)
    assert client.get("/admin/").status_code == 200
    user.active = False
    user.session_version += 1
    db.session.commit()
    response = client.get("/admin/")
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]


def test_sign_out_needs_a_post_with_token_and_ends_the_session(app, client, sign_in):
    sign_in.as_role(Role.ADMIN)
    token = csrf_token_from(client, "/admin/")
    assert client.post("/logout", data={"csrf_token": token}).status_code in (302, 303)
    assert client.get("/admin/").status_code in (302, 303)


def test_next_parameter_cannot_send_users_off_site(app, client):
    user = factories.user(role=Role.ADMIN)
    token = csrf_token_from(client, "/login")
    response = client.post("/login?next=https://evil.example/", data={
        "email": user.email, "password": factories.PASSWORD, "csrf_token": token})
    assert response.headers["Location"].endswith("/admin/")
