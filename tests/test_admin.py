"""The admin area: localities, practices and accounts."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Practice, User
from app.security import Role
from tests import factories
from tests.conftest import csrf_token_from


def test_admin_adds_a_practice_and_a_bad_ods_code_keeps_what_was_typed(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.ADMIN)
    locality = factories.locality("Stourbridge")
    bad = client.post("/admin/practices/new", data={"ods_code": "12", "name": "Lye Surgery", "locality_id": locality.id})
    body = bad.get_data(as_text=True)
    assert "one letter and five digits" in body and 'value="Lye Surgery"' in body
    good = client.post("/admin/practices/new", data={"ods_code": "m83001", "name": "Lye Surgery", "locality_id": locality.id})
    assert good.status_code == 303
    assert db.session.scalar(select(Practice.ods_code)) == "M83001"


def test_admin_renames_a_locality_but_not_onto_another(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.ADMIN)
    first, second = factories.locality("Dudley North"), factories.locality("Halesowen")
    clash = client.post(f"/admin/localities/{first.id}", data={"name": "halesowen"})
    assert "already exists" in clash.get_data(as_text=True)
    client.post(f"/admin/localities/{first.id}", data={"name": "Dudley Central"})
    db.session.refresh(first)
    assert first.name == "Dudley Central" and second.name == "Halesowen"


def test_admin_creates_a_practice_user_who_can_then_sign_in(app, client, sign_in, no_csrf):
    practice = factories.practice()
    sign_in.as_role(Role.ADMIN)
    missing = client.post("/admin/users/new", data={"name": "Rita", "email": "rita@example.nhs.uk",
                                                    "role": "gp_practice", "practice_id": "0", "locality_id": "0",
                                                    "password": "a long enough password"})
    assert "A GP practice user needs a practice" in missing.get_data(as_text=True)
    created = client.post("/admin/users/new", data={"name": "Rita", "email": "rita@example.nhs.uk",
                                                    "role": "gp_practice", "practice_id": practice.id,
                                                    "locality_id": "0", "password": "a long enough password"})
    assert created.status_code == 303
    rita = db.session.scalar(select(User).where(User.email == "rita@example.nhs.uk"))
    assert rita.practice_id == practice.id and rita.check_password("a long enough password")


def test_a_deactivated_user_cannot_sign_in_and_a_reactivated_one_can(app, client, sign_in, no_csrf):
    officer = factories.user(Role.LINK_OFFICER)
    sign_in.as_role(Role.ADMIN)
    client.post(f"/admin/users/{officer.id}/active")
    db.session.refresh(officer)
    assert officer.active is False
    other = app.test_client()
    token = csrf_token_from(other, "/login")
    app.config["WTF_CSRF_ENABLED"] = True
    refused = other.post("/login", data={"email": officer.email, "password": factories.PASSWORD, "csrf_token": token})
    assert refused.status_code == 200 and "Enter a correct email address and password" in refused.get_data(as_text=True)
    app.config["WTF_CSRF_ENABLED"] = False
    client.post(f"/admin/users/{officer.id}/active")
    db.session.refresh(officer)
    assert officer.active is True


def test_admin_cannot_deactivate_themselves(app, client, sign_in, no_csrf):
    admin = sign_in.as_role(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}/active", follow_redirects=True)
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_a_password_reset_signs_the_user_out_everywhere(app, sign_in, no_csrf):
    officer = factories.user(Role.LINK_OFFICER)
    officer_client = app.test_client()
    from tests.conftest import SignIn
    app.config["WTF_CSRF_ENABLED"] = True
    SignIn(officer_client).as_user(officer)
    app.config["WTF_CSRF_ENABLED"] = False
    assert officer_client.get("/caseload/").status_code != 302
    admin_client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = True
    SignIn(admin_client).as_role(Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = False
    short = admin_client.post(f"/admin/users/{officer.id}/password", data={"password": "short"})
    assert "Password must be 12 characters or more" in short.get_data(as_text=True)
    admin_client.post(f"/admin/users/{officer.id}/password", data={"password": "a brand new password"})
    response = officer_client.get("/caseload/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.refresh(officer)
    assert officer.check_password("a brand new password")


def test_the_user_list_breaks_an_email_address_after_its_at_sign_and_escapes_both_parts(app, client, sign_in):
    """The address sits under the name; its domain is a box of its own (the stylesheet), so a narrow
    column breaks the address after its @ first and a desktop keeps it on one line."""
    factories.user(Role.LINK_OFFICER, name="Siobhan O'Brien", email="o'brien.<b>@hearthlink.example")
    sign_in.as_role(Role.ADMIN)
    page = client.get("/admin/").get_data(as_text=True)
    cell = page[page.index("Siobhan O&#39;Brien"):]
    cell = cell[:cell.index("</td>")]
    assert ('<span>o&#39;brien.&lt;b&gt;@<span class="hl-email__domain">hearthlink.example</span></span>'
            in cell)
    assert "<wbr>" not in page  # it let the address break on a desktop too
