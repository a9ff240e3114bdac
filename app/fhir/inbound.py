"""Reading a BaRS-shaped referral message (`servicerequest-request`) into the referral form's fields.

The body is parsed with `fhir.resources` (R4B models, which read R4 JSON) so that anything that
is not valid FHIR is refused with the library's own reasons; then the UK Core and BaRS
must-haves are checked here (event code, SNOMED CT code, NHS number system, ODS system, profile
URLs), and the person's details with the referral form's own rules. Every refusal is a
`FhirError` whose `expression` names the element. Pure: no database, no Flask request.

Mapping (CONTRACT §5): concerns ↔ ServiceRequest.note; MDT meeting date ↔ the date of
authoredOn; referrer ↔ Practitioner.name and PractitionerRole.code.text; consents ↔ two Consents
(active, permit, scope treatment / patient-privacy); home-visit risks ↔ Flag.code.text, and a
flag that matches no known risk is kept in the risk notes; need areas ↔ reasonCode text; contact
method ↔ phone when the patient has a phone, else letter.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pydantic import ValidationError

from app.fhir.codes import (EVENT_REQUEST, MESSAGE_EVENTS_SYSTEM, REFERRAL_TO_SOCIAL_PRESCRIBING, SNOMED_SYSTEM,
                            UK_CORE, profile)
from app.fhir.outcome import FhirError
from app.fhir.patient import ods_code_of, read_patient
from app.fhir.service_request import CONTACT_TIMES_NOTE
from app.models.base import uk_today

CONSENT_SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope"
MAX_LIST = 50  # more need areas, flags or notes than this is not a referral


@dataclass
class ParsedReferral:
    message_id: str
    practice_ods: str
    details: dict = field(default_factory=dict)  # keyword arguments of referrals.submit
    equality: dict = field(default_factory=dict)  # sex, ethnic category, … (when the model has them)


def parse_json(raw: bytes) -> dict:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FhirError(400, "invalid", "The body is not valid JSON", "Bundle") from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise FhirError(400, "invalid", "The body must be a FHIR Bundle", "Bundle.resourceType")
    return data


def _expression(data: dict, loc: tuple) -> str:
    """A pydantic error location as a FHIRPath-like element name: ('entry', 2, 'resource',
    'birthDate') in a bundle whose third entry is a Patient becomes 'Patient.birthDate'."""
    parts = [str(p) for p in loc if not str(p).startswith("function-")]
    if len(loc) >= 3 and loc[0] == "entry" and isinstance(loc[1], int) and loc[2] == "resource":
        entries = data.get("entry") if isinstance(data.get("entry"), list) else []
        resource = entries[loc[1]].get("resource") if loc[1] < len(entries) and isinstance(entries[loc[1]], dict) else None
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if isinstance(kind, str) and kind.isalpha():
            rest = [p for p in parts[3:] if not p.isdigit()]
            return ".".join([kind[:40], *rest])
    return ".".join(["Bundle", *[p for p in parts if not p.isdigit()]])


def parse_bundle(data: dict):
    from fhir.resources.R4B.bundle import Bundle

    try:
        return Bundle.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid"}
        message = str(first.get("msg", "invalid"))[:300]
        raise FhirError(400, "invalid", f"Not valid FHIR R4: {message}", _expression(data, tuple(first.get("loc", ()))))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        raise FhirError(400, "invalid", f"Not valid FHIR R4: {str(error)[:300]}", "Bundle") from None


class _Entries:
    """The bundle's resources, found by fullUrl or by `Type/id`."""

    def __init__(self, bundle):
        self.resources = [entry.resource for entry in bundle.entry or [] if entry.resource is not None]
        self.by_url = {}
        for entry in bundle.entry or []:
            if entry.resource is None:
                continue
            if entry.fullUrl:
                self.by_url[entry.fullUrl] = entry.resource
            if entry.resource.id:
                self.by_url[f"{entry.resource.get_resource_type()}/{entry.resource.id}"] = entry.resource

    def resolve(self, reference, kind: str | tuple[str, ...], where: str, required: bool = True):
        kinds = (kind,) if isinstance(kind, str) else kind
        target = None
        if reference is not None and reference.reference:
            ref = reference.reference
            target = self.by_url.get(ref) or next(
                (r for url, r in self.by_url.items() if url.endswith("/" + ref)), None)
        if target is None or target.get_resource_type() not in kinds:
            if not required:
                return None
            raise FhirError(400, "required" if reference is None else "invalid",
                            f"{where} must refer to a {' or '.join(kinds)} in the bundle", where)
        return target

    def of_type(self, kind: str) -> list:
        return [r for r in self.resources if r.get_resource_type() == kind]


def _check_profile(resource, where: str) -> None:
    """A resource that claims profiles must claim the UK Core one (claiming none is allowed)."""
    claimed = list(resource.meta.profile or []) if resource.meta else []
    wanted = profile(resource.get_resource_type())
    if claimed and wanted not in claimed and not any(p.startswith(UK_CORE) or "fhir.nhs.uk" in p for p in claimed):
        raise FhirError(400, "invalid", f"{where} must conform to {wanted}", f"{where}.meta.profile")


def _text_of(concept) -> str:
    if concept is None:
        return ""
    if concept.text and concept.text.strip():
        return concept.text.strip()
    return next((c.display.strip() for c in concept.coding or [] if c.display and c.display.strip()), "")


def read_message(raw: bytes) -> ParsedReferral:
    """Everything the referral needs from the message, or a FhirError (400/422)."""
    data = parse_json(raw)
    bundle = parse_bundle(data)
    if bundle.type != "message":
        raise FhirError(400, "invalid", "Bundle.type must be 'message'", "Bundle.type")
    entries = _Entries(bundle)
    if not entries.resources or entries.resources[0].get_resource_type() != "MessageHeader":
        raise FhirError(400, "invalid", "The first entry of the bundle must be a MessageHeader", "Bundle.entry")
    header = (bundle.entry or [])[0].resource
    if not header.id:
        raise FhirError(400, "required", "MessageHeader.id is required: it identifies the message",
                        "MessageHeader.id")
    event = header.eventCoding
    if event is None or event.system != MESSAGE_EVENTS_SYSTEM:
        raise FhirError(400, "invalid", f"MessageHeader.eventCoding must be from {MESSAGE_EVENTS_SYSTEM}",
                        "MessageHeader.eventCoding")
    if event.code != EVENT_REQUEST:
        raise FhirError(422, "not-supported", f"Only the {EVENT_REQUEST} event is supported",
                        "MessageHeader.eventCoding")
    focus = (header.focus or [None])[0]
    request = entries.resolve(focus, "ServiceRequest", "MessageHeader.focus")
    _check_profile(request, "ServiceRequest")
    if not any(c.system == SNOMED_SYSTEM and c.code == REFERRAL_TO_SOCIAL_PRESCRIBING
               for c in (request.code.coding if request.code else None) or []):
        raise FhirError(400, "invalid", f"ServiceRequest.code must be SNOMED CT {REFERRAL_TO_SOCIAL_PRESCRIBING}",
                        "ServiceRequest.code")
    patient = entries.resolve(request.subject, "Patient", "ServiceRequest.subject")
    _check_profile(patient, "Patient")
    person = read_patient(patient)
    equality = {name: person.pop(name) for name in ("sex", "ethnic_category", "interpreter_needed",
                                                    "preferred_language")}
    details = {**person, "contact_method": "phone" if person["phone"] else "letter",
               "accessibility_needs": _limited(request.patientInstruction or "", 1000,
                                               "ServiceRequest.patientInstruction")}
    details.update(_needs_and_concerns(request))
    details.update(_risks(entries, patient))
    details.update(_referrer(entries, request))
    details.update(_consents(entries))
    return ParsedReferral(message_id=str(header.id), practice_ods=_practice(entries, patient),
                          details=details, equality=equality)


def _limited(text: str, most: int, where: str) -> str:
    text = text.strip()
    if len(text) > most:
        raise FhirError(400, "invalid", f"{where} must be {most} characters or fewer", where)
    return text


def _practice(entries: _Entries, patient) -> str:
    gp = (patient.generalPractitioner or [None])[0]
    if gp is None:
        raise FhirError(400, "required", "The patient's registered GP practice is required",
                        "Patient.generalPractitioner")
    code = ods_code_of(gp.identifier)
    if code is None:
        organisation = entries.resolve(gp, "Organization", "Patient.generalPractitioner")
        code = next((c for c in (ods_code_of(i) for i in organisation.identifier or []) if c), None)
    if not code:
        raise FhirError(400, "required", "The patient's GP practice needs an ODS code identifier",
                        "Organization.identifier")
    return code[:20]


def _needs_and_concerns(request) -> dict:
    from app.models.vocab import NeedArea

    known = {area.label.lower(): area.value for area in NeedArea} | {area.value: area.value for area in NeedArea}
    reasons = request.reasonCode or []
    if len(reasons) > MAX_LIST:
        raise FhirError(400, "invalid", "Too many reasons", "ServiceRequest.reasonCode")
    areas, other = [], []
    for reason in reasons:
        text = _text_of(reason)
        (areas if text.lower() in known else other).append(known.get(text.lower(), text))
    if not areas:
        raise FhirError(400, "required", "At least one reasonCode must name a need area, e.g. "
                        f"'{NeedArea.LONELINESS.label}'", "ServiceRequest.reasonCode")
    notes = [n.text.strip() for n in request.note or [] if n.text and n.text.strip()]
    times = [n[len(CONTACT_TIMES_NOTE):].strip() for n in notes if n.startswith(CONTACT_TIMES_NOTE)]
    notes = [n for n in notes if not n.startswith(CONTACT_TIMES_NOTE)]
    if other:
        notes.append("Other reasons given: " + "; ".join(o for o in other if o))
    concerns = _limited("\n\n".join(notes), 4000, "ServiceRequest.note")
    if not concerns:
        raise FhirError(400, "required", "Say what the practice is worried about in ServiceRequest.note",
                        "ServiceRequest.note")
    return {"need_areas": list(dict.fromkeys(areas)), "concerns": concerns,
            "contact_times": _limited("; ".join(times), 200, "ServiceRequest.note")}


def _risks(entries: _Entries, patient) -> dict:
    from app.models.vocab import HomeVisitRisk

    known = {risk.label.lower(): risk.value for risk in HomeVisitRisk} | {r.value: r.value for r in HomeVisitRisk}
    flags = [f for f in entries.of_type("Flag") if f.status == "active"]
    if len(flags) > MAX_LIST:
        raise FhirError(400, "invalid", "Too many flags", "Flag")
    risks, notes = [], []
    for flag in flags:
        text = _text_of(flag.code)
        if text.lower() in known:
            risks.append(known[text.lower()])
        elif text:
            notes.append(text)  # a risk we have no box for is still a risk: keep it in the notes
    return {"risks": list(dict.fromkeys(risks)), "risk_notes": _limited("\n".join(notes), 2000, "Flag.code")}


def _referrer(entries: _Entries, request) -> dict:
    who = entries.resolve(request.requester, ("PractitionerRole", "Practitioner"), "ServiceRequest.requester")
    role_text, practitioner = "", who
    if who.get_resource_type() == "PractitionerRole":
        role_text = next((t for t in (_text_of(c) for c in who.code or []) if t), "")
        practitioner = entries.resolve(who.practitioner, "Practitioner", "PractitionerRole.practitioner")
    name = (practitioner.name or [None])[0]
    full = ""
    if name is not None:
        full = (name.text or " ".join([*(name.prefix or []), *(name.given or []), name.family or ""])).strip()
    if not full:
        raise FhirError(400, "required", "The referrer's name is required", "Practitioner.name")
    if not role_text:
        raise FhirError(400, "required", "The referrer's role is required (PractitionerRole.code.text)",
                        "PractitionerRole.code")
    authored = request.authoredOn
    if authored is None:
        raise FhirError(400, "required", "ServiceRequest.authoredOn (the MDT meeting date) is required",
                        "ServiceRequest.authoredOn")
    meeting = authored.date() if isinstance(authored, datetime) else authored
    if not isinstance(meeting, date):
        raise FhirError(400, "invalid", "ServiceRequest.authoredOn must be a full date", "ServiceRequest.authoredOn")
    if meeting > uk_today():
        raise FhirError(400, "invalid", "The MDT meeting date must be today or in the past", "ServiceRequest.authoredOn")
    if meeting < uk_today() - timedelta(days=366):
        raise FhirError(400, "invalid", "The MDT meeting date must be within the last year",
                        "ServiceRequest.authoredOn")
    return {"referrer_name": _limited(" ".join(full.split()), 120, "Practitioner.name"),
            "referrer_role": _limited(role_text, 80, "PractitionerRole.code"), "mdt_meeting_date": meeting}


def _consents(entries: _Entries) -> dict:
    given = set()
    for consent in entries.of_type("Consent"):
        permits = consent.status == "active" and consent.provision is not None and consent.provision.type == "permit"
        scopes = {c.code for c in (consent.scope.coding if consent.scope else None) or []
                  if c.system == CONSENT_SCOPE_SYSTEM}
        if permits:
            given |= scopes
    if "treatment" not in given:
        raise FhirError(400, "required", "An active Consent (scope treatment, provision permit) to the referral "
                        "is required", "Consent")
    if "patient-privacy" not in given:
        raise FhirError(400, "required", "An active Consent (scope patient-privacy, provision permit) to sharing "
                        "the person's information is required", "Consent")
    return {"consent_to_referral": True, "consent_to_share": True}
