"""Registering the systems that send referrals as FHIR messages: create, list, revoke, and
recognising a bearer token.

A client is bound to one GP practice: it may refer only that practice's patients and read only
their referrals. Its token is returned once, by `create`, and never stored: the table keeps its
SHA-256, and a presented token is compared with `hmac.compare_digest`.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import func, select

from app.extensions import db
from app.models import Practice, User
from app.models.api_client import ApiClient, new_token, token_hash
from app.models.base import utcnow
from app.services import audit
from app.services.errors import RuleBroken


def check_endpoint(endpoint: str, *, allow_http: bool) -> str:
    """Where messages back go: an absolute https URL (plain http only outside production)."""
    endpoint = (endpoint or "").strip().rstrip("/")
    if not endpoint:
        return ""
    parts = urlsplit(endpoint)
    schemes = ("https", "http") if allow_http else ("https",)
    # No user information at all, not even an empty one ("https://@host"): messages go to a host.
    if parts.scheme not in schemes or not parts.hostname or "@" in parts.netloc:
        raise RuleBroken("The endpoint must be an https:// address" + (" (or http:// outside production)"
                                                                      if not allow_http else ""), field="endpoint")
    if len(endpoint) > 500:
        raise RuleBroken("The endpoint must be 500 characters or fewer", field="endpoint")
    return parts.scheme + endpoint[len(parts.scheme):]  # "HTTPS://..." kept as "https://..."


def create(*, by: User | None, name: str, practice_ods: str, endpoint: str = "",
           allow_http: bool = False) -> tuple[ApiClient, str]:
    """Register a client; return it and its bearer token (shown once, stored only as a hash)."""
    name = " ".join((name or "").split())
    if not name:
        raise RuleBroken("Enter a name for the client", field="name")
    if len(name) > 80:
        raise RuleBroken("The name must be 80 characters or fewer", field="name")
    if db.session.scalar(select(ApiClient.id).where(func.lower(ApiClient.name) == name.lower())):
        raise RuleBroken(f"A client called {name} already exists", field="name")
    practice = db.session.scalar(select(Practice).where(Practice.ods_code == (practice_ods or "").strip().upper()))
    if practice is None:
        raise RuleBroken(f"No practice has the ODS code {(practice_ods or '').strip()[:20]}", field="practice")
    token = new_token()
    client = ApiClient(name=name, practice=practice, token_hash=token_hash(token),
                       endpoint=check_endpoint(endpoint, allow_http=allow_http) or None)
    db.session.add(client)
    db.session.flush()
    audit.record(by=by, action="api_client.create", subject_type="api_client", subject_id=client.id,
                 detail=f"{name} for practice {practice.ods_code}" + (f", endpoint {client.endpoint}"
                                                                       if client.endpoint else ""))
    db.session.commit()
    return client, token


def all_clients() -> list[ApiClient]:
    return list(db.session.scalars(select(ApiClient).order_by(ApiClient.revoked_at.is_not(None), ApiClient.name)))


def named(name: str) -> ApiClient | None:
    return db.session.scalar(select(ApiClient).where(func.lower(ApiClient.name) == " ".join((name or "").split()).lower()))


def revoke(*, by: User | None, client: ApiClient) -> ApiClient:
    """Stop a client's token working at once. Its past messages and referrals are kept."""
    if client.revoked_at is not None:
        raise RuleBroken(f"{client.name} was already revoked")
    client.revoked_at = utcnow()
    audit.record(by=by, action="api_client.revoke", subject_type="api_client", subject_id=client.id,
                 detail=client.name)
    db.session.commit()
    return client


def authenticate(token: str) -> ApiClient | None:
    """The active client whose token this is, else None."""
    if not token or len(token) > 200:
        return None
    client = db.session.scalar(select(ApiClient).where(ApiClient.token_hash == token_hash(token),
                                                       ApiClient.revoked_at.is_(None)))
    return client if client is not None and client.token_matches(token) else None
