"""Results by practice, locality, age band and primary need, with small numbers suppressed.

For each optional group column of the referrals frame (``practice_code``,
``locality``, ``age_band``, ``primary_need``) and each of its values, the
pre/post figures of CONTRACT.md 4.4 over that group's included people.  A
group with fewer than 5 included people is shown as
``{"people": null, "suppressed": true}`` and none of its numbers are given
(PRODUCT.md: commissioners see aggregates only, small numbers suppressed).
Intervals are not computed per group.  A blank group value is reported as
"not recorded".
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .costs import UnitCost
from .definitions import ACTIVITY_TYPES, SMALL_NUMBER_THRESHOLD
from .effects import summarise
from .stats import tidy_round


def group_results(
    pre: np.ndarray,
    post: np.ndarray,
    labels: dict[str, np.ndarray],
    costs: dict[str, UnitCost],
    *,
    months: int,
) -> dict:
    """``by_group``: column -> group value -> figures (or suppressed)."""
    result: dict[str, dict] = {}
    for column, values in labels.items():
        codes, names = pd.factorize(pd.Series(values, dtype=object), sort=True)
        g = len(names)
        people = np.bincount(codes, minlength=g)
        pre_g = np.stack(
            [np.bincount(codes, weights=pre[:, j], minlength=g) for j in range(len(ACTIVITY_TYPES))],
            axis=1,
        ) if g else np.zeros((0, len(ACTIVITY_TYPES)))
        post_g = np.stack(
            [np.bincount(codes, weights=post[:, j], minlength=g) for j in range(len(ACTIVITY_TYPES))],
            axis=1,
        ) if g else np.zeros((0, len(ACTIVITY_TYPES)))
        column_result: dict[str, dict] = {}
        for k, name in enumerate(names):
            n = int(people[k])
            if n < SMALL_NUMBER_THRESHOLD:
                column_result[str(name)] = {"people": None, "suppressed": True}
                continue
            by_activity = {}
            total = 0.0
            for j, activity_type in enumerate(ACTIVITY_TYPES):
                if pre_g[k, j] + post_g[k, j] == 0:
                    continue
                entry = summarise(
                    float(pre_g[k, j]), float(post_g[k, j]), n, months, costs.get(activity_type)
                )
                by_activity[activity_type] = entry
                total += entry["saving_gbp"] or 0.0
            column_result[str(name)] = {
                "people": n,
                "suppressed": False,
                "by_activity": by_activity,
                "total_saving_gbp": tidy_round(total, 2),
            }
        result[column] = column_result
    return result
