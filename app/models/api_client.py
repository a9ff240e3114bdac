"""Systems that send referrals as FHIR messages, and the messages they sent.

An `ApiClient` is a GP system or integration engine bound to one practice. Its bearer token is
shown once when it is made; only the token's SHA-256 is stored, so a copy of the database lets
nobody send referrals. `InboundMessage` keeps each accepted message's original JSON (for the
audit trail and for answering it: the messages back quote its `MessageHeader.id`), and its
unique `message_id` is how a repeated message is recognised.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.org import Practice


def token_hash(token: str) -> str:
    """Hex SHA-256 of a bearer token (tokens are random and long, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class ApiClient(db.Model):
    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Where messages back are POSTed (`<endpoint>/$process-message`); none: the client only sends.
    endpoint: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    practice: Mapped[Practice] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.token_hash, token_hash(token))

    def __repr__(self) -> str:
        return f"<ApiClient {self.name}>"


class InboundMessage(db.Model):
    __tablename__ = "inbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    # MessageHeader.id as sent (a UUID in BaRS; kept as text, whatever the sender used).
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    api_client_id: Mapped[int] = mapped_column(ForeignKey("api_client.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text)

    api_client: Mapped[ApiClient] = relationship()

    def __repr__(self) -> str:
        return f"<InboundMessage {self.message_id}>"
