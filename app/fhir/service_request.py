"""A referral as a UK Core ServiceRequest: what `GET /fhir/ServiceRequest/<id>` answers, and the
focus of the messages back (F2 builds those bundles around this same function).

Status follows the referral: `active` while waiting or in support, `revoked` when declined,
`completed` when discharged. The code is SNOMED CT 871731000000106 (referral to social
prescribing service); need areas travel as `reasonCode` text because no need-area code has been
verified against the social prescribing reference sets yet.
"""
from __future__ import annotations

from app.fhir.codes import (NHS_NUMBER_SYSTEM, ODS_SYSTEM, REFERRAL_TO_SOCIAL_PRESCRIBING, SNOMED_DISPLAY,
                            SNOMED_SYSTEM, profile)

# The best times to contact the person travel as a note of their own, marked so it can be read back.
CONTACT_TIMES_NOTE = "Best times to contact: "
# Declined by the service or by the person: revoked. Everything else is "active".
FHIR_STATUS = {"declined": "revoked", "declined_by_person": "revoked", "discharged": "completed"}


def fhir_status(referral) -> str:
    return FHIR_STATUS.get(referral.status, "active")


def referral_code() -> dict:
    return {"coding": [{"system": SNOMED_SYSTEM, "code": REFERRAL_TO_SOCIAL_PRESCRIBING,
                        "display": SNOMED_DISPLAY[REFERRAL_TO_SOCIAL_PRESCRIBING]}]}


def service_request_for(referral, *, patient_reference: str | None = None,
                        requester_reference: str | None = None, supporting: list[str] = ()) -> dict:
    """The referral as a ServiceRequest. On its own (a read) the patient and the requesting practice
    are logical references (NHS number, ODS code); inside a message bundle pass the entries'
    fullUrls instead."""
    from app.models.vocab import NeedArea

    subject = ({"reference": patient_reference} if patient_reference else
               {"type": "Patient", "identifier": {"system": NHS_NUMBER_SYSTEM, "value": referral.nhs_number},
                "display": referral.full_name})
    requester = ({"reference": requester_reference} if requester_reference else
                 {"type": "Organization", "display": referral.practice.name,
                  "identifier": {"system": ODS_SYSTEM, "value": referral.practice.ods_code}})
    resource: dict = {
        "resourceType": "ServiceRequest",
        "id": str(referral.id),
        "meta": {"profile": [profile("ServiceRequest")]},
        "status": fhir_status(referral),
        "intent": "order",
        "code": referral_code(),
        "subject": subject,
        "authoredOn": referral.mdt_meeting_date.isoformat(),
        "requester": requester,
        "reasonCode": [{"text": NeedArea(area).label} for area in referral.need_areas],
    }
    if supporting:
        resource["supportingInfo"] = [{"reference": ref} for ref in supporting]
    notes = [{"text": referral.concerns}] if referral.concerns else []
    if referral.contact_times:
        notes.append({"text": CONTACT_TIMES_NOTE + referral.contact_times})
    if notes:
        resource["note"] = notes
    if referral.accessibility_needs:
        resource["patientInstruction"] = referral.accessibility_needs
    return resource
