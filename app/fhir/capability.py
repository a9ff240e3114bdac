"""The CapabilityStatement `GET /fhir/metadata` answers: what this server accepts, in FHIR's words."""
from __future__ import annotations

from app.fhir.codes import FHIR_VERSION, profile


def capability_statement(base_url: str) -> dict:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-02",
        "publisher": "Hearthlink",
        "kind": "instance",
        "software": {"name": "Hearthlink"},
        "implementation": {"description": "Hearthlink social prescribing referrals (BaRS-shaped messaging)",
                           "url": base_url},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json"],
        "rest": [{
            "mode": "server",
            "security": {"cors": False, "description": "OAuth-style bearer token issued to a registered API client "
                                                      "(one GP practice) with `flask api-clients create`"},
            "resource": [{"type": "ServiceRequest", "profile": profile("ServiceRequest"),
                          "interaction": [{"code": "read"}]}],
            "operation": [{"name": "process-message",
                           "definition": "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message"}],
        }],
        "messaging": [{"supportedMessage": [{
            "mode": "receiver",
            "definition": "https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-request"}]}],
    }
