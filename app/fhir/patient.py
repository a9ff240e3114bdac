"""A person as a UK Core Patient, and back.

Out: the details a referral or person record holds (both share `IdentityDetails`), with the NHS
number identifier, the registered practice as `generalPractitioner` (ODS code), sex as `gender`,
the NHS ethnic category as the UK Core extension, and interpreter and language as
`communication` and the HL7 `patient-interpreterRequired` extension.
In: the same elements read from a parsed `fhir.resources` Patient; a missing or invalid element
is a `FhirError` naming it. "Not stated" is what we record whenever the message does not say.
"""
from __future__ import annotations

from datetime import date

from app.fhir.codes import (ETHNIC_CATEGORY_EXTENSION, ETHNIC_CATEGORY_SYSTEM, NHS_NUMBER_SYSTEM, ODS_SYSTEM,
                            ODS_SYSTEMS, profile)
from app.fhir.outcome import FhirError
from app.models.base import uk_today
from app.validators import FIRST_YEAR, normalise_nhs_number, normalise_phone, normalise_postcode

INTERPRETER_EXTENSION = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
# The BaRS v1.4.0 example spells the ethnic category system without "England"; accept both.
ETHNIC_CATEGORY_SYSTEMS = frozenset({ETHNIC_CATEGORY_SYSTEM,
                                     "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategory"})
GENDER_TO_SEX = {"female": "female", "male": "male", "other": "other", "unknown": "not_stated"}
SEX_TO_GENDER = {"female": "female", "male": "male", "other": "other", "not_stated": "unknown"}


def patient_resource(record, *, practice, resource_id: str | None = None) -> dict:
    """`record` is a Referral or Person; `practice` their registered GP practice."""
    patient: dict = {"resourceType": "Patient", "meta": {"profile": [profile("Patient")]}}
    if resource_id:
        patient["id"] = resource_id
    extensions = []
    ethnic = getattr(record, "ethnic_category", None)
    if ethnic:
        from app.models.vocab import EthnicCategory

        extensions.append({"url": ETHNIC_CATEGORY_EXTENSION, "valueCodeableConcept": {"coding": [
            {"system": ETHNIC_CATEGORY_SYSTEM, "code": ethnic, "display": EthnicCategory(ethnic).label}]}})
    if getattr(record, "interpreter_needed", None) is not None:
        extensions.append({"url": INTERPRETER_EXTENSION, "valueBoolean": bool(record.interpreter_needed)})
    if extensions:
        patient["extension"] = extensions
    patient["identifier"] = [{"system": NHS_NUMBER_SYSTEM, "value": record.nhs_number}]
    patient["name"] = [{"use": "official", "family": record.family_name, "given": [record.given_name]}]
    if record.phone:
        patient["telecom"] = [{"system": "phone", "value": record.phone, "use": "home"}]
    sex = getattr(record, "sex", None)
    if sex:
        patient["gender"] = SEX_TO_GENDER.get(sex, "unknown")
    patient["birthDate"] = record.date_of_birth.isoformat()
    patient["address"] = [{"use": "home", "line": record.address_lines or [record.address],
                           "postalCode": record.postcode}]
    language = getattr(record, "preferred_language", "")
    if language:
        patient["communication"] = [{"language": {"text": language}, "preferred": True}]
    patient["generalPractitioner"] = [{"type": "Organization", "display": practice.name,
                                       "identifier": {"system": ODS_SYSTEM, "value": practice.ods_code}}]
    return patient


def _text(value) -> str:
    return (value or "").strip()


def read_patient(patient) -> dict:
    """The person's details from a `fhir.resources` Patient, validated as the referral form does."""
    numbers = [i for i in (patient.identifier or []) if i.system == NHS_NUMBER_SYSTEM and i.value]
    if not numbers:
        raise FhirError(400, "required", f"The patient has no identifier with system {NHS_NUMBER_SYSTEM}",
                        "Patient.identifier")
    try:
        nhs_number = normalise_nhs_number(numbers[0].value)
    except ValueError as error:
        raise FhirError(400, "invalid", str(error), "Patient.identifier") from None
    names = patient.name or []
    name = next((n for n in names if n.use == "official"), names[0] if names else None)
    given = " ".join(_text(g) for g in (name.given or []) if _text(g)) if name else ""
    family = _text(name.family) if name else ""
    if not given or not family:
        raise FhirError(400, "required", "The patient's name needs a given and a family name", "Patient.name")
    if len(given) > 80 or len(family) > 80:
        raise FhirError(400, "invalid", "Each part of the patient's name must be 80 characters or fewer",
                        "Patient.name")
    born = patient.birthDate
    if not isinstance(born, date):
        raise FhirError(400, "required", "The patient's full date of birth is required", "Patient.birthDate")
    _check_birth_date(born)
    details = {"nhs_number": nhs_number, "given_name": given, "family_name": family, "date_of_birth": born}
    details.update(_read_address(patient))
    details["phone"] = _read_phone(patient)
    details.update(read_equality(patient))
    return details


def _check_birth_date(born: date) -> None:
    """The referral form's rules: an adult, born within the last 120 years."""
    from datetime import timedelta

    from app.validators import age_on

    today = uk_today()
    if born > today:
        problem = "Date of birth must be in the past"
    elif age_on(born, today) < 18:
        problem = "The link service supports adults: the person must be 18 or over"
    elif born < today - timedelta(days=365 * 120) or born.year < FIRST_YEAR:
        problem = "Date of birth must be within the last 120 years"
    else:
        return
    raise FhirError(400, "invalid", problem, "Patient.birthDate")


def _read_address(patient) -> dict:
    addresses = patient.address or []
    address = next((a for a in addresses if a.use == "home"), addresses[0] if addresses else None)
    if address is None:
        raise FhirError(400, "required", "The patient's home address is required", "Patient.address")
    lines = [_text(line) for line in (address.line or []) if _text(line)]
    lines += [_text(part) for part in (address.city, address.district) if _text(part) and _text(part) not in lines]
    if not lines and _text(address.text):
        lines = [_text(address.text)]
    if not lines:
        raise FhirError(400, "required", "The patient's address has no lines", "Patient.address.line")
    text = "\n".join(lines)
    if len(text) > 500:
        raise FhirError(400, "invalid", "The address must be 500 characters or fewer", "Patient.address.line")
    try:
        postcode = normalise_postcode(address.postalCode or "")
    except ValueError as error:
        raise FhirError(400, "invalid" if address.postalCode else "required", str(error),
                        "Patient.address.postalCode") from None
    return {"address": text, "postcode": postcode}


def _read_phone(patient) -> str:
    phones = [t for t in (patient.telecom or []) if t.system == "phone" and _text(t.value)]
    phones.sort(key=lambda t: t.rank or 1_000_000)
    if not phones:
        return ""
    try:
        phone = normalise_phone(phones[0].value)
    except ValueError as error:
        raise FhirError(400, "invalid", str(error), "Patient.telecom") from None
    if len(phone) > 30:
        raise FhirError(400, "invalid", "The phone number is too long", "Patient.telecom")
    return phone


def read_equality(patient) -> dict:
    """Sex, ethnic category, interpreter and language, each "not stated" when the message is silent."""
    from app.models.vocab import EthnicCategory

    equality = {"sex": GENDER_TO_SEX.get(patient.gender or "unknown", "not_stated"),
                "ethnic_category": EthnicCategory.NOT_STATED.value, "interpreter_needed": False,
                "preferred_language": ""}
    for extension in patient.extension or []:
        if extension.url == ETHNIC_CATEGORY_EXTENSION and extension.valueCodeableConcept:
            codes = [c.code for c in extension.valueCodeableConcept.coding or []
                     if c.system in ETHNIC_CATEGORY_SYSTEMS and c.code]
            if codes:
                if codes[0] not in {c.value for c in EthnicCategory}:
                    raise FhirError(400, "code-invalid", f"Unknown ethnic category {codes[0][:20]!r}",
                                    "Patient.extension:ethnicCategory")
                equality["ethnic_category"] = codes[0]
        elif extension.url == INTERPRETER_EXTENSION and extension.valueBoolean is not None:
            equality["interpreter_needed"] = bool(extension.valueBoolean)
    preferred = [c for c in (patient.communication or []) if c.preferred] or list(patient.communication or [])
    if preferred and preferred[0].language:
        language = preferred[0].language
        name = _text(language.text) or next((_text(c.display) for c in language.coding or [] if _text(c.display)), "")
        equality["preferred_language"] = name[:60]
    return equality


def ods_code_of(identifier) -> str | None:
    """The ODS code of an Identifier under either spelling of the ODS system, else None."""
    if identifier is not None and identifier.system in ODS_SYSTEMS and identifier.value:
        return identifier.value.strip().upper()
    return None
