"""The password policy: one check for every place a password is set.

Following the NCSC's password guidance (and NIST SP 800-63B §5.1.1.2): a minimum length and a
deny-list of passwords attackers try first, and no composition rules ("one capital, one symbol"),
which only push people towards predictable patterns. Comparison ignores case, because the
deny-list is lower case and "Password1234" is no better than "password1234".
"""
from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from app.services.errors import RuleBroken

MIN_LENGTH = 12
# Long enough for any passphrase; short enough that hashing what someone pastes costs nothing.
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"

ADVICE = "Try three random words, like ‘kettle lantern oatmeal’."
TOO_SHORT = f"Password must be {MIN_LENGTH} characters or more"
TOO_LONG = f"Password must be {MAX_LENGTH} characters or fewer"
TOO_COMMON = f"Password is too easy to guess because it is a common password. {ADVICE}"
TOO_PREDICTABLE = f"Password is too easy to guess because it repeats or runs through characters. {ADVICE}"
TOO_PERSONAL = "Password must not include the account’s name or email address"


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def _letters_and_digits(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _repeats_a_short_pattern(password: str) -> bool:
    """'aaaaaaaaaaaa', 'abcabcabcabc', '121212121212': a unit of up to 4 characters, repeated."""
    return re.fullmatch(r"(.{1,4}?)\1+", password, flags=re.DOTALL) is not None


def _runs_through_characters(password: str) -> bool:
    """'abcdefghijkl', '987654321098'-style runs where each character steps by one."""
    steps = {(ord(b) - ord(a)) % 10 if a.isdigit() and b.isdigit() else ord(b) - ord(a)
             for a, b in zip(password, password[1:])}
    return steps in ({1}, {-1}, {9})


def _personal_words(email: str, name: str) -> list[str]:
    """The whole name and the whole of the email before the @, as letters and digits only.

    Parts of a name are not refused on their own: "Mark Ward" may choose "forward marketplace".
    """
    words = [_letters_and_digits(email.partition("@")[0]), _letters_and_digits(name)]
    # Very short ones ("Al", "jo") turn up inside ordinary words.
    return [word for word in words if len(word) >= 4]


def problem_with(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this password may not be used, in words for the person choosing it; None if it may."""
    if not password:
        return "Enter a password"
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    folded = password.casefold()
    if folded in common_passwords() or folded.strip() in common_passwords():
        return TOO_COMMON
    if _repeats_a_short_pattern(folded) or _runs_through_characters(folded):
        return TOO_PREDICTABLE
    compact = _letters_and_digits(password)
    if any(word in compact for word in _personal_words(email, name)):
        return TOO_PERSONAL
    return None


def check(password: str, *, email: str = "", name: str = "", field: str = "password") -> None:
    """Raise RuleBroken (shown next to the field) when the policy refuses this password."""
    problem = problem_with(password, email=email, name=name)
    if problem:
        raise RuleBroken(problem, field=field)
