"""Sessions end: signing out, the idle and absolute timeouts, and signing out everywhere."""
from __future__ import annotations

from datetime import timedelta

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
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == officer.id)
                                 .order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["auth.sign_in", "auth.sign_out"]
