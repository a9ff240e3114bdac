"""The plain-English caveats every outcomes report carries.

The regression-to-the-mean caveat is always present: people are referred
because they are frequent attenders, and frequent attenders' use falls
anyway (Barnett, van der Pols & Dobson 2005, *Int J Epidemiol* 34(1)), so a
before/after fall overstates what the service did.  The unit-cost caveat,
naming every price year in use, is always present too.
"""
from __future__ import annotations

from .costs import UnitCost, price_year_caveat
from .definitions import BOOTSTRAP_REPLICATES

REGRESSION_TO_THE_MEAN = (
    "Regression to the mean: people are referred when their use of services is high, "
    "and the use of frequent attenders tends to fall afterwards anyway, with or without "
    "support. A fall from before to after therefore overstates the effect of the service. "
    "Prefer the difference-in-differences estimate against a comparison cohort where one "
    "is available."
)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _people(n: int) -> str:
    return _plural(n, "person was", "people were")


def report_caveats(
    *,
    costs: dict[str, UnitCost],
    used_types: list[str],
    people: dict,
    window_months: int,
    as_of: str,
    unmatched_rows: int,
    has_comparison: bool,
    suppressed_groups: int,
    replicates: int = BOOTSTRAP_REPLICATES,
) -> list[str]:
    """The ``caveats`` list: regression to the mean, unit costs, and what else applies."""
    caveats = [REGRESSION_TO_THE_MEAN]
    if has_comparison:
        caveats.append(
            "A comparison cohort was given: the difference-in-differences figures allow for "
            "the change seen in similar people who were not referred, and are the better "
            "estimate of the service's effect. They still assume the two groups would have "
            "changed alike without the service."
        )
    else:
        caveats.append(
            "No comparison cohort was given, so these are plain before-and-after figures and "
            "cannot separate the service's effect from change that would have happened anyway."
        )
    priced = price_year_caveat(costs, used_types or sorted(costs))
    caveats.append(priced or "No unit costs were given, so no saving could be priced.")
    unpriced = [t for t in used_types if t not in costs]
    if unpriced:
        caveats.append(
            "No unit cost for " + ", ".join(unpriced) + ": its saving is null and it is not "
            "part of total_saving_gbp."
        )
    caveats.append(
        f"Intervals are 95% percentile bootstrap intervals over people ({replicates} "
        "resamples, fixed seed, so the same input gives the same output). p-values are "
        "two-sided Wilcoxon signed-rank tests on each person's before and after counts."
    )
    if people.get("excluded_insufficient_followup"):
        caveats.append(
            f"{_people(people['excluded_insufficient_followup'])} left out because their "
            f"{window_months}-month follow-up window was not complete by {as_of}."
        )
    if people.get("excluded_no_anchor"):
        caveats.append(
            f"{_people(people['excluded_no_anchor'])} left out because they have no "
            "discharge date to anchor their windows on."
        )
    if unmatched_rows:
        caveats.append(
            f"{_plural(unmatched_rows, 'activity row', 'activity rows')} for people not in the"
            " referrals"
            + (" or the comparison cohort" if has_comparison else "")
            + (" was" if unmatched_rows == 1 else " were")
            + " ignored."
        )
    if suppressed_groups:
        caveats.append(
            f"{_plural(suppressed_groups, 'group', 'groups')} with fewer than 5 included people"
            + (" is" if suppressed_groups == 1 else " are")
            + " suppressed in by_group (shown without numbers); their people still count in the"
            " overall figures."
        )
    return caveats
