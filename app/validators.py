"""Validators for identifiers people type: NHS numbers, UK postcodes, phone numbers, dates.

Each is a plain function (normalise or raise ValueError with the message a user sees) wrapped as
a WTForms validator, so forms, imports and the CLI share one definition.
"""
from __future__ import annotations

import re
from datetime import date

import nhs_number
from wtforms.validators import ValidationError

# The UK postcode format (outward code, space, inward code), as used by Royal Mail, plus GIR 0AA.
_POSTCODE = re.compile(
    r"^(GIR0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]|"
    r"[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])[0-9][ABD-HJLNP-UW-Z]{2})$"
)
_PHONE = re.compile(r"^\+?[0-9]{10,13}$")

# Every date the service records (births, meetings, contacts, reviews, report periods) falls in
# these years; outside them a date is a typing slip, and a day or two added to it can overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2100
YEAR_RANGE_MESSAGE = f"Year must be between {FIRST_YEAR} and {LAST_YEAR}"


def normalise_nhs_number(value: str) -> str:
    """Accept spaces and dashes; return the 10 digits, or raise with the reason."""
    text = (value or "").strip()
    digits = re.sub(r"[\s-]", "", text)
    if not digits:
        raise ValueError("Enter the person's NHS number")
    if not digits.isdigit() or len(digits) != 10:
        raise ValueError("NHS number must be 10 digits, like 999 123 4560")
    if not nhs_number.is_valid(digits):
        raise ValueError("Enter a valid NHS number – the check digit does not match. Check it against the record")
    return digits


def normalise_postcode(value: str) -> str:
    """Return the postcode in capitals with one space before the inward code, or raise."""
    compact = re.sub(r"\s+", "", (value or "")).upper()
    if not compact:
        raise ValueError("Enter the person's postcode")
    if not _POSTCODE.match(compact):
        raise ValueError("Enter a real UK postcode, like DY1 1HF")
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_phone(value: str) -> str:
    """UK phone numbers: digits with optional spaces, dashes, brackets and a leading +."""
    text = (value or "").strip()
    if not text:
        return ""
    compact = re.sub(r"[\s\-()]", "", text)
    if not _PHONE.match(compact):
        raise ValueError("Enter a phone number, like 01384 456 789 or 07700 900 982")
    return text


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class YearInRange:
    """WTForms validator for a date field: the year must be between FIRST_YEAR and LAST_YEAR."""

    def __call__(self, form, field):
        if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
            raise ValidationError(YEAR_RANGE_MESSAGE)


class Normalised:
    """WTForms validator: run a normaliser, store its result on the field, show its message."""

    def __init__(self, normaliser):
        self.normaliser = normaliser

    def __call__(self, form, field):
        try:
            field.data = self.normaliser(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None


def address_lines(value: str) -> list[str]:
    """The lines of an address as typed: any line ending (a browser sends CRLF from a textarea),
    without edge spaces, trailing commas or blank lines, so joining them never shows "Lane , Town"."""
    lines = (re.sub(r"^[\s,]+|[\s,]+$", "", line) for line in re.split(r"\r\n|\r|\n", value or ""))
    return [line for line in lines if line]


def normalise_address(value: str) -> str:
    """An address as stored: its lines joined by plain line breaks."""
    return "\n".join(address_lines(value))
