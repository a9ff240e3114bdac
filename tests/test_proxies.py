"""The address the audit log, the session record and the per-address throttle see is the
client's: a header anyone can send is believed only from the proxies the installation trusts."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.config import load
from app.extensions import db
from app.models import AuditEvent, StaffSession
from tests import factories
from tests.conftest import csrf_token_from


def _sign_in_from(client, user, *, remote: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    token = csrf_token_from(client, "/login")
    return client.post("/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token},
                       headers=headers, environ_base={"REMOTE_ADDR": remote})


def test_a_forged_forwarded_for_header_is_not_believed_without_a_trusted_proxy(app, client):
    officer = factories.user(role="link_officer")
    _sign_in_from(client, officer, remote="203.0.113.9", forwarded="198.51.100.1")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.sign_in"))
    assert event.remote_addr == "203.0.113.9"
    assert db.session.scalar(select(StaffSession.remote_addr)) == "203.0.113.9"


def test_behind_one_trusted_proxy_the_client_address_is_recorded(app, client):
    app.config["TRUSTED_PROXY_HOPS"] = 1
    from app import register_proxies

    register_proxies(app)
    officer = factories.user(role="link_officer")
    # The proxy (10.0.0.5) appends the address it saw; anything before that the client wrote itself.
    _sign_in_from(client, officer, remote="10.0.0.5", forwarded="198.51.100.1, 192.0.2.77")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.sign_in"))
    assert event.remote_addr == "192.0.2.77"


@pytest.mark.parametrize("hops", ["-1", "6", "one", "²"])
def test_an_impossible_proxy_count_is_refused_at_start(hops):
    with pytest.raises(ValueError, match="TRUSTED_PROXY_HOPS"):
        load({"TRUSTED_PROXY_HOPS": hops, "SECRET_KEY": "x" * 32})
