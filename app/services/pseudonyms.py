"""The keyed hash that stands in for a comparison person's NHS number (CONTRACT.md §6).

People in a comparison cohort were never referred: the service has no reason to hold who they
are.  Their NHS number is replaced, before anything is stored, by HMAC-SHA256 under a key that
is not in the database or the repository.  A dump of the database alone cannot be reversed by
hashing every possible NHS number (there are only about 10^9), because the key is needed too;
and the same NHS number always gives the same pseudonym, so a practice extract's rows for that
person, in any order of imports, land on the same comparison person.

The key: ``COMPARISON_KEY`` from the environment (required in production), else a random key
generated once into ``instance/comparison_key`` for development, as ``SECRET_KEY`` is.  It is
separate from SECRET_KEY on purpose: rotating the session key must not orphan every pseudonym.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable

from flask import current_app

from app.config import INSTANCE_DIR
from app.validators import normalise_nhs_number

KEY_FILE_NAME = "comparison_key"
MIN_KEY_BYTES = 32


class PseudonymKeyMissing(RuntimeError):
    """Production was asked to pseudonymise without COMPARISON_KEY."""


def _key() -> bytes:
    configured = current_app.config.get("COMPARISON_KEY") or os.environ.get("COMPARISON_KEY")
    if configured:
        if len(configured.encode()) < MIN_KEY_BYTES:
            raise PseudonymKeyMissing(f"COMPARISON_KEY needs at least {MIN_KEY_BYTES} random bytes "
                                      "(python -c 'import secrets; print(secrets.token_hex(32))').")
        return configured.encode()
    if current_app.config.get("HEARTHLINK_ENV") == "production":
        raise PseudonymKeyMissing("COMPARISON_KEY must be set when HEARTHLINK_ENV=production "
                                  "(python -c 'import secrets; print(secrets.token_hex(32))').")
    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / KEY_FILE_NAME
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip().encode()


def pseudonym(nhs_number: str) -> str:
    """64 hex characters for one NHS number (spaces and dashes ignored)."""
    return hmac.new(_key(), normalise_nhs_number(nhs_number).encode(), hashlib.sha256).hexdigest()


def pseudonyms(nhs_numbers: Iterable[str]) -> dict[str, str]:
    """NHS number -> pseudonym for many (already normalised) numbers, reading the key once."""
    key = _key()
    return {nhs: hmac.new(key, nhs.encode(), hashlib.sha256).hexdigest() for nhs in nhs_numbers}
