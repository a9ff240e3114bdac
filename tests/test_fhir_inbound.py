"""POST /fhir/$process-message and GET /fhir/ServiceRequest/<id> (CONTRACT §5): what is stored,
every answer and its order (401, then 400/422, then 403, then 409), nothing half-stored, every call
audited, and the per-client rate limit."""
from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.fhir.codes import EVENT_RESPONSE, NHS_NUMBER_SYSTEM
from app.fhir.referral_bundle import referral_message
from app.models import AuditEvent, Referral, ReferralEvent
from app.models.api_client import ApiClient, InboundMessage
from app.models.base import uk_today
from app.security import Role
from app.services import api_clients, fhir_referrals
from tests import factories
from tests.fhir_helpers import FHIR_JSON, entry, issue, post, registered, unsent_referral


def _counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Referral, InboundMessage, ReferralEvent))


def test_a_referral_message_is_stored_as_the_form_would_store_it_and_appears_in_triage(app, client, sign_in):
    practice, api_client, token = registered()
    body = referral_message(unsent_referral(practice, risks=("dog", "smoking")))
    response = post(client, token, body)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.mimetype == FHIR_JSON
    referral = db.session.scalars(select(Referral)).one()
    assert response.headers["Location"] == f"/fhir/ServiceRequest/{referral.id}"
    assert issue(response)["severity"] == "information"
    assert (referral.status, referral.practice_id, referral.submitted_by_id) == ("received", practice.id, None)
    assert referral.full_name == "Margaret Oduya"
    assert referral.need_areas == ["debt", "loneliness"]
    assert referral.risk_flags == ["dog", "smoking"]
    assert referral.events[0].to_status == "received"
    kept = db.session.scalars(select(InboundMessage)).one()
    assert kept.referral_id == referral.id and kept.api_client_id == api_client.id
    assert kept.message_id == entry(body, "MessageHeader")["id"]
    assert json.loads(kept.body) == body
    sign_in.as_role(Role.MANAGER)
    assert "Margaret Oduya" in client.get("/triage/").get_data(as_text=True)


def test_resending_the_same_message_answers_409_duplicate_and_stores_nothing(app, client):
    practice, _, token = registered()
    body = referral_message(unsent_referral(practice))
    assert post(client, token, body).status_code == 201
    before = _counts()
    response = post(client, token, body)
    assert response.status_code == 409
    assert issue(response)["code"] == "duplicate"
    assert "already been processed" in issue(response)["diagnostics"]
    assert issue(response)["expression"] == ["MessageHeader.id"]
    assert _counts() == before


def test_a_new_message_for_a_person_with_an_open_referral_answers_409_saying_so(app, client):
    practice, _, token = registered()
    nhs = factories.nhs_number()
    factories.referral(practice, nhs=nhs)
    before = _counts()
    response = post(client, token, referral_message(unsent_referral(practice, nhs=nhs)))
    assert response.status_code == 409
    assert issue(response)["code"] == "duplicate"
    assert "open referral" in issue(response)["diagnostics"]
    assert _counts() == before


def test_a_bundle_without_an_nhs_number_answers_400_naming_patient_identifier(app, client):
    practice, _, token = registered()
    body = referral_message(unsent_referral(practice))
    entry(body, "Patient")["identifier"] = [{"system": "https://example.org/local-id", "value": "12345"}]
    response = post(client, token, body)
    assert response.status_code == 400
    assert issue(response)["expression"] == ["Patient.identifier"]
    assert issue(response)["code"] == "required"
    assert _counts() == (0, 0, 0)


def test_an_nhs_number_with_a_wrong_check_digit_answers_400_naming_patient_identifier(app, client):
    practice, _, token = registered()
    body = referral_message(unsent_referral(practice, nhs="9990000001"))
    response = post(client, token, body)
    assert response.status_code == 400
    assert issue(response)["expression"] == ["Patient.identifier"]
    assert "check digit" in issue(response)["diagnostics"]


def test_a_message_without_a_message_header_id_answers_400_naming_it(app, client):
    practice, _, token = registered()
    body = referral_message(unsent_referral(practice))
    del entry(body, "MessageHeader")["id"]
    response = post(client, token, body)
    assert response.status_code == 400
    assert issue(response)["expression"] == ["MessageHeader.id"]


def test_a_token_of_practice_a_for_a_patient_of_practice_b_answers_403(app, client):
    _, _, token_a = registered()
    practice_b = factories.practice()
    response = post(client, token_a, referral_message(unsent_referral(practice_b)))
    assert response.status_code == 403
    assert issue(response)["code"] == "forbidden"
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_no_or_a_bad_token_answers_401(app, client, header):
    practice, _, _ = registered()
    headers = {"Content-Type": FHIR_JSON, **({"Authorization": header} if header else {})}
    response = client.post("/fhir/$process-message", data=json.dumps(referral_message(unsent_referral(practice))),
                           headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert issue(response)["details"]["coding"][0]["code"] == "REC_UNAUTHORIZED"
    assert _counts() == (0, 0, 0)


def test_a_revoked_clients_token_answers_401(app, client):
    practice, api_client, token = registered()
    api_clients.revoke(by=None, client=api_client)
    assert post(client, token, referral_message(unsent_referral(practice))).status_code == 401


def test_answers_come_in_the_contracts_order(app, client):
    practice, _, token = registered()
    other = factories.practice()
    # 401 before 400: a bad token with a broken body
    assert post(client, "wrong", b"{not json").status_code == 401
    # 400 before 403: another practice's patient in a message without a header id
    body = referral_message(unsent_referral(other))
    del entry(body, "MessageHeader")["id"]
    assert post(client, token, body).status_code == 400
    # 422 before 403: another practice's patient with an unsupported event
    body = referral_message(unsent_referral(other))
    entry(body, "MessageHeader")["eventCoding"]["code"] = EVENT_RESPONSE
    assert post(client, token, body).status_code == 422
    # 403 before 409: a message already processed, re-sent by the wrong practice's client
    sent = referral_message(unsent_referral(practice))
    assert post(client, token, sent).status_code == 201
    _, _, token_other = registered(other)
    assert post(client, token_other, sent).status_code == 403


def test_an_event_other_than_servicerequest_request_answers_422(app, client):
    practice, _, token = registered()
    body = referral_message(unsent_referral(practice))
    entry(body, "MessageHeader")["eventCoding"]["code"] = "booking-request"
    response = post(client, token, body)
    assert response.status_code == 422
    assert issue(response)["code"] == "not-supported"
    assert issue(response)["expression"] == ["MessageHeader.eventCoding"]


@pytest.mark.parametrize("system", ["https://fhir.nhs.uk/Id/ods-organization-code",
                                    "https://fhir.nhs.uk/id/ods-organization-code"])
def test_both_spellings_of_the_ods_system_are_accepted(app, client, system):
    practice, _, token = registered()
    body = referral_message(unsent_referral(practice))
    entry(body, "Organization")["identifier"][0]["system"] = system
    assert post(client, token, body).status_code == 201


def test_a_flag_that_matches_no_known_risk_is_kept_in_the_risk_notes(app, client):
    practice, _, token = registered()
    body = referral_message(unsent_referral(practice, risks=("dog",)))
    flag = json.loads(json.dumps(entry(body, "Flag")))
    flag["code"] = {"text": "Oxygen cylinders in the front room"}
    body["entry"].append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": flag})
    assert post(client, token, body).status_code == 201
    referral = db.session.scalars(select(Referral)).one()
    assert referral.risk_flags == ["dog"]
    assert referral.risk_notes == "Oxygen cylinders in the front room"


def test_the_patients_sex_and_ethnic_category_are_recorded_and_not_stated_when_absent(app, client):
    practice, _, token = registered()
    body = referral_message(unsent_referral(practice, sex="female", ethnic_category="H", preferred_language="Punjabi",
                                            interpreter_needed=True))
    assert post(client, token, body).status_code == 201
    stated = db.session.scalars(select(Referral)).one()
    assert (stated.sex, stated.ethnic_category, stated.preferred_language, stated.interpreter_needed) == \
        ("female", "H", "Punjabi", True)
    body = referral_message(unsent_referral(practice))
    patient = entry(body, "Patient")
    for element in ("gender", "extension", "communication"):
        patient.pop(element, None)
    assert post(client, token, body).status_code == 201
    silent = db.session.scalars(select(Referral).where(Referral.id != stated.id)).one()
    assert (silent.sex, silent.ethnic_category, silent.interpreter_needed) == ("not_stated", "Z", False)


def test_a_missing_consent_answers_400_naming_consent_and_stores_nothing(app, client):
    practice, _, token = registered()
    body = referral_message(unsent_referral(practice))
    body["entry"] = [e for e in body["entry"] if e["resource"].get("scope", {}).get("coding", [{}])[0].get("code")
                     != "patient-privacy"]
    response = post(client, token, body)
    assert response.status_code == 400
    assert issue(response)["expression"] == ["Consent"]
    assert _counts() == (0, 0, 0)


def test_a_child_is_refused_as_the_form_refuses_one(app, client):

    practice, _, token = registered()
    body = referral_message(unsent_referral(practice, date_of_birth=uk_today().replace(year=uk_today().year - 10)))
    response = post(client, token, body)
    assert response.status_code == 400
    assert issue(response)["expression"] == ["Patient.birthDate"]


@pytest.mark.parametrize("data,content_type,status", [
    (b"{not json", FHIR_JSON, 400),
    (b"[1, 2, 3]", FHIR_JSON, 400),
    (b'{"resourceType": "Patient"}', FHIR_JSON, 400),
    (b'{"resourceType": "Bundle", "type": "message", "entry": "no"}', FHIR_JSON, 400),
    (b"\xff\xfe\x00garbage", FHIR_JSON, 400),
    (b"[" * 100_000, FHIR_JSON, 400),
    (b'{"resourceType": "Bundle"}', "text/plain", 415),
    (b'{"resourceType": "Bundle"}', "application/x-www-form-urlencoded", 415),
])
def test_malformed_bodies_and_wrong_content_types_are_4xx_outcomes(app, client, data, content_type, status):
    _, _, token = registered()
    response = post(client, token, data, content_type)
    assert response.status_code == status
    assert response.mimetype == FHIR_JSON
    assert issue(response)["severity"] == "error"


def test_a_body_over_the_limit_answers_413_without_reading_it_all(app, client):
    _, _, token = registered()
    app.config["FHIR_MAX_BODY_BYTES"] = 10_000
    response = post(client, token, b'{"resourceType": "Bundle", "id": "' + b"x" * 20_000 + b'"}')
    assert response.status_code == 413
    assert issue(response)["code"] == "too-costly"


def test_the_same_message_arriving_twice_at_once_stores_one_referral(app, client, monkeypatch):
    """The second copy passes the duplicate check before the first is committed: the unique
    message id refuses it at commit, and its referral is rolled back with it."""
    practice, api_client, token = registered()
    body = referral_message(unsent_referral(practice))
    real_submit = fhir_referrals.referrals.submit

    def first_copy_lands_meanwhile(**kwargs):
        db.session.add(InboundMessage(message_id=entry(body, "MessageHeader")["id"], api_client_id=api_client.id,
                                      body="{}"))
        db.session.commit()
        return real_submit(**kwargs)

    monkeypatch.setattr(fhir_referrals.referrals, "submit", first_copy_lands_meanwhile)
    response = post(client, token, body)
    assert response.status_code == 409
    assert issue(response)["code"] == "duplicate"
    assert _counts()[:2] == (0, 1)  # no referral; only the first copy's message


def test_the_service_request_shows_the_current_status_to_the_referring_client_only(app, client):
    practice, _, token = registered()
    assert post(client, token, referral_message(unsent_referral(practice))).status_code == 201
    referral = db.session.scalars(select(Referral)).one()
    url = f"/fhir/ServiceRequest/{referral.id}"
    response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.mimetype == FHIR_JSON
    assert response.headers["Cache-Control"] == "no-store"
    resource = response.get_json(force=True)
    assert (resource["resourceType"], resource["status"]) == ("ServiceRequest", "active")
    assert resource["subject"]["identifier"] == {"system": NHS_NUMBER_SYSTEM, "value": referral.nhs_number}
    for status, expected in (("declined", "revoked"), ("declined_by_person", "revoked"), ("discharged", "completed"),
                             ("in_support", "active")):
        referral.status = status
        referral.decline_reason = "Moved away" if status.startswith("declined") else None
        referral.person_declined_on = date(2026, 11, 30) if status == "declined_by_person" else None
        db.session.commit()
        assert client.get(url, headers={"Authorization": f"Bearer {token}"}).get_json(force=True)["status"] == expected
    _, _, other_token = registered()
    assert client.get(url, headers={"Authorization": f"Bearer {other_token}"}).status_code == 404
    assert client.get(url).status_code == 401
    assert client.get("/fhir/ServiceRequest/99999", headers={"Authorization": f"Bearer {token}"}).status_code == 404


def test_every_call_is_audited_with_the_client_and_the_answer(app, client):
    practice, api_client, token = registered()
    post(client, None, b"{}")
    body = referral_message(unsent_referral(practice))
    post(client, token, body)
    post(client, token, body)
    referral = db.session.scalars(select(Referral)).one()
    client.get(f"/fhir/ServiceRequest/{referral.id}", headers={"Authorization": f"Bearer {token}"})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("fhir.%")).order_by(AuditEvent.id)).all()
    assert [(e.action, e.detail.split(";")[0]) for e in events] == [
        ("fhir.process_message", "no valid token"),
        ("fhir.referral_received", f"api client {api_client.name}, message {entry(body, 'MessageHeader')['id']}"),
        ("fhir.process_message", f"api client {api_client.name}"),
        ("fhir.service_request.read", f"api client {api_client.name}"),
    ]
    assert "answered 409" in events[2].detail
    assert (events[3].subject_type, events[3].subject_id) == ("referral", str(referral.id))
    assert referral.nhs_number not in " ".join(e.detail for e in events)


def test_the_rate_limit_is_per_client_and_answers_429_with_retry_after(app, client):
    app.config["FHIR_RATE_LIMIT"] = "3 per minute"
    _, _, token = registered()
    _, _, other_token = registered()
    answers = [client.get("/fhir/ServiceRequest/1", headers={"Authorization": f"Bearer {token}"}).status_code
               for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    limited = client.get("/fhir/ServiceRequest/1", headers={"Authorization": f"Bearer {token}"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert issue(limited)["code"] == "throttled"
    assert client.get("/fhir/ServiceRequest/1", headers={"Authorization": f"Bearer {other_token}"}).status_code == 404


def test_the_capability_statement_is_public_and_names_what_is_supported(app, client):
    response = client.get("/fhir/metadata")
    assert response.status_code == 200 and response.mimetype == FHIR_JSON
    statement = response.get_json(force=True)
    assert statement["fhirVersion"] == "4.0.1"
    rest = statement["rest"][0]
    assert [op["name"] for op in rest["operation"]] == ["process-message"]
    assert rest["resource"][0]["type"] == "ServiceRequest"
    assert rest["resource"][0]["interaction"] == [{"code": "read"}]


def test_only_the_tokens_hash_is_stored(app):
    _, api_client, token = registered()
    stored = db.session.get(ApiClient, api_client.id)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (stored.token_hash, stored.name, stored.endpoint or "")
