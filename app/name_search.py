"""Finding someone by name or NHS number: the referral list's search and "Find a person".

A practice asked "what happened to Mrs Field's referral?" types "field" (or "mary field", or her
NHS number) instead of paging through a year of referrals; an officer covering a colleague's leave
finds the person who rang the same way. An NHS number must be whole and valid: a part of one
would let anyone go fishing through other people's numbers. A name is matched word by word: each
word typed must be part of the first or the last name, whatever its case. A typographic
apostrophe (O’Brien, as tablets and word processors type it) matches a plain one, both ways.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, and_, func, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.models.identity import spaced_nhs_number
from app.validators import normalise_nhs_number

LONGEST = 100
SQLITE_LOWER = "hl_lower"  # registered on each SQLite connection (app/extensions.py)
_SEPARATORS = re.compile(r"[\s-]")
_NUMBER = re.compile(r"[0-9]+")
APOSTROPHE = "'"
TYPOGRAPHIC_APOSTROPHES = ("\u2019", "\u2018", "\u02bc")  # ’ ‘ ʼ
_PLAIN_APOSTROPHES = str.maketrans(dict.fromkeys(TYPOGRAPHIC_APOSTROPHES, APOSTROPHE))


class lower_case(FunctionElement):
    """A text in lower case, whatever its alphabet: PostgreSQL's lower() (in a UTF-8 locale) folds
    Ö and Ł as it folds A; SQLite's folds only A to Z, so "Öztürk" could not be found by typing it.
    On SQLite this is Python's str.lower, which app/extensions.py gives each connection."""
    type = String()
    name = "lower_case"
    inherit_cache = True


@compiles(lower_case)
def _lower_case(element, compiler, **kw) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(lower_case, "sqlite")
def _lower_case_on_sqlite(element, compiler, **kw) -> str:
    return f"{SQLITE_LOWER}({compiler.process(element.clauses, **kw)})"


def _plain(column) -> ColumnElement[str]:
    """A name column in lower case with its typographic apostrophes made plain."""
    folded = lower_case(column)
    for typographic in TYPOGRAPHIC_APOSTROPHES:
        folded = func.replace(folded, typographic, APOSTROPHE)
    return folded


@dataclass(frozen=True)
class Search:
    """What was searched for: an NHS number's 10 digits, or the lower-case words of a name."""
    nhs_number: str | None = None
    words: tuple[str, ...] = ()

    def condition(self, model) -> ColumnElement[bool]:
        """Who matches, among `model`'s rows (Referral or Person: an NHS number and the names)."""
        if self.nhs_number:
            return model.nhs_number == self.nhs_number
        return and_(*[or_(_plain(model.given_name).contains(word, autoescape=True),
                           _plain(model.family_name).contains(word, autoescape=True))
                      for word in self.words])

    @property
    def nhs_number_spaced(self) -> str:
        return spaced_nhs_number(self.nhs_number or "")

    def described(self) -> str:
        """For the audit log. Never holds a digit unless it is an NHS number, so typed text
        cannot pass for the log's [person:N] markers."""
        return f"NHS number {self.nhs_number}" if self.nhs_number else "name " + " ".join(self.words)


def parse(text: str | None) -> Search | None:
    """The search typed, or None when nothing was; raises ValueError with what to type instead."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > LONGEST:
        raise ValueError(f"Enter no more than {LONGEST} characters")
    compact = _SEPARATORS.sub("", text)
    if _NUMBER.fullmatch(compact):
        return Search(nhs_number=normalise_nhs_number(text))
    if any(character.isdigit() for character in text):
        raise ValueError("Enter a name, or a whole NHS number of 10 digits")
    return Search(words=tuple(dict.fromkeys(word.lower() for word in text.translate(_PLAIN_APOSTROPHES).split())))
