"""What signing in keeps in the database: failed-attempt counters and staff second factors."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class SignInThrottle(db.Model):
    """Failed sign-in attempts for one email address, whether or not an account has it.

    Keyed by a keyed hash of the normalised email (never the email itself) so an unknown
    address is counted and locked exactly like a real one, and the table reveals no addresses.
    It lives in the database so every app process sees the same count.
    """

    __tablename__ = "sign_in_throttle"

    email_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class SecondFactor(db.Model):
    """A staff member's authenticator app (TOTP). Unconfirmed until they type a code from it."""

    __tablename__ = "second_factor"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    # The TOTP secret, encrypted (Fernet, key derived from SECRET_KEY): a copied database alone
    # cannot produce codes.
    secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, server_default=func.now())
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The last 30-second time-step whose code was accepted: a code is never accepted twice.
    last_used_step: Mapped[int | None] = mapped_column(Integer)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(db.Model):
    """A one-time code for signing in without the authenticator app (stored as a keyed hash)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
