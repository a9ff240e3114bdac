"""How the dashboard prints a figure: a real minus sign, and never a minus on a figure that rounds
to zero (an interval ending at -0.001 reads "0.00", not "−0.00")."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from app.dashboard import dashboard_cell

FIGURES = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(("value", "kind", "shown"), [
    (-0.001, "num", "0.00"), (-0.004999, "num", "0.00"), (-0.005001, "num", "−0.01"), (-13.712, "num", "−13.71"),
    (0.0, "num", "0.00"), (-0.0, "num", "0.00"), (8.444, "num", "8.44"),
    (-0.04, "pct", "0.0%"), (-12.5, "pct", "−12.5%"), (45.6, "pct", "45.6%"),
    (-0.4, "gbp", "£0"), (-0.6, "gbp", "−£1"), (-3372.2, "gbp", "−£3,372"), (11, "gbp", "£11"),
    (-1234567.8, "gbp", "−£1,234,568"), (1234, "count", "1,234"), ("<5", "num", "<5"), (None, "num", "—"),
])
def test_figures_are_printed_as_a_reader_expects(value, kind, shown):
    assert dashboard_cell(value, kind) == shown


def _read_back(text: str) -> float:
    return float(text.replace("−", "-").replace("£", "").replace(",", "").rstrip("%"))


@given(FIGURES, st.sampled_from(["num", "pct", "gbp"]))
def test_a_printed_figure_reads_back_as_the_rounded_value_with_no_negative_zero(value, kind):
    shown = dashboard_cell(value, kind)
    places = {"num": 2, "pct": 1, "gbp": 0}[kind]
    back = _read_back(shown)
    assert math.isclose(back, value, abs_tol=0.5 * 10 ** -places + 1e-9 * abs(value))
    assert "-" not in shown  # the typographic minus only
    assert shown.startswith("−") == (back < 0)  # a minus only on a figure that is below zero as printed
