"""OperationOutcome bodies in the shape of the BaRS v1.4.0 examples, and the error that carries one.

Every answer of the FHIR API is an OperationOutcome: `issue.code` is a FHIR issue type
(`invalid`, `required`, `forbidden`, `duplicate`, `not-supported`, …), `issue.details` carries the
BaRS HTTP error code (`REC_BAD_REQUEST`, …) and `issue.expression` names the element at fault,
so a sending system can show its user what to correct.
"""
from __future__ import annotations

import uuid

from app.fhir.codes import HTTP_ERROR_CODES_SYSTEM, profile

# The BaRS receiver error code for each HTTP status we answer with.
BARS_ERROR_CODE = {
    400: "REC_BAD_REQUEST", 401: "REC_UNAUTHORIZED", 403: "REC_FORBIDDEN", 404: "REC_NOT_FOUND",
    405: "REC_METHOD_NOT_ALLOWED", 406: "REC_NOT_ACCEPTABLE", 409: "REC_CONFLICT", 413: "REC_BAD_REQUEST",
    415: "REC_UNSUPPORTED_MEDIA_TYPE", 422: "REC_UNPROCESSABLE_ENTITY", 429: "REC_TOO_MANY_REQUESTS",
    500: "REC_SERVER_ERROR",
}
SUCCESS_CODE_SYSTEM = "https://fhir.nhs.uk/CodeSystem/NRLF-SuccessCode"


class FhirError(Exception):
    """A refusal with its HTTP status and the OperationOutcome issue that explains it."""

    def __init__(self, status: int, code: str, diagnostics: str, expression: str | None = None):
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.expression = expression

    def outcome(self) -> dict:
        return operation_outcome(self.status, self.code, self.diagnostics, self.expression)


def operation_outcome(status: int, code: str, diagnostics: str, expression: str | None = None) -> dict:
    """An error OperationOutcome with one issue, e.g. (400, "required", "...", "Patient.identifier")."""
    issue: dict = {
        "severity": "error",
        "code": code,
        "details": {"coding": [{"system": HTTP_ERROR_CODES_SYSTEM,
                                "code": BARS_ERROR_CODE.get(status, "REC_BAD_REQUEST")}]},
        "diagnostics": diagnostics,
    }
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "id": str(uuid.uuid4()),
            "meta": {"profile": [profile("OperationOutcome")]}, "issue": [issue]}


def created_outcome(diagnostics: str = "Resource created") -> dict:
    """The synchronous acknowledgement of a stored referral (BaRS `201_POST.json`)."""
    return {"resourceType": "OperationOutcome", "id": str(uuid.uuid4()),
            "meta": {"profile": [profile("OperationOutcome")]},
            "issue": [{"severity": "information", "code": "informational",
                       "details": {"coding": [{"system": SUCCESS_CODE_SYSTEM, "code": "RESOURCE_CREATED",
                                               "display": "Resource Created"}]},
                       "diagnostics": diagnostics}]}
