"""FHIR JSON responses: `application/fhir+json`, never cached (a ServiceRequest names a person)."""
from __future__ import annotations

import json

from flask import current_app

from app.fhir.outcome import operation_outcome

FHIR_JSON = "application/fhir+json"
ISSUE_CODE = {400: "invalid", 401: "forbidden", 403: "forbidden", 404: "not-found", 405: "not-supported",
              409: "conflict", 413: "too-costly", 415: "not-supported", 422: "not-supported", 429: "throttled",
              500: "exception"}


def fhir_response(body: dict, status: int = 200, headers: dict | None = None):
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status, mimetype=FHIR_JSON)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(status: int, diagnostics: str, expression: str | None = None):
    """The answer to any refusal under /fhir/ (including 404, 405, 413, 429 and 500)."""
    return fhir_response(operation_outcome(status, ISSUE_CODE.get(status, "processing"), diagnostics, expression),
                         status)
