"""Difference-in-differences against a comparison cohort (CONTRACT.md 4.6).

For each activity type:

* ``referred_change_per_person = (post − pre) / included`` over referred people;
* ``comparison_change_per_person``: the same over comparison people;
* ``did_per_person`` = referred change − comparison change (negative: fewer
  visits than the comparison trend predicts);
* ``visits_avoided = −did_per_person × referred included``;
* ``saving_gbp = visits_avoided × unit_cost_gbp`` (null without a unit cost).

The three per-person figures are rounded to 3 decimals; visits_avoided and
saving_gbp are computed from unrounded values, then rounded to 1 and 2
decimals.  Intervals: 95% bootstrap, resampling people within each group
independently with fixed seeds.  A figure that would divide by a cohort of
nobody is null.  Each entry also says the ``people`` it rests on.
"""
from __future__ import annotations

import numpy as np

from .costs import UnitCost
from .definitions import ACTIVITY_TYPES
from .stats import percentile_interval, tidy_round


def difference_in_differences(
    ref_pre: np.ndarray,
    ref_post: np.ndarray,
    cmp_pre: np.ndarray,
    cmp_post: np.ndarray,
    costs: dict[str, UnitCost],
    *,
    ref_resampled: tuple[np.ndarray, np.ndarray],
    cmp_resampled: tuple[np.ndarray, np.ndarray],
) -> dict:
    """The ``difference_in_differences`` object of CONTRACT.md 4.6.

    ``*_resampled`` are each cohort's bootstrap (pre, post) replicate sums
    (replicates × 7, :func:`outcomes.stats.bootstrap_pre_post`), drawn
    independently.  Covers every activity type in either cohort's windows.
    """
    n_ref, n_cmp = ref_pre.shape[0], cmp_pre.shape[0]
    columns = [
        j
        for j in range(len(ACTIVITY_TYPES))
        if ref_pre[:, j].sum() + ref_post[:, j].sum() + cmp_pre[:, j].sum() + cmp_post[:, j].sum()
        > 0
    ]
    ref_change = (ref_post - ref_pre).sum(axis=0)
    cmp_change = (cmp_post - cmp_pre).sum(axis=0)
    ref_b = ref_resampled[1] - ref_resampled[0]
    cmp_b = cmp_resampled[1] - cmp_resampled[0]
    result = {}
    for j in columns:
        name = ACTIVITY_TYPES[j]
        cost = costs.get(name)
        entry = {
            "referred_change_per_person": None,
            "comparison_change_per_person": None,
            "did_per_person": None,
            "did_per_person_ci95": None,
            "visits_avoided": None,
            "saving_gbp": None,
            "saving_gbp_ci95": None,
            "people": {"referred": n_ref, "comparison": n_cmp},
        }
        if n_ref:
            entry["referred_change_per_person"] = tidy_round(ref_change[j] / n_ref, 3)
        if n_cmp:
            entry["comparison_change_per_person"] = tidy_round(cmp_change[j] / n_cmp, 3)
        if n_ref and n_cmp:
            did = ref_change[j] / n_ref - cmp_change[j] / n_cmp
            did_b = ref_b[:, j] / n_ref - cmp_b[:, j] / n_cmp
            entry["did_per_person"] = tidy_round(did, 3)
            entry["did_per_person_ci95"] = percentile_interval(did_b, 3)
            entry["visits_avoided"] = tidy_round(-did * n_ref, 1)
            if cost is not None:
                entry["saving_gbp"] = tidy_round(-did * n_ref * cost.unit_cost_gbp, 2)
                entry["saving_gbp_ci95"] = percentile_interval(
                    -did_b * n_ref * cost.unit_cost_gbp, 2
                )
        result[name] = entry
    return result


def difference_in_differences_total(
    did: dict,
    ref_pre: np.ndarray,
    cmp_pre: np.ndarray,
    costs: dict[str, UnitCost],
    *,
    ref_resampled: tuple[np.ndarray, np.ndarray],
    cmp_resampled: tuple[np.ndarray, np.ndarray],
) -> dict | None:
    """The total saving by difference-in-differences over every priced type, with its 95%
    interval from the same replicates as the types' own (not the sum of their intervals).

    ``saving_gbp`` is the sum of the types' (rounded) savings, as ``total_saving_gbp`` is for
    the plain figure.  None when either cohort is empty or no type is priced.
    """
    n_ref, n_cmp = ref_pre.shape[0], cmp_pre.shape[0]
    priced = [t for t, entry in did.items() if entry["saving_gbp"] is not None]
    if not (n_ref and n_cmp and priced):
        return None
    replicates = np.zeros(len(ref_resampled[0]))
    for name in priced:
        j = ACTIVITY_TYPES.index(name)
        did_b = ((ref_resampled[1][:, j] - ref_resampled[0][:, j]) / n_ref
                 - (cmp_resampled[1][:, j] - cmp_resampled[0][:, j]) / n_cmp)
        replicates += -did_b * n_ref * costs[name].unit_cost_gbp
    return {
        "types": priced,
        "saving_gbp": tidy_round(sum(did[t]["saving_gbp"] for t in priced), 2),
        "saving_gbp_ci95": percentile_interval(replicates, 2),
    }
