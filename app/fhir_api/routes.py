"""The FHIR endpoints: thin, each loading, calling one service and answering FHIR JSON."""
from __future__ import annotations

from flask import current_app, g, request

from app.fhir.capability import capability_statement
from app.fhir.outcome import FhirError, created_outcome
from app.fhir.service_request import service_request_for
from app.fhir_api import bp
from app.fhir_api.auth import token_required
from app.fhir_api.responses import FHIR_JSON, error_response, fhir_response
from app.security import public
from app.services import fhir_referrals

ACCEPTED_TYPES = (FHIR_JSON, "application/json")  # plain JSON too: some engines send it for FHIR


@bp.get("/metadata")
@public
def metadata():
    return fhir_response(capability_statement(request.url_root.rstrip("/") + "/fhir"))


def _body() -> bytes:
    limit = current_app.config["FHIR_MAX_BODY_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise FhirError(413, "too-costly", f"The message is larger than {limit} bytes", "Bundle")
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise FhirError(413, "too-costly", f"The message is larger than {limit} bytes", "Bundle")
    return raw


@bp.post("/$process-message")
@token_required("fhir.process_message")
def process_message():
    client = g.api_client
    raw = b""
    try:
        if request.mimetype not in ACCEPTED_TYPES:
            raise FhirError(415, "not-supported", f"Send the message as {FHIR_JSON}", "Bundle")
        raw = _body()
        referral = fhir_referrals.receive(client=client, raw=raw)
    except FhirError as error:
        fhir_referrals.record_call(client=client, action="fhir.process_message", status=error.status,
                                   detail=f"{fhir_referrals.message_summary(raw)}: {error.diagnostics[:200]}")
        return fhir_response(error.outcome(), error.status)
    location = f"/fhir/ServiceRequest/{referral.id}"
    return fhir_response(created_outcome(f"Referral stored as ServiceRequest {referral.id}"), 201,
                         {"Location": location})


@bp.get("/ServiceRequest/<int:referral_id>")
@token_required("fhir.service_request.read")
def service_request(referral_id: int):
    client = g.api_client
    try:
        referral = fhir_referrals.referral_for(client=client, referral_id=referral_id)
    except FhirError as error:
        fhir_referrals.record_call(client=client, action="fhir.service_request.read", status=error.status,
                                   detail=f"ServiceRequest {referral_id}")
        return error_response(error.status, error.diagnostics, error.expression)
    body = service_request_for(referral)
    fhir_referrals.record_call(client=client, action="fhir.service_request.read", status=200, referral=referral)
    return fhir_response(body)
