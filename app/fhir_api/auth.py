"""Bearer-token authentication for the FHIR API, and the per-client rate-limit key."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, request
from flask_limiter.util import get_remote_address

from app.models.api_client import token_hash
from app.security import ACCESS_ATTRIBUTE, API_TOKEN


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def rate_limit_key() -> str:
    """One allowance per client (keyed by its token's hash, so a revoked or bad token is limited
    too); requests without a token share their address's allowance."""
    token = bearer_token()
    return f"fhir-token:{token_hash(token)[:32]}" if token else f"fhir-addr:{get_remote_address()}"


def token_required(action: str) -> Callable:
    """Declare a view for API clients: without a valid token it answers 401 (and audits the try);
    with one, `g.api_client` is the client."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            from app.fhir_api.responses import fhir_response
            from app.fhir.outcome import operation_outcome
            from app.services import api_clients, fhir_referrals

            client = api_clients.authenticate(bearer_token())
            if client is None:
                fhir_referrals.record_call(client=None, action=action, status=401)
                response = fhir_response(operation_outcome(
                    401, "forbidden", "A valid bearer token of a registered API client is required"), 401)
                response.headers["WWW-Authenticate"] = 'Bearer realm="hearthlink-fhir"'
                return response
            g.api_client = client
            return view(*args, **kwargs)

        setattr(guarded, ACCESS_ATTRIBUTE, API_TOKEN)
        return guarded

    return decorate
