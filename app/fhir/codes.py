"""Identifier systems, profile URLs and SNOMED CT codes, checked against public NHS sources
(the BaRS v1.4.0 examples and UK Core R4; see tests/standards/bars/README.md)."""
from __future__ import annotations

FHIR_VERSION = "4.0.1"

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
# Real messages spell the ODS system both ways; both are accepted, the first is sent.
ODS_SYSTEMS = frozenset({ODS_SYSTEM, "https://fhir.nhs.uk/id/ods-organization-code"})
SNOMED_SYSTEM = "http://snomed.info/sct"

MESSAGE_EVENTS_SYSTEM = "https://fhir.nhs.uk/CodeSystem/message-events-bars"
EVENT_REQUEST = "servicerequest-request"
EVENT_RESPONSE = "servicerequest-response"
HTTP_ERROR_CODES_SYSTEM = "https://fhir.nhs.uk/Codesystem/http-error-codes"

# SNOMED CT
REFERRAL_TO_SOCIAL_PRESCRIBING = "871731000000106"  # procedure: the person accepts (first contact of an episode)
SOCIAL_PRESCRIBING_DECLINED = "871711000000103"  # situation: the person declines
SNOMED_DISPLAY = {
    REFERRAL_TO_SOCIAL_PRESCRIBING: "Referral to social prescribing service",
    SOCIAL_PRESCRIBING_DECLINED: "Social prescribing declined",
}

UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/"


def profile(resource_type: str) -> str:
    """The UK Core profile URL of a resource type, e.g. profile("Patient")."""
    return f"{UK_CORE}UKCore-{resource_type}"


ETHNIC_CATEGORY_EXTENSION = f"{UK_CORE}Extension-UKCore-EthnicCategory"
ETHNIC_CATEGORY_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland"
