"""Unit costs (CONTRACT.md 4.3): loading, validation, and their caveat.

Every cost carries its price year and source; a row without either is an
error, because an unpriced or unsourced figure cannot be defended to a
commissioner.  Costs from different price years are NOT silently mixed: they
are allowed (the shipped table itself combines PSSRU 2012/13 GP costs with
NHS Reference Costs 2016/17 hospital costs, the newest figures verified) but
the report's caveats name every price year in use and which activity types
use it.  No inflation adjustment is applied.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .cohort import require_columns
from .definitions import ACTIVITY_TYPES
from .errors import OutcomesInputError

SHIPPED_UNIT_COSTS = Path(__file__).with_name("unit_costs.csv")
UNIT_COST_COLUMNS = ("activity_type", "unit_cost_gbp", "price_year", "source")


@dataclass(frozen=True)
class UnitCost:
    """The cost of one unit of an activity type, its price year and source."""

    activity_type: str
    unit_cost_gbp: float
    price_year: str
    source: str

    def as_json(self) -> dict:
        """The ``unit_costs`` entry of CONTRACT.md 4.5."""
        return {
            "unit_cost_gbp": self.unit_cost_gbp,
            "price_year": self.price_year,
            "source": self.source,
        }


def prepare_unit_costs(frame: pd.DataFrame, *, source: str) -> dict[str, UnitCost]:
    """Validate a unit-cost frame; returns activity_type -> :class:`UnitCost`.

    Rules: the four columns of CONTRACT.md 4.3; a known activity type, listed
    once; a cost that is a number of at least 0; a non-blank price year and
    source.  A type with no row simply has no cost (its saving is null).
    """
    require_columns(frame, source, UNIT_COST_COLUMNS)
    costs: dict[str, UnitCost] = {}
    frame = frame.reset_index(drop=True)
    for position, values in enumerate(frame[list(UNIT_COST_COLUMNS)].itertuples(index=False)):
        row = position + 2
        cell = ["" if pd.isna(v) else str(v).strip() for v in values]
        activity_type, cost_text, price_year, cited = cell
        if activity_type not in ACTIVITY_TYPES:
            raise OutcomesInputError(
                source,
                row,
                f"activity_type '{activity_type}' is not one of " + ", ".join(ACTIVITY_TYPES),
            )
        if activity_type in costs:
            raise OutcomesInputError(source, row, f"activity_type '{activity_type}' is listed twice")
        try:
            cost = float(cost_text)
        except ValueError:
            cost = float("nan")
        if not (cost >= 0 and cost != float("inf")):
            raise OutcomesInputError(
                source, row, f"unit_cost_gbp '{cost_text}' is not an amount of at least 0"
            )
        if not price_year:
            raise OutcomesInputError(
                source, row, "price_year is missing (every cost needs its price year)"
            )
        if not cited:
            raise OutcomesInputError(source, row, "source is missing (every cost needs a source)")
        costs[activity_type] = UnitCost(activity_type, cost, price_year, cited)
    return costs


def read_unit_costs_csv(path: str | Path, *, source: str | None = None) -> dict[str, UnitCost]:
    """Read and validate a unit-cost CSV file (see :func:`prepare_unit_costs`)."""
    from .inputs import read_csv_text

    source = source or str(path)
    return prepare_unit_costs(read_csv_text(path, source=source), source=source)


def shipped_unit_costs() -> dict[str, UnitCost]:
    """The project's cited unit-cost table, ``outcomes/unit_costs.csv``."""
    return read_unit_costs_csv(SHIPPED_UNIT_COSTS, source="outcomes/unit_costs.csv")


def price_year_caveat(costs: dict[str, UnitCost], used: list[str]) -> str | None:
    """A caveat naming every price year (and its sources) among the costs in use."""
    in_use = [costs[t] for t in used if t in costs]
    if not in_use:
        return None
    years: dict[str, list[str]] = {}
    for cost in in_use:
        years.setdefault(cost.price_year, []).append(cost.activity_type)
    described = "; ".join(f"{year}: {', '.join(types)}" for year, types in sorted(years.items()))
    text = (
        f"Savings are priced with published unit costs at the price year of each source "
        f"({described}); sources are listed under unit_costs. They are national averages, "
        f"not local prices, and are not adjusted for inflation."
    )
    if len(years) > 1:
        text += (
            f" The costs come from {len(years)} different price years "
            f"({', '.join(sorted(years))}), so the total mixes price bases and understates "
            "today's cost of the older-priced items."
        )
    return text
