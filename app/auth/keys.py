"""Keys derived from SECRET_KEY, one per purpose, so that no use of it can stand in for another.

- `email_key`: a keyed hash of a normalised email, used to count failed sign-ins and, cut short,
  in logs instead of the typed address (a plain hash of an email can be reversed by guessing).
- `recovery_code_hash`: recovery codes are random (60 bits), so a keyed hash is enough and lets
  us find the code with one lookup instead of checking ten slow password hashes.
- `secret_box`: encrypts TOTP secrets (Fernet: AES with an HMAC, from `cryptography`). A database
  dump or backup alone cannot produce codes; changing SECRET_KEY means staff enrol again.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

LOG_KEY_LENGTH = 16


def _derive(purpose: str) -> bytes:
    secret = current_app.config["SECRET_KEY"]
    material = secret.encode() if isinstance(secret, str) else secret
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"hearthlink {purpose}".encode()).derive(material)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_key(email: str) -> str:
    """64 hex characters identifying an email address without revealing it."""
    return hmac.new(_derive("email key"), normalise_email(email).encode(), hashlib.sha256).hexdigest()


def email_for_log(email: str) -> str:
    """What a log line says instead of the email: enough to tie attempts together, nothing more."""
    return "email#" + email_key(email)[:LOG_KEY_LENGTH]


def recovery_code_hash(code: str) -> str:
    return hmac.new(_derive("recovery code"), code.encode(), hashlib.sha256).hexdigest()


def secret_box() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive("totp secret")))
