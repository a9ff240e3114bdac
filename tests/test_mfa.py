"""Second factor for staff: enrolment, the code step, recovery codes, REQUIRE_MFA and admin reset."""
from __future__ import annotations

import re
import time
import types

import pyotp
import pytest
from sqlalchemy import select

from app import config
from app.auth import mfa
from app.extensions import db
from app.models import AuditEvent, User
from app.models.sign_in import RecoveryCode, SecondFactor
from app.security import API_TOKEN, PUBLIC, Role, declared_access
from tests import factories
from tests.conftest import csrf_token_from

LOCKED = "This account is locked because of too many wrong attempts"
WRONG_CODE = "The code is wrong or has already been used"


def enrolled(user: User) -> tuple[str, list[str]]:
    """Give a user a confirmed second factor, as the enrolment page does; returns secret and codes."""
    secret = mfa.enrolment_secret(user)
    return secret, mfa.confirm_enrolment(user=user, code=pyotp.TOTP(secret).now())


def next_code(secret: str) -> str:
    # Enrolment used this time-step's code; the next one is still inside the accepted window.
    return pyotp.TOTP(secret).at(int(time.time()) + 30)


def password_step(client, user, address="10.0.0.1", password=factories.PASSWORD):
    token = csrf_token_from(client, "/login")
    return client.post("/login", data={"email": user.email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def code_step(client, code, address="10.0.0.1", path="/login/code"):
    token = csrf_token_from(client, path)
    return client.post(path, data={"code": code, "csrf_token": token}, environ_base={"REMOTE_ADDR": address})


def sign_in_with_code(client, user, secret):
    assert password_step(client, user).headers["Location"].endswith("/login/code")
    response = code_step(client, next_code(secret))
    assert response.status_code == 303, "code step refused"
    return response


def setup_key(html: str) -> str:
    return re.search(r'id="setup-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")


def test_user_with_a_second_factor_is_asked_for_a_code_after_the_password(app, client):
    user = factories.user(role=Role.MANAGER)
    enrolled(user)
    response = password_step(client, user)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/login/code")
    page = client.get("/login/code").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page


def test_half_signed_in_user_can_open_no_protected_page(app, client):
    user = factories.user(role=Role.ADMIN)
    enrolled(user)
    password_step(client, user)
    checked = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if "GET" not in rule.methods or declared_access(view) in (PUBLIC, None):
            continue
        response = client.get(rule.build({name: 1 for name in rule.arguments})[1])
        if declared_access(view) == API_TOKEN:  # /fhir/: bearer tokens only, never a staff session
            assert response.status_code == 401, rule.rule
            continue
        assert response.status_code in (302, 303), rule.rule
        assert "/login" in response.headers["Location"], rule.rule
        checked += 1
    assert checked > 30


def test_right_code_completes_sign_in_and_is_audited(app, client):
    user = factories.user(role=Role.MANAGER)
    secret, _ = enrolled(user)
    response = sign_in_with_code(client, user, secret)
    assert response.headers["Location"].endswith("/triage/")
    assert client.get("/triage/").status_code == 200
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.sign_in",
                                                      AuditEvent.actor_id == user.id))


def test_the_page_asked_for_before_sign_in_is_opened_after_the_code(app, client):
    user = factories.user(role=Role.MANAGER)
    secret, _ = enrolled(user)
    token = csrf_token_from(client, "/login")
    client.post("/login?next=/triage/?tab=waiting", data={
        "email": user.email, "password": factories.PASSWORD, "csrf_token": token})
    assert code_step(client, next_code(secret)).headers["Location"].endswith("/triage/?tab=waiting")


def test_wrong_code_is_refused_and_signs_nobody_in(app, client):
    user = factories.user(role=Role.MANAGER)
    secret, _ = enrolled(user)
    password_step(client, user)
    wrong = f"{(int(next_code(secret)) + 1) % 1_000_000:06d}"
    response = code_step(client, wrong)
    assert response.status_code == 200
    assert WRONG_CODE in response.get_data(as_text=True)
    assert client.get("/triage/").status_code in (302, 303)


def test_a_code_cannot_be_used_twice(app, client):
    user = factories.user(role=Role.MANAGER)
    secret, _ = enrolled(user)
    code = next_code(secret)
    password_step(client, user)
    assert code_step(client, code).status_code == 303
    other = app.test_client()
    password_step(other, user)
    response = code_step(other, code)
    assert response.status_code == 200
    assert WRONG_CODE in response.get_data(as_text=True)


def test_recovery_code_signs_in_once_and_is_then_used_up(app, client):
    user = factories.user(role=Role.MANAGER)
    _, codes = enrolled(user)
    assert len(codes) == 10 and len(set(codes)) == 10
    password_step(client, user)
    assert code_step(client, codes[0].upper(), path="/login/recovery-code").status_code == 303
    assert "You have 9 left" in client.get("/triage/", follow_redirects=True).get_data(as_text=True)
    other = app.test_client()
    password_step(other, user)
    again = code_step(other, codes[0], path="/login/recovery-code")
    assert again.status_code == 200
    assert "The recovery code is wrong or has already been used" in again.get_data(as_text=True)
    assert code_step(other, codes[1], path="/login/recovery-code").status_code == 303
    used = db.session.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None))).all()
    assert len(used) == 2


def test_recovery_codes_are_stored_hashed(app, client):
    user = factories.user(role=Role.MANAGER)
    _, codes = enrolled(user)
    stored = {row.code_hash for row in db.session.scalars(select(RecoveryCode))}
    assert len(stored) == 10
    assert not stored & {code.replace("-", "") for code in codes}


def test_secret_is_stored_encrypted_with_a_key_from_secret_key(app, client):
    user = factories.user(role=Role.MANAGER)
    secret, _ = enrolled(user)
    factor = db.session.get(SecondFactor, user.id)
    assert secret.encode() not in factor.secret_encrypted
    app.config["SECRET_KEY"] = "a different secret key entirely"
    assert mfa._secret(factor) is None


def test_wrong_codes_lock_the_account_like_wrong_passwords(app, client):
    user = factories.user(role=Role.MANAGER)
    secret, _ = enrolled(user)
    wrong = f"{(int(next_code(secret)) + 1) % 1_000_000:06d}"
    password_step(client, user, address="10.0.0.1")
    answers = [code_step(client, wrong, address=f"10.0.1.{n}") for n in range(10)]
    assert all(WRONG_CODE in a.get_data(as_text=True) for a in answers[:9])
    assert LOCKED in answers[9].get_data(as_text=True)
    # Locked: even the right code is refused, and the password step says so from anywhere.
    assert client.get("/login/code").status_code == 303
    assert LOCKED in password_step(app.test_client(), user, address="10.0.2.1").get_data(as_text=True)


def test_right_password_does_not_clear_failed_codes(app, client):
    user = factories.user(role=Role.MANAGER)
    secret, _ = enrolled(user)
    wrong = f"{(int(next_code(secret)) + 1) % 1_000_000:06d}"
    password_step(client, user)
    for n in range(9):
        code_step(client, wrong, address=f"10.0.1.{n}")
    password_step(client, user, address="10.0.2.1")
    assert LOCKED in code_step(client, wrong, address="10.0.2.2").get_data(as_text=True)


def test_code_step_shares_the_per_address_limit_with_the_password_step(app, client):
    user = factories.user(role=Role.MANAGER)
    secret, _ = enrolled(user)
    wrong = f"{(int(next_code(secret)) + 1) % 1_000_000:06d}"
    for n in range(5):
        password_step(app.test_client(), factories.user(role=Role.MANAGER), password=f"wrong {n}")
    password_step(client, user)
    statuses = [code_step(client, wrong).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_pending_sign_in_expires_after_five_minutes(app, client, monkeypatch):
    user = factories.user(role=Role.MANAGER)
    secret, _ = enrolled(user)
    password_step(client, user)
    token = csrf_token_from(client, "/login/code")
    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr("app.auth.sign_in.time", types.SimpleNamespace(time=lambda: later))
    response = client.post("/login/code", data={"code": next_code(secret), "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/login")
    assert "Your sign-in timed out" in client.get("/login").get_data(as_text=True)
    assert client.get("/triage/").status_code in (302, 303)


def test_require_mfa_forces_enrolment_before_any_other_page(app, client):
    app.config["REQUIRE_MFA"] = True
    user = factories.user(role=Role.MANAGER)
    response = password_step(client, user)
    assert response.headers["Location"].endswith("/login/set-up-two-step")
    assert client.get("/triage/").status_code in (302, 303)
    page = client.get("/login/set-up-two-step").get_data(as_text=True)
    assert re.search(r'<img [^>]*src="data:image/png;base64,[^"]+"[^>]*alt="QR code', page)
    secret = setup_key(page)
    token = csrf_token_from(client, "/login/set-up-two-step")
    done = client.post("/login/set-up-two-step", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    body = done.get_data(as_text=True)
    assert done.headers["Cache-Control"] == "no-store"
    assert len(re.findall(r"<code>[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}</code>", body)) == 10
    assert client.get("/triage/").status_code == 200
    assert mfa.has_second_factor(user)


def test_wrong_code_at_enrolment_shows_the_same_key_again(app, client):
    app.config["REQUIRE_MFA"] = True
    user = factories.user(role=Role.MANAGER)
    password_step(client, user)
    secret = setup_key(client.get("/login/set-up-two-step").get_data(as_text=True))
    token = csrf_token_from(client, "/login/set-up-two-step")
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1_000_000:06d}"
    again = client.post("/login/set-up-two-step", data={"code": wrong, "csrf_token": token})
    assert "The code is wrong. Check the time on your phone" in again.get_data(as_text=True)
    assert setup_key(again.get_data(as_text=True)) == secret
    assert client.get("/triage/").status_code in (302, 303)


def test_signed_in_user_without_a_second_factor_is_sent_to_enrol_when_it_becomes_required(app, client, sign_in):
    sign_in.as_role(Role.MANAGER)
    app.config["REQUIRE_MFA"] = True
    response = client.get("/triage/")
    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith("/account/two-step/set-up")
    assert client.get("/account/two-step/set-up").status_code == 200


def test_user_can_turn_on_two_step_verification_from_their_account(app, client, sign_in):
    user = sign_in.as_role(Role.LINK_OFFICER)
    assert "Off" in client.get("/account/two-step").get_data(as_text=True)
    secret = setup_key(client.get("/account/two-step/set-up").get_data(as_text=True))
    token = csrf_token_from(client, "/account/two-step/set-up")
    response = client.post("/account/two-step/set-up", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert "Save your recovery codes" in response.get_data(as_text=True)
    page = client.get("/account/two-step").get_data(as_text=True)
    assert "On" in page and "10 of 10" in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.second_factor_on",
                                                      AuditEvent.subject_id == str(user.id)))


def test_admin_reset_removes_the_second_factor_ends_sessions_and_is_audited(app, client, sign_in):
    user = factories.user(role=Role.MANAGER)
    secret, _ = enrolled(user)
    their_browser = app.test_client()
    sign_in_with_code(their_browser, user, secret)
    admin = sign_in.as_role(Role.ADMIN)
    token = csrf_token_from(client, "/admin/")
    assert client.post(f"/admin/users/{user.id}/second-factor/reset", data={"csrf_token": token}).status_code == 303
    assert their_browser.get("/triage/").status_code in (302, 303)
    assert not mfa.has_second_factor(user)
    assert db.session.scalar(select(RecoveryCode)) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.reset_second_factor"))
    assert (event.actor_id, event.subject_id) == (admin.id, str(user.id))
    app.config["REQUIRE_MFA"] = True
    assert password_step(app.test_client(), user).headers["Location"].endswith("/login/set-up-two-step")


def test_admin_list_offers_a_reset_only_for_users_with_a_second_factor(app, client, sign_in):
    with_factor = factories.user(role=Role.MANAGER)
    enrolled(with_factor)
    factories.user(role=Role.MANAGER)
    sign_in.as_role(Role.ADMIN)
    page = client.get("/admin/").get_data(as_text=True)
    assert page.count("Two-step on") == 1
    assert page.count("Reset two-step verification") == 1
    assert f"/admin/users/{with_factor.id}/second-factor/reset" in page


def test_only_an_admin_can_reset_a_second_factor(app, client, sign_in):
    user = factories.user(role=Role.MANAGER)
    enrolled(user)
    sign_in.as_role(Role.MANAGER)
    token = csrf_token_from(client, "/triage/")
    assert client.post(f"/admin/users/{user.id}/second-factor/reset", data={"csrf_token": token}).status_code == 403
    assert mfa.has_second_factor(user)


@pytest.mark.parametrize("env,required", [
    ({}, False),
    ({"HEARTHLINK_ENV": "production"}, True),
    ({"HEARTHLINK_ENV": "production", "REQUIRE_MFA": "0"}, False),
    ({"REQUIRE_MFA": "1"}, True),
])
def test_require_mfa_is_on_by_default_only_in_production(env, required):
    production = {"SECRET_KEY": "k" * 64, "DATABASE_URL": "postgresql://db/hearthlink"}
    settings = config.load({**(production if env.get("HEARTHLINK_ENV") else {}), **env})
    assert settings["REQUIRE_MFA"] is required


def test_require_mfa_refuses_a_value_it_cannot_read():
    with pytest.raises(ValueError, match="REQUIRE_MFA must be 1 or 0"):
        config.load({"REQUIRE_MFA": "yes please"})
