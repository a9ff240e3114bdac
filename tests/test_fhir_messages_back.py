"""Issue 14's "done when", end to end: a referral POSTed as a FHIR message by a registered client,
accepted then discharged, sends two `servicerequest-response` messages to a receiver on
localhost (the second with the Composition and the PDF); with the receiver stopped the messages
wait in the outbox, and are delivered when it returns. Tasks run at once (tests are TESTING), as
the worker would run them; tests/test_outbox.py runs a real worker too."""
from __future__ import annotations

import base64
import json
import threading
import uuid
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from app.extensions import db
from app.fhir.codes import (EVENT_RESPONSE, REFERRAL_TO_SOCIAL_PRESCRIBING, SNOMED_SYSTEM, UK_CORE)
from app.fhir.referral_bundle import referral_message
from app.models import OutboxMessage, Referral
from app.models.base import uk_today, utcnow
from app.models.referral import ReferralNeed, ReferralRisk
from app.security import Role
from app.services import api_clients, contacts, discharge, triage
from tests import factories


class Receiver:
    """A tiny FHIR receiver: records every POST; can be stopped and started on the same port."""

    def __init__(self):
        self.received: list[dict] = []
        self.port = None
        self.server = None
        self.start()

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"path": self.path, "type": self.headers["Content-Type"],
                                          "bundle": json.loads(body)})
                self.send_response(200)
                self.send_header("Content-Type", "application/fhir+json")
                self.end_headers()
                self.wfile.write(b'{"resourceType": "OperationOutcome", "issue": []}')

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", self.port or 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    try:
        running.stop()
    except Exception:  # noqa: BLE001 - already stopped by the test
        pass


def _bundle_for(practice, nhs: str, message_id: str) -> dict:
    """The message a GP system would send for a new person at `practice`."""
    referral = Referral(practice=practice, nhs_number=nhs, given_name="Ada", family_name="Lovelace",
                        date_of_birth=date(1950, 5, 17), address="1 Test Street\nDudley", postcode="DY1 1AA",
                        phone="01384 000000", contact_method="phone", contact_times="", accessibility_needs="",
                        concerns="Lonely since bereavement", risk_notes="", referrer_name="Dr Test",
                        referrer_role="GP", mdt_meeting_date=uk_today() - timedelta(days=3),
                        consent_to_referral=True, consent_to_share=True)
    referral.needs = [ReferralNeed(area="loneliness")]
    referral.risks = [ReferralRisk(risk="dog")]
    bundle = referral_message(referral, message_id=message_id)
    if referral in db.session:  # the example referral was only a template for the message
        db.session.expunge(referral)
    return bundle


def _post_referral(client, token: str, bundle: dict):
    return client.post("/fhir/$process-message", data=json.dumps(bundle),
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"})


def _resources(bundle: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def _assert_valid_uk_core(bundle: dict) -> None:
    Bundle.model_validate(bundle)  # every resource parses with fhir.resources (R4B reads R4)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        profiles = resource.get("meta", {}).get("profile", [])
        assert profiles == [f"{UK_CORE}UKCore-{resource['resourceType']}"], resource["resourceType"]


def test_referral_by_api_accepted_then_discharged_sends_two_messages_and_waits_when_receiver_is_down(
        app, client, receiver):
    practice = factories.practice()
    manager = factories.user(role=Role.MANAGER)
    officer = factories.user(role=Role.LINK_OFFICER)
    api_client, token = api_clients.create(by=None, name="EMIS test", practice_ods=practice.ods_code,
                                           endpoint=receiver.endpoint, allow_http=True)
    message_id = str(uuid.uuid4())
    answer = _post_referral(client, token, _bundle_for(practice, factories.nhs_number(901), message_id))
    assert answer.status_code == 201, answer.get_data(as_text=True)
    referral = db.session.scalar(select(Referral).where(Referral.status == "received"))
    assert referral is not None  # in triage, like a form referral

    triage.accept(by=manager, referral=referral, version=referral.version, officer=officer)
    assert len(receiver.received) == 1
    first = receiver.received[0]
    assert first["path"] == "/$process-message"
    assert first["type"] == "application/fhir+json"
    header = first["bundle"]["entry"][0]["resource"]
    assert header["resourceType"] == "MessageHeader"
    assert header["eventCoding"]["code"] == EVENT_RESPONSE
    assert header["response"]["identifier"] == message_id
    assert _resources(first["bundle"])["ServiceRequest"][0]["status"] == "active"
    _assert_valid_uk_core(first["bundle"])

    episode = referral.episode
    contacts.record(by=officer, episode=episode, kind="phone", status="held", on=uk_today(), duration_minutes=20,
                    notes="Agreed to meet")
    db.session.refresh(episode)
    discharge.discharge(by=officer, episode=episode, reason="goals_met", summary="Joined a walking group.",
                        on=uk_today(), version=episode.version)
    assert len(receiver.received) == 2
    second = receiver.received[1]["bundle"]
    _assert_valid_uk_core(second)
    resources = _resources(second)
    assert resources["ServiceRequest"][0]["status"] == "completed"
    composition = resources["Composition"][0]
    assert composition["section"][0]["title"] == "Plan and requested actions"
    assert "None" in composition["section"][0]["text"]["div"]
    assert "Joined a walking group." in composition["section"][1]["text"]["div"]
    attachment = resources["DocumentReference"][0]["content"][0]["attachment"]
    assert base64.b64decode(attachment["data"]).startswith(b"%PDF-")
    assert attachment["creation"] == second["timestamp"]  # the moment, with its offset: no UTC-only day
    accepted = [obs for obs in resources["Observation"]
                if obs["code"]["coding"][0] == {"system": SNOMED_SYSTEM, "code": REFERRAL_TO_SOCIAL_PRESCRIBING,
                                                "display": "Referral to social prescribing service"}]
    assert accepted and accepted[0]["effectiveDateTime"] == uk_today().isoformat()
    assert db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.event == "discharged")) == "delivered"

    # The receiver goes away: a second referral's acceptance waits in the outbox, nothing is lost.
    receiver.stop()
    answer = _post_referral(client, token, _bundle_for(practice, factories.nhs_number(902), str(uuid.uuid4())))
    assert answer.status_code == 201
    waiting_referral = db.session.scalar(select(Referral).where(Referral.status == "received"))
    triage.accept(by=manager, referral=waiting_referral, version=waiting_referral.version)
    waiting = db.session.scalar(select(OutboxMessage).where(OutboxMessage.referral_id == waiting_referral.id))
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert "could not connect" in waiting.last_error
    assert waiting.next_attempt_at > utcnow()  # backing off
    assert len(receiver.received) == 2

    # It comes back; once the back-off has passed, the worker's periodic sweep delivers it.
    receiver.start()
    from app import tasks

    tasks.deliver_due_messages()
    db.session.expire_all()
    assert db.session.get(OutboxMessage, waiting.id).status == "pending"  # not due yet: no early retry
    waiting.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    tasks.deliver_due_messages()
    db.session.expire_all()
    delivered = db.session.get(OutboxMessage, waiting.id)
    assert (delivered.status, delivered.attempts, delivered.last_error) == ("delivered", 2, "")
    assert len(receiver.received) == 3
    assert receiver.received[2]["bundle"]["entry"][0]["resource"]["response"]["identifier"] != message_id


def test_web_form_referral_sends_no_message(app, receiver):
    """Only referrals that came from an API client with an endpoint are answered by message."""
    practice = factories.practice()
    manager = factories.user(role=Role.MANAGER)
    api_clients.create(by=None, name="EMIS test", practice_ods=practice.ods_code, endpoint=receiver.endpoint,
                       allow_http=True)
    referral = factories.referral(practice)
    triage.decline(by=manager, referral=referral, version=referral.version, reason="Not eligible")
    assert receiver.received == []
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_service_decline_by_api_answers_revoked_with_reason(app, client, receiver):
    practice = factories.practice()
    manager = factories.user(role=Role.MANAGER)
    _, token = api_clients.create(by=None, name="SystmOne test", practice_ods=practice.ods_code,
                                  endpoint=receiver.endpoint + "/", allow_http=True)
    assert _post_referral(client, token, _bundle_for(practice, factories.nhs_number(903),
                                                     str(uuid.uuid4()))).status_code == 201
    referral = db.session.scalar(select(Referral))
    triage.decline(by=manager, referral=referral, version=referral.version, reason="Lives outside the area")
    bundle = receiver.received[0]["bundle"]
    assert receiver.received[0]["path"] == "/$process-message"  # no doubled slash from the endpoint's own
    _assert_valid_uk_core(bundle)
    assert _resources(bundle)["ServiceRequest"][0]["status"] == "revoked"
    assert bundle["entry"][0]["resource"]["reason"]["text"].endswith("Lives outside the area")
    assert "Observation" not in _resources(bundle)  # the service declining is not the person declining


def test_revoked_client_gets_no_message(app, client, receiver):
    practice = factories.practice()
    manager = factories.user(role=Role.MANAGER)
    api_client, token = api_clients.create(by=None, name="Revoked", practice_ods=practice.ods_code,
                                           endpoint=receiver.endpoint, allow_http=True)
    assert _post_referral(client, token, _bundle_for(practice, factories.nhs_number(904),
                                                     str(uuid.uuid4()))).status_code == 201
    api_clients.revoke(by=None, client=api_client)
    referral = db.session.scalar(select(Referral))
    triage.accept(by=manager, referral=referral, version=referral.version)
    assert receiver.received == []




def test_the_person_declining_answers_revoked_with_the_dated_snomed_code(app, client, receiver):
    from app.fhir.codes import SOCIAL_PRESCRIBING_DECLINED
    from app.services import person_declined

    practice = factories.practice()
    manager = factories.user(role=Role.MANAGER)
    _, token = api_clients.create(by=None, name="EMIS decline", practice_ods=practice.ods_code,
                                  endpoint=receiver.endpoint, allow_http=True)
    assert _post_referral(client, token, _bundle_for(practice, factories.nhs_number(905),
                                                     str(uuid.uuid4()))).status_code == 201
    referral = db.session.scalar(select(Referral))
    triage.accept(by=manager, referral=referral, version=referral.version)
    person_declined.record(by=manager, referral=referral, version=referral.version,
                           on=uk_today(), reason="Prefers to manage on her own")
    assert len(receiver.received) == 2
    bundle = receiver.received[1]["bundle"]
    _assert_valid_uk_core(bundle)
    resources = _resources(bundle)
    assert resources["ServiceRequest"][0]["status"] == "revoked"
    [observation] = resources["Observation"]
    assert observation["code"]["coding"][0]["code"] == SOCIAL_PRESCRIBING_DECLINED
    assert observation["effectiveDateTime"] == uk_today().isoformat()
    assert observation["note"] == [{"text": "Prefers to manage on her own"}]
    assert "Composition" not in resources
