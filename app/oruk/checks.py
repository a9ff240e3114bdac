"""Field checks that mirror the ORUK 3.0 schema (service.json): types, required fields, UUIDs,
e-mail and URI formats, the status, freq and location_type codelists, ISO dates and HH:MM times.

Each check returns a message for people, or None when the value is acceptable.
"""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from urllib.parse import urlparse

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?(Z|[+-]\d\d:?\d\d)?$")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
BYDAY_PART = re.compile(r"^(-?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


def is_uuid(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value.lower() and len(value) == 36
    except ValueError:
        return False


def uuid_check(value):
    return None if is_uuid(value) else "must be a UUID like 3f7b145d-84af-42d7-8fae-eaca714b02b2"


def string_check(value):
    return None if isinstance(value, str) else "must be text"


def required_text(value):
    if not isinstance(value, str) or not value.strip():
        return "is required and must not be blank"
    return None


def number_check(value):
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return None if ok else "must be a number"


def integer_check(value):
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return None if ok else "must be a whole number of at least 1"


def email_check(value):
    return None if isinstance(value, str) and EMAIL.match(value) else "must be an e-mail address like name@example.org"


def uri_check(value):
    """Web addresses only: a javascript:, data: or relative address must never reach a link."""
    if isinstance(value, str):
        try:
            parts = urlparse(value.strip())
            parts.port  # noqa: B018  (raises ValueError on a malformed host or port)
        except ValueError:
            parts = None
        if parts and parts.scheme in ("http", "https") and parts.hostname:
            return None
    return "must be a web address starting with https:// or http://"


def web_address(value: str | None) -> str | None:
    """The value if it is a web address, else None: what we publish, whatever the database holds."""
    return value if value is not None and uri_check(value) is None else None


def date_check(value):
    if isinstance(value, str):
        try:
            date.fromisoformat(value)
            if len(value) == 10:
                return None
        except ValueError:
            pass
    return "must be a date in the form YYYY-MM-DD"


def datetime_check(value):
    if isinstance(value, str) and "T" in value:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            return None
        except ValueError:
            pass
    return "must be a date and time like 2025-03-31T09:00:00Z"


def time_check(value):
    return None if isinstance(value, str) and TIME.match(value) else "must be a time in the form HH:MM"


def byday_check(value):
    if isinstance(value, str) and value.strip():
        if all(BYDAY_PART.match(part.strip()) for part in value.split(",")):
            return None
    return "must be days like MO,TU or, for MONTHLY, 2MO or -1FR"


def enum_check(*allowed: str):
    def check(value):
        return None if value in allowed else "must be one of " + ", ".join(allowed)
    return check


def normal_time(value: str) -> str:
    """'09:00', '09:00:00' or '09:00Z' → '09:00' (we store local Europe/London wall-clock times)."""
    return value[:5]
