"""Storing a referral that arrived as a FHIR message, through the same `referrals.submit` the web
form uses: the same validation, duplicate rule and triage queue. The original message is kept
with the referral in the same transaction (`on_stored`), so either both are stored or neither.

Answers in CONTRACT §5's order (the caller has already refused a bad token, 401): 400/422 for the
message itself, then 403 when the patient's practice is not the client's, then 409 for a message
already processed or a person already with the service.
"""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.fhir.inbound import read_message
from app.fhir.outcome import FhirError
from app.models import Referral
from app.models.api_client import ApiClient, InboundMessage
from app.services import audit, referrals
from app.services.errors import RuleBroken

# Where a rule the referral service enforces lives in the message.
FIELD_ELEMENT = {
    "nhs_number": "Patient.identifier", "postcode": "Patient.address.postalCode", "need_areas": "ServiceRequest.reasonCode",
    "consent_to_referral": "Consent", "consent_to_share": "Consent", "contact_method": "Patient.telecom",
    "sex": "Patient.gender", "ethnic_category": "Patient.extension", "preferred_language": "Patient.communication",
}


def receive(*, client: ApiClient, raw: bytes) -> Referral:
    """Store the referral the message carries, or raise FhirError (400, 403, 409 or 422)."""
    parsed = read_message(raw)
    practice = client.practice
    if parsed.practice_ods != practice.ods_code:
        raise FhirError(403, "forbidden", f"This client may refer only patients of practice {practice.ods_code}",
                        "Patient.generalPractitioner")
    if db.session.scalar(select(InboundMessage.id).where(InboundMessage.message_id == parsed.message_id)):
        raise FhirError(409, "duplicate", "The message has already been processed (same MessageHeader.id); "
                        "nothing new was stored", "MessageHeader.id")

    def keep_message(referral: Referral) -> None:
        db.session.add(InboundMessage(message_id=parsed.message_id, api_client_id=client.id,
                                      referral_id=referral.id, body=raw.decode("utf-8")))
        audit.record(by=None, action="fhir.referral_received", subject_type="referral", subject_id=referral.id,
                     detail=f"api client {client.name}, message {parsed.message_id}")

    try:
        return referrals.submit(by=None, practice=practice, **parsed.details,
                                **parsed.equality, on_stored=keep_message)
    except referrals.DuplicateReferral:
        raise FhirError(409, "duplicate", "The person already has an open referral or support episode with the "
                        "link service; nothing new was stored", "Patient.identifier") from None
    except IntegrityError:
        db.session.rollback()  # the same message arriving twice at once: the second loses on message_id
        raise FhirError(409, "duplicate", "The message has already been processed (same MessageHeader.id); "
                        "nothing new was stored", "MessageHeader.id") from None
    except RuleBroken as error:
        db.session.rollback()
        raise FhirError(400, "invalid", error.message, FIELD_ELEMENT.get(error.field or "", "Bundle")) from None
    except ValueError as error:
        db.session.rollback()
        raise FhirError(400, "invalid", str(error)[:300], "Bundle") from None


def referral_for(*, client: ApiClient, referral_id: int) -> Referral:
    """A referral the client's practice made, or 404 (another practice's referrals are not disclosed)."""
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.practice_id != client.practice_id:
        raise FhirError(404, "not-found", f"No ServiceRequest {referral_id} for practice {client.practice.ods_code}",
                        "ServiceRequest.id")
    return referral


def record_call(*, client: ApiClient | None, action: str, status: int, detail: str = "",
                referral: Referral | None = None) -> None:
    """Every call is audited: who (the client, if its token was good), what, and the answer."""
    who = f"api client {client.name}" if client else "no valid token"
    audit.record(by=None, action=action, subject_type="referral" if referral else "api_client",
                 subject_id=referral.id if referral else (client.id if client else ""),
                 detail=f"{who}; answered {status}" + (f"; {detail}" if detail else ""),
                 person_id=referral.person_id if referral else None)
    db.session.commit()


def message_summary(raw: bytes) -> str:
    """A short, safe description of a refused body for the audit log (never the person's details)."""
    try:
        data = json.loads(raw.decode("utf-8"))
        header = (data.get("entry") or [{}])[0].get("resource", {})
        return f"message {str(header.get('id', '?'))[:64]}"
    except (ValueError, AttributeError, TypeError, IndexError, UnicodeDecodeError, RecursionError):
        return "unreadable body"
