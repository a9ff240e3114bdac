"""Sign-in throttling: per account (in the database) and per address, equal work for unknown
emails, and no typed email in the logs (issue 12, finding 5)."""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth import sign_in as sign_in_module
from app.extensions import db
from app.models import AuditEvent
from app.models.sign_in import SignInThrottle
from app.security import Role
from tests import factories
from tests.conftest import csrf_token_from

LOCKED = "This account is locked because of too many wrong attempts"
# 09:00 UTC on 1 July is 10:00am in the UK (BST), so a 15-minute lock ends at 10:15am.
SUMMER_MORNING = datetime(2026, 7, 1, 9, 0)


def _post_login(client, email, password, address="10.0.0.1"):
    token = csrf_token_from(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def _fail(client, email, times, address="10.0.0.1"):
    return [_post_login(client, email, f"wrong {n}", address).status_code for n in range(times)]


@pytest.fixture
def clock(monkeypatch):
    """The throttle's idea of now, moved by hand."""
    now = {"at": SUMMER_MORNING}
    monkeypatch.setattr("app.auth.throttle.utcnow", lambda: now["at"])
    return now


def test_account_locks_after_ten_wrong_passwords_even_from_another_address(app, client):
    user = factories.user(role=Role.MANAGER)
    assert _fail(client, user.email, 10) == [200] * 10
    response = _post_login(client, user.email, factories.PASSWORD, address="10.0.0.2")
    assert response.status_code == 200
    assert LOCKED in response.get_data(as_text=True)
    assert client.get("/triage/").status_code in (302, 303)


def test_locked_message_says_when_to_try_again_in_uk_time(app, client, clock):
    user = factories.user(role=Role.MANAGER)
    _fail(client, user.email, 10)
    body = _post_login(client, user.email, factories.PASSWORD, address="10.0.0.2").get_data(as_text=True)
    assert "Try again after 10:15am" in body
    assert "ask your Hearthlink administrator to unlock it" in body


def test_unknown_email_locks_with_exactly_the_same_page(app, client, clock):
    # The clock stands still: both locks start the same minute, so both pages name the same time
    # to try again (on a slow machine the real clock once crossed a minute between them).
    known = factories.user(role=Role.MANAGER)
    unknown = "nobody@example.nhs.uk"
    _fail(client, known.email, 10, address="10.0.0.1")
    _fail(client, unknown, 10, address="10.0.0.2")
    pages = [_post_login(client, email, factories.PASSWORD, address="10.0.0.3").get_data(as_text=True)
             .replace(email, "") for email in (known.email, unknown)]
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731 (CSRF tokens differ)
    assert LOCKED in pages[0]
    assert strip(pages[0]) == strip(pages[1])


def test_lock_ends_after_fifteen_minutes(app, client, clock):
    user = factories.user(role=Role.MANAGER)
    _fail(client, user.email, 10)
    clock["at"] = SUMMER_MORNING + timedelta(minutes=14)
    assert LOCKED in _post_login(client, user.email, factories.PASSWORD, "10.0.0.2").get_data(as_text=True)
    clock["at"] = SUMMER_MORNING + timedelta(minutes=15, seconds=1)
    assert _post_login(client, user.email, factories.PASSWORD, "10.0.0.3").status_code == 303


def test_failures_spread_over_more_than_the_window_do_not_lock(app, client, clock):
    user = factories.user(role=Role.MANAGER)
    _fail(client, user.email, 9, address="10.0.0.1")
    clock["at"] = SUMMER_MORNING + timedelta(minutes=16)
    _fail(client, user.email, 9, address="10.0.0.2")
    assert _post_login(client, user.email, factories.PASSWORD, "10.0.0.3").status_code == 303


def test_successful_sign_in_resets_the_count(app, client):
    user = factories.user(role=Role.MANAGER)
    _fail(client, user.email, 9, address="10.0.0.1")
    assert _post_login(app.test_client(), user.email, factories.PASSWORD, "10.0.0.2").status_code == 303
    _fail(client, user.email, 9, address="10.0.0.3")
    assert _post_login(app.test_client(), user.email, factories.PASSWORD, "10.0.0.4").status_code == 303


def test_right_password_on_a_deactivated_account_counts_as_a_failure(app, client):
    user = factories.user(role=Role.MANAGER, active=False)
    _fail(client, user.email, 9)
    _post_login(client, user.email, factories.PASSWORD, "10.0.0.2")
    assert db.session.scalar(select(SignInThrottle.failures)) == 10


def test_throttle_keeps_no_email_addresses(app, client):
    user = factories.user(role=Role.MANAGER)
    _fail(client, user.email, 1)
    (row,) = db.session.scalars(select(SignInThrottle)).all()
    assert user.email not in row.email_key
    assert re.fullmatch(r"[0-9a-f]{64}", row.email_key)


def test_admin_can_unlock_an_account_and_it_is_audited(app, client, sign_in):
    user = factories.user(role=Role.MANAGER)
    _fail(app.test_client(), user.email, 10)
    admin = sign_in.as_role(Role.ADMIN)
    token = csrf_token_from(client, "/admin/")
    assert client.post(f"/admin/users/{user.id}/unlock", data={"csrf_token": token}).status_code == 303
    assert _post_login(app.test_client(), user.email, factories.PASSWORD, "10.0.0.2").status_code == 303
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.unlock_sign_in"))
    assert (event.actor_id, event.subject_id) == (admin.id, str(user.id))


def test_admin_list_shows_a_locked_account_with_an_unlock_button(app, client, sign_in, clock):
    locked = factories.user(role=Role.MANAGER, name="Locked Person")
    factories.user(role=Role.MANAGER, name="Free Person")
    _fail(app.test_client(), locked.email, 10)
    sign_in.as_role(Role.ADMIN)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Locked until 10:15am" in page
    assert page.count("Unlock sign-in") == 1
    assert f"/admin/users/{locked.id}/unlock" in page


def test_only_an_admin_can_unlock_an_account(app, client, sign_in):
    user = factories.user(role=Role.MANAGER)
    sign_in.as_role(Role.MANAGER)
    token = csrf_token_from(client, "/triage/")
    assert client.post(f"/admin/users/{user.id}/unlock", data={"csrf_token": token}).status_code == 403


def test_per_address_limit_counts_failures_across_accounts(app, client):
    emails = [factories.user(role=Role.MANAGER).email for _ in range(11)]
    statuses = [_post_login(client, email, "wrong password").status_code for email in emails]
    assert statuses == [200] * 10 + [429]


def test_unknown_email_costs_a_password_hash_like_a_known_one(app, client, monkeypatch):
    user = factories.user(role=Role.MANAGER)
    checked = []
    real = sign_in_module.check_password_hash
    monkeypatch.setattr(sign_in_module, "check_password_hash",
                        lambda stored, password: checked.append(stored) or real(stored, password))
    _post_login(client, user.email, "wrong password")
    _post_login(client, "nobody@example.nhs.uk", "wrong password")
    assert len(checked) == 2
    assert checked[1].split("$")[0] == checked[0].split("$")[0]  # the same method and cost


def test_failed_sign_in_logs_a_keyed_hash_not_the_typed_email(app, client, caplog):
    caplog.set_level(logging.INFO)
    _post_login(client, "Someone.Private@example.nhs.uk", "wrong password")
    assert "someone.private" not in caplog.text.lower()
    assert re.search(r"failed sign-in for email#[0-9a-f]{16}", caplog.text)
