"""Helpers for the FHIR API tests: a registered client, a referral to send, and sending it."""
from __future__ import annotations

import json
from datetime import date, timedelta

from app.models import Referral, ReferralNeed, ReferralRisk
from app.models.base import uk_today
from app.services import api_clients
from tests import factories

FHIR_JSON = "application/fhir+json"


def registered(practice=None, name: str | None = None):
    """(practice, client, token) for a new API client."""
    practice = practice or factories.practice()
    client, token = api_clients.create(by=None, name=name or f"GP system {practice.ods_code}",
                                       practice_ods=practice.ods_code)
    return practice, client, token


def unsent_referral(practice, *, nhs: str | None = None, risks=("dog",), needs=("loneliness", "debt"),
                    phone: str = "01384 456789", **extra) -> Referral:
    """A referral as a practice would make it, not stored (the message carries it in)."""
    details = dict(
        practice=practice, status="received", nhs_number=nhs or factories.nhs_number(), given_name="Margaret",
        family_name="Oduya", date_of_birth=date(1948, 3, 9), address="7 Gorsebrook Lane\nNetherton",
        postcode="DY2 9QH", phone=phone, contact_method="phone" if phone else "letter",
        contact_times="", accessibility_needs="Hard of hearing: face her when speaking",
        concerns="Lives alone since her husband died; visits the surgery most weeks.", risk_notes="",
        referrer_name="Dr Ann Patel", referrer_role="GP", mdt_meeting_date=uk_today() - timedelta(days=2),
        consent_to_referral=True, consent_to_share=True)
    details.update(extra)
    referral = Referral(**details)
    referral.needs = [ReferralNeed(area=area) for area in needs]
    referral.risks = [ReferralRisk(risk=risk) for risk in risks]
    return referral


def post(client, token: str | None, body, content_type: str = FHIR_JSON):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/fhir/$process-message", data=data, headers=headers)


def entry(bundle: dict, resource_type: str) -> dict:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type)


def issue(response) -> dict:
    body = response.get_json(force=True)
    assert body["resourceType"] == "OperationOutcome", body
    return body["issue"][0]
