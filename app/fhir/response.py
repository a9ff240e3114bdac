"""The `servicerequest-response` message back to the referring GP system (BaRS-shaped).

A message Bundle whose first entry is a UK Core MessageHeader (event `servicerequest-response`,
`response.identifier` = the `MessageHeader.id` of the referral message it answers), focused on
the referral as a UK Core ServiceRequest with its current status, with the Patient and the
practice. SNOMED CT codes for the GP record travel as UK Core Observations:
871711000000103 *Social prescribing declined* when the person declines (dated), and
871731000000106 *Referral to social prescribing service* once the person has accepted (their
first contact of the episode, dated). At discharge the message also carries the summary as a
Composition and as a PDF (DocumentReference), see `composition.py`.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from app.fhir.codes import (EVENT_RESPONSE, MESSAGE_EVENTS_SYSTEM, ODS_SYSTEM, REFERRAL_TO_SOCIAL_PRESCRIBING,
                            SNOMED_DISPLAY, SNOMED_SYSTEM, SOCIAL_PRESCRIBING_DECLINED, profile)
from app.fhir.composition import composition, pdf_document_reference
from app.fhir.patient import patient_resource
from app.fhir.service_request import service_request_for

# ServiceRequest.status by the event reported (the person's decline is a revocation too).
STATUS_FOR_EVENT = {"accepted": "active", "declined_by_service": "revoked", "declined_by_person": "revoked",
                    "discharged": "completed"}
REASON_TEXT = {"accepted": "Accepted by the social prescribing service",
               "declined_by_service": "Declined by the social prescribing service",
               "declined_by_person": "The person declined social prescribing",
               "discharged": "Discharged from social prescribing"}


def _urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def coded_observation(code: str, *, patient_url: str, on: date, note: str = "") -> dict:
    observation = {
        "resourceType": "Observation",
        "meta": {"profile": [profile("Observation")]},
        "status": "final",
        "code": {"coding": [{"system": SNOMED_SYSTEM, "code": code, "display": SNOMED_DISPLAY[code]}]},
        "subject": {"reference": patient_url},
        "effectiveDateTime": on.isoformat(),
    }
    if note:
        observation["note"] = [{"text": note}]
    return observation


def response_message(referral, *, event: str, answers_message_id: str, destination: str,
                     source_endpoint: str, service_name: str, summary=None, pdf: bytes | None = None,
                     when: datetime | None = None) -> dict:
    """The whole Bundle. `summary` (a GpSummary) and `pdf` are given at discharge."""
    when = when or datetime.now(timezone.utc)
    urls = {name: _urn() for name in ("header", "request", "patient", "practice")}
    request = service_request_for(referral, patient_reference=urls["patient"], requester_reference=urls["practice"])
    request["status"] = STATUS_FOR_EVENT[event]
    patient = patient_resource(referral, practice=referral.practice)
    patient["generalPractitioner"] = [{"reference": urls["practice"]}]
    header = {
        "resourceType": "MessageHeader",
        "id": str(uuid.uuid4()),
        "meta": {"profile": [profile("MessageHeader")]},
        "eventCoding": {"system": MESSAGE_EVENTS_SYSTEM, "code": EVENT_RESPONSE},
        "destination": [{"endpoint": destination, "receiver": {"reference": urls["practice"]}}],
        "sender": {"display": service_name},
        "source": {"name": service_name, "software": "Hearthlink", "endpoint": source_endpoint},
        "reason": {"text": REASON_TEXT[event]},
        "response": {"identifier": answers_message_id, "code": "ok"},
        "focus": [{"reference": urls["request"]}],
    }
    entries = [(urls["header"], header), (urls["request"], request), (urls["patient"], patient),
               (urls["practice"], {"resourceType": "Organization", "meta": {"profile": [profile("Organization")]},
                                   "identifier": [{"system": ODS_SYSTEM, "value": referral.practice.ods_code}],
                                   "name": referral.practice.name})]
    if event == "declined_by_service" and referral.decline_reason:
        header["reason"]["text"] += f": {referral.decline_reason}"
    if event == "declined_by_person":
        entries.append((_urn(), coded_observation(SOCIAL_PRESCRIBING_DECLINED, patient_url=urls["patient"],
                                                  on=referral.person_declined_on, note=referral.decline_reason or "")))
    first_contact = referral.episode.first_contact_on if referral.episode else None
    if first_contact is not None:
        entries.append((_urn(), coded_observation(REFERRAL_TO_SOCIAL_PRESCRIBING, patient_url=urls["patient"],
                                                  on=first_contact, note="The person accepted social prescribing "
                                                  "(first contact with the link worker)")))
    if summary is not None:
        composition_url = _urn()
        entries.append((composition_url, composition(summary, patient_url=urls["patient"],
                                                     service_name=service_name, when=when)))
        if pdf is not None:
            entries.append((_urn(), pdf_document_reference(pdf, patient_url=urls["patient"],
                                                           composition_url=composition_url,
                                                           service_name=service_name, when=when)))
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "identifier": {"system": "urn:ietf:rfc:3986", "value": _urn()},
        "type": "message",
        "timestamp": when.isoformat(timespec="seconds"),
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }
