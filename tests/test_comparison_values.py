"""The optional person columns of comparison and activity files: sex and year of birth."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.vocab import Sex
from app.services.comparison_values import read_sex, read_year_of_birth


@given(st.text(max_size=30))
def test_any_text_is_a_sex_value_none_or_a_plain_error(text):
    try:
        value = read_sex(text)
    except ValueError as error:
        assert "is not one of" in str(error)
    else:
        assert value is None or value in {s.value for s in Sex}
        assert (value is None) == (text.strip() == "")


@given(st.text(max_size=12))
def test_any_text_is_a_year_none_or_a_plain_error(text):
    try:
        value = read_year_of_birth(text, today=date(2026, 12, 2))
    except ValueError as error:
        assert "is not a year of birth from 1880 to 2026" in str(error)
    else:
        assert value is None or 1880 <= value <= 2026


@given(st.integers(1880, 2026))
def test_every_year_in_range_reads_back(year):
    assert read_year_of_birth(f" {year} ", today=date(2026, 12, 2)) == year


@pytest.mark.parametrize("text,value", [("F", "female"), ("Male", "male"), ("not stated", "not_stated"),
                                        ("In another way", "other"), (" ", None)])
def test_sex_words_people_write(text, value):
    assert read_sex(text) == value


def test_a_year_in_the_future_or_in_other_digits_is_refused():
    for text in ("2027", "１９５０", "195O", "19500"):
        with pytest.raises(ValueError):
            read_year_of_birth(text, today=date(2026, 12, 2))
