"""Pre/post change per activity type, its price, and its uncertainty (CONTRACT.md 4.4).

For each activity type, over included people:

* ``pre`` and ``post`` are the summed counts in the two windows;
* ``reduction_pct = round(100 × (pre − post) / pre, 1)``, null when pre is 0;
* ``saving_gbp = round((pre − post) × unit_cost_gbp, 2)``, negative when use
  rose, null when the type has no unit cost;
* ``total_saving_gbp`` is the sum of the (rounded) savings that exist;
* 95% bootstrap intervals over people for each reduction, saving and the
  total; a Wilcoxon signed-rank p-value per type.

Beyond the contract each entry also has ``people`` (the included people it
rests on) and the rates per person-year in each window,
``pre_per_person_year`` and ``post_per_person_year`` = count / (people × W/12),
rounded to 3 decimals.
"""
from __future__ import annotations

import numpy as np

from .costs import UnitCost
from .definitions import ACTIVITY_TYPES, SAVING_GROUPS
from .stats import percentile_interval, tidy_round, wilcoxon_p


def types_in_windows(pre: np.ndarray, post: np.ndarray) -> list[int]:
    """Columns (activity types) with any counted activity in anyone's windows."""
    return [j for j in range(len(ACTIVITY_TYPES)) if pre[:, j].sum() + post[:, j].sum() > 0]


def reduction_pct(pre: float, post: float) -> float | None:
    """round(100 × (pre − post) / pre, 1); None when pre is 0."""
    if pre == 0:
        return None
    return tidy_round(100.0 * (pre - post) / pre, 1)


def saving_gbp(pre: float, post: float, cost: UnitCost | None) -> float | None:
    """round((pre − post) × unit cost, 2); None without a unit cost."""
    if cost is None:
        return None
    return tidy_round((pre - post) * cost.unit_cost_gbp, 2)


def per_person_year(count: float, people: int, months: int) -> float | None:
    """Rate per person-year: count / (people × months / 12), 3 decimals."""
    if people == 0:
        return None
    return tidy_round(count / (people * months / 12.0), 3)


def summarise(pre_total: float, post_total: float, people: int, months: int, cost) -> dict:
    """The point figures of one activity type (no intervals)."""
    return {
        "pre": int(pre_total),
        "post": int(post_total),
        "reduction_pct": reduction_pct(pre_total, post_total),
        "saving_gbp": saving_gbp(pre_total, post_total, cost),
        "people": people,
        "pre_per_person_year": per_person_year(pre_total, people, months),
        "post_per_person_year": per_person_year(post_total, people, months),
    }


def activity_effects(
    pre: np.ndarray,
    post: np.ndarray,
    costs: dict[str, UnitCost],
    *,
    months: int,
    resampled: tuple[np.ndarray, np.ndarray],
) -> tuple[dict, float, list[float] | None]:
    """``by_activity``, ``total_saving_gbp`` and its interval for one cohort.

    ``pre``/``post`` are (people × 7) per-person counts of the included
    people; ``resampled`` their bootstrap replicate sums (replicates × 7)
    from :func:`outcomes.stats.bootstrap_pre_post`, drawn over people in
    person_id order so that the result does not depend on input row order.
    """
    people = pre.shape[0]
    columns = types_in_windows(pre, post)
    pre_reps, post_reps = resampled
    by_activity: dict[str, dict] = {}
    total = 0.0
    total_reps = np.zeros(len(pre_reps))
    any_cost = False
    for j in columns:
        name = ACTIVITY_TYPES[j]
        cost = costs.get(name)
        pre_total, post_total = float(pre[:, j].sum()), float(post[:, j].sum())
        point = summarise(pre_total, post_total, people, months, cost)
        pre_b, post_b = pre_reps[:, j], post_reps[:, j]
        with np.errstate(divide="ignore", invalid="ignore"):
            red_b = np.where(pre_b > 0, 100.0 * (pre_b - post_b) / pre_b, np.nan)
        saving_b = (pre_b - post_b) * (cost.unit_cost_gbp if cost else 0.0)
        entry = {
            "pre": point["pre"],
            "post": point["post"],
            "reduction_pct": point["reduction_pct"],
            "reduction_pct_ci95": (
                percentile_interval(red_b, 1) if point["reduction_pct"] is not None else None
            ),
            "unit_cost_gbp": cost.unit_cost_gbp if cost else None,
            "saving_gbp": point["saving_gbp"],
            "saving_gbp_ci95": percentile_interval(saving_b, 2) if cost else None,
            "p_value": wilcoxon_p(pre[:, j], post[:, j]),
            "people": people,
            "pre_per_person_year": point["pre_per_person_year"],
            "post_per_person_year": point["post_per_person_year"],
        }
        if cost is not None:
            total += point["saving_gbp"]
            total_reps += saving_b
            any_cost = True
        by_activity[name] = entry
    total_ci = percentile_interval(total_reps, 2) if any_cost else [0.0, 0.0]
    return by_activity, tidy_round(total, 2), total_ci


def saving_subtotals(
    by_activity: dict, costs: dict[str, UnitCost], resampled: tuple[np.ndarray, np.ndarray]
) -> dict:
    """The saving of each group in :data:`SAVING_GROUPS` that has priced activity, with a 95%
    interval from the same bootstrap replicates as the types' own intervals.

    The subtotal is the sum of its types' (rounded) savings, as ``total_saving_gbp`` is; its
    interval is the percentile interval of the replicate subtotals — not the sum of the types'
    intervals, which would be too wide.
    """
    pre_reps, post_reps = resampled
    subtotals = {}
    for group, members in SAVING_GROUPS.items():
        priced = [t for t in members if t in by_activity and by_activity[t]["saving_gbp"] is not None]
        if not priced:
            continue
        replicates = np.zeros(len(pre_reps))
        for name in priced:
            j = ACTIVITY_TYPES.index(name)
            replicates += (pre_reps[:, j] - post_reps[:, j]) * costs[name].unit_cost_gbp
        subtotals[group] = {
            "types": priced,
            "saving_gbp": tidy_round(sum(by_activity[t]["saving_gbp"] for t in priced), 2),
            "saving_gbp_ci95": percentile_interval(replicates, 2),
        }
    return subtotals
