"""A referral written as the BaRS-shaped `servicerequest-request` message a GP system would send.

Hearthlink receives these; it builds one only to prove the mapping both ways (a demo referral
sent through `$process-message` must come back as the same referral) and to give integrators a
worked example (`flask api-clients example`, docs/interoperability.md).
"""
from __future__ import annotations

import uuid

from app.fhir.codes import EVENT_REQUEST, MESSAGE_EVENTS_SYSTEM, ODS_SYSTEM, profile
from app.fhir.inbound import CONSENT_SCOPE_SYSTEM
from app.fhir.patient import patient_resource
from app.fhir.service_request import service_request_for

CONSENT_CATEGORY = {"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}]}


def _urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def _consent(scope: str, display: str, patient_url: str, on) -> dict:
    return {"resourceType": "Consent", "meta": {"profile": [profile("Consent")]}, "status": "active",
            "scope": {"coding": [{"system": CONSENT_SCOPE_SYSTEM, "code": scope, "display": display}]},
            "category": [CONSENT_CATEGORY], "patient": {"reference": patient_url}, "dateTime": on.isoformat(),
            "policyRule": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                                       "code": "OPTIN"}]},
            "provision": {"type": "permit"}}


def referral_message(referral, *, message_id: str | None = None, source_endpoint: str = "urn:example:gp-system") -> dict:
    """The whole message Bundle for `referral` (any object with a Referral's attributes)."""
    from app.models.vocab import HomeVisitRisk

    urls = {name: _urn() for name in ("header", "request", "patient", "practice", "practitioner", "role")}
    flag_entries = [(_urn(), {"text": HomeVisitRisk(risk).label}) for risk in referral.risk_flags]
    if referral.risk_notes:
        flag_entries.append((_urn(), {"text": referral.risk_notes}))
    request = service_request_for(referral, patient_reference=urls["patient"], requester_reference=urls["role"],
                                  supporting=[url for url, _ in flag_entries])
    request.pop("id")
    request["status"] = "active"
    patient = patient_resource(referral, practice=referral.practice)
    patient["generalPractitioner"] = [{"reference": urls["practice"]}]
    resources = {
        "header": {"resourceType": "MessageHeader", "id": message_id or str(uuid.uuid4()),
                   "meta": {"profile": [profile("MessageHeader")]},
                   "eventCoding": {"system": MESSAGE_EVENTS_SYSTEM, "code": EVENT_REQUEST},
                   "source": {"endpoint": source_endpoint}, "sender": {"reference": urls["practice"]},
                   "focus": [{"reference": urls["request"]}]},
        "request": request,
        "patient": patient,
        "practice": {"resourceType": "Organization", "meta": {"profile": [profile("Organization")]},
                     "identifier": [{"system": ODS_SYSTEM, "value": referral.practice.ods_code}],
                     "name": referral.practice.name},
        "practitioner": {"resourceType": "Practitioner", "meta": {"profile": [profile("Practitioner")]},
                         "name": [{"text": referral.referrer_name}]},
        "role": {"resourceType": "PractitionerRole", "meta": {"profile": [profile("PractitionerRole")]},
                 "practitioner": {"reference": urls["practitioner"]},
                 "organization": {"reference": urls["practice"]},
                 "code": [{"text": referral.referrer_role}]},
    }
    entries = [{"fullUrl": urls[name], "resource": resource} for name, resource in resources.items()]
    for url, code in flag_entries:
        entries.append({"fullUrl": url, "resource": {
            "resourceType": "Flag", "meta": {"profile": [profile("Flag")]}, "status": "active",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/flag-category",
                                      "code": "safety", "display": "Safety"}]}],
            "code": code, "subject": {"reference": urls["patient"]}}})
    on = referral.mdt_meeting_date
    entries.append({"fullUrl": _urn(), "resource": _consent("treatment", "Treatment", urls["patient"], on)})
    entries.append({"fullUrl": _urn(), "resource": _consent("patient-privacy", "Privacy Consent", urls["patient"], on)})
    return {"resourceType": "Bundle", "id": str(uuid.uuid4()), "meta": {"profile": [
        "https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage"]}, "type": "message",
        "timestamp": f"{on.isoformat()}T12:00:00+00:00", "entry": entries}


