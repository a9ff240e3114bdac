"""Reading the optional person columns of comparison and activity files: sex, year of birth.

One reading for both files, so a person described by both is described the same way.  A blank
is "not given" (None), never a guess.
"""
from __future__ import annotations

from datetime import date

from app.models.base import uk_today
from app.models.vocab import Sex

FIRST_BIRTH_YEAR = 1880
_SEX_WORDS = {**{s.value: s.value for s in Sex}, **{s.label.lower(): s.value for s in Sex},
              "f": Sex.FEMALE.value, "m": Sex.MALE.value, "not stated": Sex.NOT_STATED.value}


def read_sex(text: str | None) -> str | None:
    """A Sex value from 'female'/'F'/'Female', etc.; None when blank; ValueError otherwise."""
    words = (text or "").strip().lower()
    if not words:
        return None
    if words not in _SEX_WORDS:
        raise ValueError(f"'{text.strip()[:40]}' is not one of {', '.join(s.value for s in Sex)} (or blank)")
    return _SEX_WORDS[words]


def read_year_of_birth(text: str | None, *, today: date | None = None) -> int | None:
    """A four-digit year from 1880 to this year; None when blank; ValueError otherwise."""
    words = (text or "").strip()
    if not words:
        return None
    last = (today or uk_today()).year
    if not (len(words) == 4 and words.isascii() and words.isdigit()) or not FIRST_BIRTH_YEAR <= int(words) <= last:
        raise ValueError(f"'{words[:40]}' is not a year of birth from {FIRST_BIRTH_YEAR} to {last}")
    return int(words)
