"""Sessions end: signing out, the idle and absolute timeouts, and signing out everywhere."""
from __future__ import annotations

from datetime import timedelta

import pytest

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, StaffSession
from app.models.base import utcnow
from app.security import Role
from tests import factories
from tests.conftest import csrf_token_from


def _only_session(user) -> StaffSession:
    return db.session.scalars(select(StaffSession).where(StaffSession.user_id == user.id)).one()


def _sign_out(client, page: str = "/caseload/"):
    return client.post("/logout", data={"csrf_token": csrf_token_from(client, page)})


def test_replaying_the_cookie_after_signing_out_opens_nothing(app, client, sign_in):
    sign_in.as_role(Role.LINK_OFFICER)
    assert client.get("/caseload/").status_code == 200
    copied = client.get_cookie("session").value

    assert _sign_out(client).status_code in (302, 303)

    attacker = app.test_client()
    attacker.set_cookie("session", copied)
    response = attacker.get("/caseload/")
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]


def test_signing_out_by_get_is_refused(app, client, sign_in):
    sign_in.as_role(Role.LINK_OFFICER)
    assert client.get("/logout").status_code == 405
    assert client.get("/caseload/").status_code == 200


def test_signing_out_ends_the_session_record_on_the_server(app, client, sign_in):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    _sign_out(client)
    record = _only_session(officer)
    assert record.ended_at is not None and record.ended_reason == "signed_out"


def test_a_session_unused_for_30_minutes_is_refused_with_a_reason(app, client, sign_in):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    record = _only_session(officer)
    record.last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()

    response = client.get("/caseload/")
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you had not used Hearthlink for 30 minutes" in page
    assert _only_session(officer).ended_reason == "idle"


def test_a_session_used_29_minutes_ago_still_works(app, client, sign_in):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    record = _only_session(officer)
    record.last_seen_at = utcnow() - timedelta(minutes=29)
    db.session.commit()
    assert client.get("/caseload/").status_code == 200


def test_a_session_older_than_10_hours_is_refused_however_busy(app, client, sign_in):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    record = _only_session(officer)
    record.created_at = utcnow() - timedelta(hours=10, minutes=1)
    record.last_seen_at = utcnow() - timedelta(seconds=5)
    db.session.commit()

    response = client.get("/caseload/", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You were signed out because you had been signed in for 10 hours" in page
    assert _only_session(officer).ended_reason == "absolute"


def test_timeouts_follow_the_configuration(app, client, sign_in):
    app.config["SESSION_IDLE_MINUTES"] = 5
    officer = sign_in.as_role(Role.LINK_OFFICER)
    record = _only_session(officer)
    record.last_seen_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    page = client.get("/caseload/", follow_redirects=True).get_data(as_text=True)
    assert "had not used Hearthlink for 5 minutes" in page


def test_last_used_is_written_at_most_about_once_a_minute(app, client, sign_in):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    record = _only_session(officer)
    twenty_seconds_ago = utcnow() - timedelta(seconds=20)
    record.last_seen_at = twenty_seconds_ago
    db.session.commit()
    client.get("/caseload/")
    assert _only_session(officer).last_seen_at == twenty_seconds_ago

    two_minutes_ago = utcnow() - timedelta(minutes=2)
    _only_session(officer).last_seen_at = two_minutes_ago
    db.session.commit()
    client.get("/caseload/")
    assert _only_session(officer).last_seen_at > two_minutes_ago + timedelta(seconds=90)


def test_signing_in_records_the_browser_and_address(app, client):
    officer = factories.user(role=Role.LINK_OFFICER)
    token = csrf_token_from(client, "/login")
    client.post("/login", data={"email": officer.email, "password": factories.PASSWORD, "csrf_token": token},
                headers={"User-Agent": "Mozilla/5.0 " + "x" * 500})
    record = _only_session(officer)
    assert record.remote_addr == "127.0.0.1"
    assert record.user_agent.startswith("Mozilla/5.0") and len(record.user_agent) == 200
    assert len(record.token_hash) == 64 and record.ended_at is None


def test_the_cookie_holds_the_identifier_but_the_table_only_its_digest(app, client, sign_in):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    record = _only_session(officer)
    with client.session_transaction() as cookie:
        raw = cookie["staff_session"]
    assert raw != record.token_hash
    import hashlib
    assert hashlib.sha256(raw.encode()).hexdigest() == record.token_hash


def test_sign_in_and_sign_out_are_audited(app, client, sign_in):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    _sign_out(client)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == officer.id,
                                                                 AuditEvent.action.like("auth.%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["auth.sign_in", "auth.sign_out"]


# --- your account: where you are signed in, signing out elsewhere, changing your password ------

def _second_browser(app, user):
    from tests.conftest import SignIn

    other = app.test_client()
    SignIn(other).as_user(user)
    return other


@pytest.mark.parametrize("role", list(Role))
def test_every_role_can_open_their_account_page_from_the_header(app, client, sign_in, role):
    user = sign_in.as_role(role)
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/account/"' in home
    page = client.get("/account/").get_data(as_text=True)
    assert "Your account" in page and user.email in page
    assert "This device" in page and "Change your password" in page


def test_account_page_lists_only_my_open_sessions_with_their_browsers(app, client):
    officer = factories.user(role=Role.LINK_OFFICER)
    token = csrf_token_from(client, "/login")
    client.post("/login", data={"email": officer.email, "password": factories.PASSWORD, "csrf_token": token},
                headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                                       "(KHTML, like Gecko) Chrome/126.0 Safari/537.36"})
    phone = app.test_client()
    token = csrf_token_from(phone, "/login")
    phone.post("/login", data={"email": officer.email, "password": factories.PASSWORD, "csrf_token": token},
               headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                                      "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"})
    _second_browser(app, factories.user(role=Role.LINK_OFFICER))  # someone else's: not listed
    page = client.get("/account/").get_data(as_text=True)
    assert page.count("nhsuk-table__row") == 2
    assert "Chrome on Windows" in page and "Safari on iPhone" in page
    assert page.count("This device") == 1


def test_signing_out_of_other_devices_keeps_this_one(app, client, sign_in):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    phone = _second_browser(app, officer)
    assert phone.get("/caseload/").status_code == 200

    response = client.post("/account/sign-out-other-devices", data={"csrf_token": csrf_token_from(client, "/account/")})
    assert response.status_code == 303
    assert "You have been signed out on 1 other device." in client.get("/account/").get_data(as_text=True)
    assert client.get("/caseload/").status_code == 200
    assert "/login" in phone.get("/caseload/").headers["Location"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session.sign_out_others")).one()
    assert (event.actor_id, event.subject_id) == (officer.id, str(officer.id))


def test_signing_out_everywhere_ends_this_device_too(app, client, sign_in):
    officer = sign_in.as_role(Role.MANAGER)
    laptop = _second_browser(app, officer)
    response = client.post("/account/sign-out-everywhere", data={"csrf_token": csrf_token_from(client, "/account/")})
    assert response.status_code == 303 and "/login" in response.headers["Location"]
    for browser in (client, laptop):
        assert "/login" in browser.get("/triage/").headers["Location"]
    records = db.session.scalars(select(StaffSession).where(StaffSession.user_id == officer.id)).all()
    assert {record.ended_reason for record in records} == {"signed_out_everywhere"}


def test_sign_out_buttons_need_a_csrf_token_and_a_post(app, client, sign_in):
    sign_in.as_role(Role.MANAGER)
    assert client.get("/account/sign-out-everywhere").status_code == 405
    assert client.post("/account/sign-out-everywhere", data={}).status_code in (302, 303, 400)
    assert client.get("/triage/").status_code == 200


def test_admin_signs_a_user_out_everywhere_and_it_is_audited(app, client, sign_in):
    officer = factories.user(role=Role.LINK_OFFICER)
    phone, laptop = _second_browser(app, officer), _second_browser(app, officer)
    admin = sign_in.as_role(Role.ADMIN)
    assert "Sign out everywhere" in client.get("/admin/").get_data(as_text=True)

    response = client.post(f"/admin/users/{officer.id}/sign-out-everywhere",
                           data={"csrf_token": csrf_token_from(client, "/admin/")})
    assert response.status_code == 303
    assert "has been signed out on every device (2 sessions ended)" in client.get("/admin/").get_data(as_text=True)
    for browser in (phone, laptop):
        assert "/login" in browser.get("/caseload/").headers["Location"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session.admin_sign_out")).one()
    assert (event.actor_id, event.subject_type, event.subject_id) == (admin.id, "user", str(officer.id))
    assert event.at is not None and officer.email in event.detail


def test_only_admins_can_sign_someone_else_out(app, client, sign_in):
    officer = factories.user(role=Role.LINK_OFFICER)
    sign_in.as_role(Role.MANAGER)
    response = client.post(f"/admin/users/{officer.id}/sign-out-everywhere",
                           data={"csrf_token": csrf_token_from(client, "/triage/")})
    assert response.status_code == 403


def test_admin_password_reset_and_deactivation_end_the_users_session_records(app, client, sign_in, no_csrf):
    officer = factories.user(role=Role.LINK_OFFICER)
    _second_browser(app, officer)
    sign_in.as_role(Role.ADMIN)
    client.post(f"/admin/users/{officer.id}/password", data={"password": "a brand new passphrase"})
    assert _only_session(officer).ended_reason == "password_reset"


def _change_password(client, current, new, confirm=None):
    return client.post("/account/", data={"current_password": current, "new_password": new,
                                          "confirm_password": new if confirm is None else confirm,
                                          "csrf_token": csrf_token_from(client, "/account/")})


def test_changing_my_password_signs_out_my_other_devices_only(app, client, sign_in):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    phone = _second_browser(app, officer)
    response = _change_password(client, factories.PASSWORD, "walnut saffron pebble")
    assert response.status_code == 303
    page = client.get("/account/").get_data(as_text=True)
    assert "Your password has been changed. You have been signed out on 1 other device." in page
    assert client.get("/caseload/").status_code == 200
    assert "/login" in phone.get("/caseload/").headers["Location"]
    db.session.refresh(officer)
    assert officer.check_password("walnut saffron pebble")
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.change_password")).one()


@pytest.mark.parametrize("current,new,confirm,field,message", [
    ("not my password", "walnut saffron pebble", None, "current_password", "Your current password is not right"),
    (factories.PASSWORD, "aaaaaaaaaa", None, "new_password", "Password must be 12 characters or more"),
    (factories.PASSWORD, "Qwerty123456", None, "new_password", "it is a common password"),
    (factories.PASSWORD, "walnut saffron pebble", "walnut saffron", "confirm_password", "The passwords do not match"),
    (factories.PASSWORD, factories.PASSWORD, None, "new_password", "must be different from your current one"),
    ("", "", "", "current_password", "Enter your current password"),
])
def test_a_refused_password_change_says_why_next_to_the_field(app, client, sign_in, current, new, confirm, field,
                                                               message):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    response = _change_password(client, current, new, confirm)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}--error-message"' in page or f'{field}-error' in page
    db.session.refresh(officer)
    assert officer.check_password(factories.PASSWORD)


@pytest.mark.parametrize(("role", "asked"), [(Role.MANAGER, "/visits/alert"), (Role.COMMISSIONER, "/dashboard/status")])
def test_what_a_page_asks_by_itself_does_not_keep_an_unattended_session_open(app, client, sign_in, role, asked):
    """A manager's page asks for the overdue-visit alert every minute, and the dashboard for its
    figures' state: neither is someone using Hearthlink, so neither moves the idle timeout; once it
    has passed, the next ask ends the session like any request."""
    user = sign_in.as_role(role)
    ten_minutes_ago = utcnow().replace(microsecond=0) - timedelta(minutes=10)
    _only_session(user).last_seen_at = ten_minutes_ago
    db.session.commit()
    assert client.get(asked).status_code == 200
    assert _only_session(user).last_seen_at == ten_minutes_ago
    client.get("/dashboard/" if role is Role.COMMISSIONER else "/triage/")  # a page opened: a use
    assert _only_session(user).last_seen_at > ten_minutes_ago

    _only_session(user).last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    response = client.get(asked)
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
    assert _only_session(user).ended_reason == "idle"
