"""The FHIR API for other systems (CONTRACT §5): `POST /fhir/$process-message` (referrals in),
`GET /fhir/metadata` and `GET /fhir/ServiceRequest/<id>`.

Authenticated by bearer token (an API client), never by a staff session cookie: so it is exempt
from CSRF, which protects cookie-authenticated forms only. Rate-limited per client
(`FHIR_RATE_LIMIT`); every call is audited; every answer is FHIR JSON (`application/fhir+json`),
refusals an OperationOutcome."""
from flask import Blueprint, current_app

from app.extensions import csrf, limiter
from app.fhir_api.auth import rate_limit_key

bp = Blueprint("fhir_api", __name__, url_prefix="/fhir")
csrf.exempt(bp)
limiter.limit(lambda: current_app.config["FHIR_RATE_LIMIT"], key_func=rate_limit_key)(bp)

from app.fhir_api import routes  # noqa: E402,F401
