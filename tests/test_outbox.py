"""The outbox of messages back: added with the change or not at all, delivered by the task queue's
worker within seconds, retried with back-off, failed after MAX_ATTEMPTS and retried by the admin."""
from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app import tasks
from app.extensions import db
from app.models import InboundMessage, OutboxMessage
from app.models.base import utcnow
from app.models.outbox import OutboxEvent
from app.security import Role
from app.services import api_clients, outbox, triage
from tests import factories
from tests.conftest import csrf_token_from
from tests.test_fhir_messages_back import Receiver


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    try:
        running.stop()
    except Exception:  # noqa: BLE001 - stopped by the test
        pass


def _api_referral(endpoint: str, *, name: str = "EMIS test"):
    """A referral as if it had come in by FHIR message from a client with this endpoint."""
    practice = factories.practice()
    client, _ = api_clients.create(by=None, name=name, practice_ods=practice.ods_code, endpoint=endpoint,
                                   allow_http=True)
    referral = factories.referral(practice)
    db.session.add(InboundMessage(message_id=str(uuid.uuid4()), api_client_id=client.id, referral_id=referral.id,
                                  body="{}"))
    db.session.commit()
    return referral


@given(st.integers(min_value=1, max_value=10_000))
def test_backoff_doubles_from_a_minute_and_never_exceeds_an_hour(attempts):
    wait = outbox.backoff(attempts)
    assert timedelta(minutes=1) <= wait <= timedelta(hours=1)
    assert outbox.backoff(attempts + 1) >= wait


def test_backoff_values():
    assert [outbox.backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_a_rolled_back_change_leaves_no_message_and_queues_nothing(app, receiver):
    referral = _api_referral(receiver.endpoint)
    message = outbox.add(referral=referral, event_=OutboxEvent.ACCEPTED)
    assert message is not None and db.session.info[outbox.SESSION_KEY] == [message.id]
    db.session.rollback()
    assert outbox.SESSION_KEY not in db.session.info
    assert db.session.scalar(select(OutboxMessage.id)) is None
    db.session.commit()
    assert receiver.received == []


def test_a_failing_receiver_is_retried_with_backoff_then_fails_and_the_admin_retries(app, client, sign_in, receiver):
    receiver.stop()
    referral = _api_referral(receiver.endpoint)
    triage.accept(by=factories.user(Role.MANAGER), referral=referral, version=referral.version)
    message = db.session.scalar(select(OutboxMessage))
    assert (message.status, message.attempts) == ("pending", 1)
    first_wait = message.next_attempt_at - utcnow()
    assert timedelta(seconds=50) < first_wait <= timedelta(minutes=1)
    for attempt in range(2, outbox.MAX_ATTEMPTS + 1):
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert outbox.deliver(message.id) in ("pending", "failed")
        db.session.refresh(message)
        assert message.attempts == attempt
    assert (message.status, message.next_attempt_at) == ("failed", None)
    assert "could not connect" in message.last_error
    assert outbox.deliver(message.id) == "not due"  # a failed message waits for a person

    sign_in.as_role(Role.ADMIN)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Failed" in page and "could not connect" in page and f"referral {referral.id}" in page
    assert referral.full_name not in page  # no personal data on the admin's page
    receiver.start()
    token = csrf_token_from(client, "/admin/outbox")
    response = client.post(f"/admin/outbox/{message.id}/retry", data={"csrf_token": token, "version": message.version})
    assert response.status_code == 303
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("delivered", 1)  # retried at once by the queue
    assert len(receiver.received) == 1


def test_retry_without_csrf_is_refused(app, client, sign_in, receiver):
    app.config["WTF_CSRF_ENABLED"] = True
    receiver.stop()
    referral = _api_referral(receiver.endpoint)
    triage.accept(by=factories.user(Role.MANAGER), referral=referral, version=referral.version)
    message = db.session.scalar(select(OutboxMessage))
    message.status, message.next_attempt_at = "failed", None
    db.session.commit()
    sign_in.as_role(Role.ADMIN)
    assert client.post(f"/admin/outbox/{message.id}/retry", data={"version": message.version}).status_code == 400
    db.session.refresh(message)
    assert message.status == "failed"


def test_the_outbox_page_is_the_admins_alone(app, client, sign_in):
    for role in Role:
        sign_in.as_role(role)
        assert client.get("/admin/outbox").status_code == (200 if role == Role.ADMIN else 403), role
        sign_in.out()


def test_production_sends_only_over_https(app, receiver):
    referral = _api_referral(receiver.endpoint)
    app.config["HEARTHLINK_ENV"] = "production"
    try:
        triage.accept(by=factories.user(Role.MANAGER), referral=referral, version=referral.version)
    finally:
        app.config["HEARTHLINK_ENV"] = "development"
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "pending" and "https only" in message.last_error
    assert receiver.received == []


def test_the_worker_delivers_within_ten_seconds_without_being_asked(app, receiver):
    """A real Huey consumer (threads, in-memory queue) rather than tasks run at once."""
    from huey.storage import MemoryStorage

    tasks.huey.immediate = False
    tasks.huey.storage = MemoryStorage(tasks.huey.name)
    tasks.bind(app)
    consumer = tasks.huey.create_consumer(workers=1, worker_type="thread", periodic=False, initial_delay=0.1,
                                          backoff=1.15, max_delay=2.0, check_worker_health=False)
    consumer.start()
    try:
        referral = _api_referral(receiver.endpoint)
        started = time.monotonic()
        triage.accept(by=factories.user(Role.MANAGER), referral=referral, version=referral.version)
        while not receiver.received and time.monotonic() - started < 10:
            time.sleep(0.1)
        assert receiver.received, "the worker did not deliver within 10 seconds"
        bundle = receiver.received[0]["bundle"]
        assert bundle["entry"][0]["resource"]["eventCoding"]["code"] == "servicerequest-response"
    finally:
        consumer.stop(graceful=True)
        tasks.huey.immediate = True  # back to running tasks at once, in memory
        tasks.bind(None)
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage.status)) == "delivered"


def test_the_periodic_sweep_is_registered_every_minute():
    periodic = [task for task in tasks.huey._registry._periodic_tasks]
    assert any(task.__name__ == "deliver_due_messages" for task in periodic)


def test_the_message_bundle_is_stored_as_json_with_the_answered_message_id(app, receiver):
    referral = _api_referral(receiver.endpoint)
    sent = db.session.scalar(select(InboundMessage.message_id))
    triage.accept(by=factories.user(Role.MANAGER), referral=referral, version=referral.version)
    stored = json.loads(db.session.scalar(select(OutboxMessage.bundle)))
    assert stored["entry"][0]["resource"]["response"]["identifier"] == sent
    assert receiver.received[0]["bundle"] == stored
