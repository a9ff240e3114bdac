"""NHS number, postcode and phone validation, with hypothesis properties."""
from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from nhs_number import is_valid

from app.validators import normalise_nhs_number, normalise_phone, normalise_postcode

# The 999 range is reserved for testing (and is outside the Scottish CHI range, which also checks a date).
digits9 = st.integers(min_value=999_000_000, max_value=999_999_999).map(str)


def _with_check_digit(stem: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return None if check == 10 else stem + str(check)


@given(digits9)
def test_any_number_with_a_correct_check_digit_is_accepted_with_spaces_or_dashes(stem):
    number = _with_check_digit(stem)
    assume(number is not None)
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    dashed = f"{number[:3]}-{number[3:6]}-{number[6:]}"
    assert normalise_nhs_number(spaced) == number
    assert normalise_nhs_number(dashed) == number
    assert normalise_nhs_number(f"  {number} ") == number


@given(digits9, st.integers(min_value=0, max_value=9))
def test_a_wrong_check_digit_is_refused(stem, digit):
    number = _with_check_digit(stem)
    assume(number is not None and number[-1] != str(digit))
    with pytest.raises(ValueError, match="check digit"):
        normalise_nhs_number(stem + str(digit))


@given(st.text(max_size=14))
def test_anything_accepted_is_ten_digits_that_pass_the_nhs_check(text):
    try:
        result = normalise_nhs_number(text)
    except ValueError:
        return
    assert re.fullmatch(r"\d{10}", result) and is_valid(result)


@pytest.mark.parametrize("typed,stored", [
    ("dy1 1hf", "DY1 1HF"), ("DY11HF", "DY1 1HF"), (" b33 8th ", "B33 8TH"), ("SW1A 1AA", "SW1A 1AA"),
    ("w1a0ax", "W1A 0AX"), ("M1 1AE", "M1 1AE"), ("EC1A 1BB", "EC1A 1BB"),
])
def test_real_postcode_shapes_are_normalised(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["", "DY1", "12345", "DY1 1H", "QQ1 1AA", "DY1 1CI", "DY1 1HFX", "D Y 1"])
def test_postcodes_that_cannot_exist_are_refused(typed):
    with pytest.raises(ValueError):
        normalise_postcode(typed)


outward = st.sampled_from(["DY1", "DY5", "B33", "SW1A", "M1", "EC1A", "W1A", "CR2", "LS10"])
inward = st.tuples(st.sampled_from("0123456789"), st.sampled_from("ABDEFGHJLNPQRSTUWXYZ"),
                   st.sampled_from("ABDEFGHJLNPQRSTUWXYZ")).map("".join)


@given(outward, inward, st.sampled_from(["", " ", "  "]), st.booleans())
def test_postcode_normalising_is_idempotent_and_ignores_case_and_spacing(out, inw, gap, lower):
    typed = f"{out}{gap}{inw}"
    typed = typed.lower() if lower else typed
    once = normalise_postcode(typed)
    assert once == f"{out} {inw}"
    assert normalise_postcode(once) == once


@pytest.mark.parametrize("typed", ["01384 456789", "07700 900982", "+44 7700 900982", "(01384) 456-789"])
def test_uk_phone_numbers_are_accepted(typed):
    assert normalise_phone(typed) == typed


@pytest.mark.parametrize("typed", ["123", "phone me", "01384 456789 ext 2"])
def test_phone_numbers_that_cannot_be_dialled_are_refused(typed):
    with pytest.raises(ValueError):
        normalise_phone(typed)
