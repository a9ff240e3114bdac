"""The outcomes report: one entry point that the CLI and the web app share.

:func:`compute_report` takes DataFrames (read from CSV files by the CLI, or
from the database by the web app) and returns the JSON-ready dict of
CONTRACT.md 4.5 and 4.6, with the extra keys documented in
``outcomes/__init__.py``.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .activity import ActivityRows, prepare_activity
from .caveats import report_caveats
from .cohort import Cohort, check_disjoint, prepare_cohort
from .comparison import difference_in_differences, difference_in_differences_total
from .costs import UnitCost, prepare_unit_costs, shipped_unit_costs
from .dates import day_number, day_to_date, parse_date_text
from .definitions import ACTIVITY_TYPES, ANCHORS, BOOTSTRAP_REPLICATES, BOOTSTRAP_SEED
from .effects import activity_effects, saving_subtotals, types_in_windows
from .errors import OutcomesInputError
from .groups import group_results
from .onward import onward_referrals
from .stats import bootstrap_pre_post, rng_streams, tidy_round
from .support import service_support
from .wellbeing import wellbeing_change
from .windows import match_people, person_windows, window_counts

DEFAULT_SOURCES = {
    "referrals": "referrals",
    "activity": "activity",
    "unit_costs": "unit_costs",
    "comparison": "comparison",
    "measures": "measures",
    "onward": "onward",
    "support": "support",
}


def resolve_as_of(as_of, activity: ActivityRows, source: str) -> int:
    """The as_of day: the given date, or by default the latest activity date (4.4)."""
    if as_of is None:
        if len(activity) == 0:
            raise OutcomesInputError(
                source, 2, "there are no activity rows, so as_of cannot default to the "
                "latest activity date; give it explicitly (--as-of YYYY-MM-DD)"
            )
        return int(activity.day.max())
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    if isinstance(as_of, str):
        as_of = parse_date_text(as_of, what="as_of")
    return day_number(as_of)


def cohort_counts(
    cohort: Cohort, activity: ActivityRows, *, anchor: str, months: int, as_of_day: int
) -> tuple[dict, np.ndarray, np.ndarray, dict, np.ndarray]:
    """People counts and per-person pre/post counts of a cohort's included people.

    Included people are returned in person_id order, so results do not depend
    on the order of input rows.  The last value is each activity row's
    position in the cohort (−1 when the row is not this cohort's).
    """
    index = match_people(activity, cohort.person_ids)
    windows = person_windows(cohort, anchor=anchor, months=months, as_of_day=as_of_day)
    pre, post = window_counts(activity, index, windows)
    included = np.flatnonzero(windows.included)
    order = included[np.argsort(cohort.person_ids[included].astype(str), kind="stable")]
    people = {
        "referred": len(cohort),
        "included": int(len(order)),
        "excluded_insufficient_followup": int((windows.has_anchor & ~windows.included).sum()),
        "excluded_no_anchor": int((~windows.has_anchor).sum()),
    }
    labels = {column: values[order] for column, values in cohort.groups.items()}
    return people, pre[order], post[order], labels, index


def compute_report(
    referrals: pd.DataFrame,
    activity: pd.DataFrame,
    unit_costs: pd.DataFrame | dict[str, UnitCost] | None = None,
    *,
    window_months: int = 12,
    anchor: str = "referral",
    as_of: str | dt.date | None = None,
    comparison: pd.DataFrame | None = None,
    measures: pd.DataFrame | None = None,
    onward: pd.DataFrame | None = None,
    support: pd.DataFrame | None = None,
    sources: dict[str, str] | None = None,
    replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = BOOTSTRAP_SEED,
) -> dict:
    """Compute the outcomes report of CONTRACT.md section 4 from DataFrames.

    ``unit_costs`` None means the shipped, cited table.  ``sources`` names
    each frame in error messages (the CLI passes file paths).  Raises
    :class:`OutcomesInputError` for bad input and ValueError for a bad
    window or anchor.  See the package docstring for columns and keys.
    """
    names = {**DEFAULT_SOURCES, **(sources or {})}
    if isinstance(window_months, bool) or not isinstance(window_months, (int, np.integer)):
        raise ValueError(f"window_months must be a whole number, not {window_months!r}")
    if window_months < 1:
        raise ValueError(f"window_months must be a whole number of at least 1, not {window_months!r}")
    window_months = int(window_months)
    if anchor not in ANCHORS:
        raise ValueError(f"anchor must be one of {', '.join(ANCHORS)}, not {anchor!r}")
    referred = prepare_cohort(referrals, source=names["referrals"])
    compared = None
    if comparison is not None:
        compared = prepare_cohort(comparison, source=names["comparison"])
        check_disjoint(referred, compared)
    rows = prepare_activity(activity, source=names["activity"])
    if unit_costs is None:
        costs = shipped_unit_costs()
    elif isinstance(unit_costs, dict):
        costs = unit_costs
    else:
        costs = prepare_unit_costs(unit_costs, source=names["unit_costs"])
    as_of_day = resolve_as_of(as_of, rows, names["activity"])
    as_of_text = day_to_date(as_of_day).isoformat()
    rng = rng_streams(3, seed)

    settings = dict(anchor=anchor, months=window_months, as_of_day=as_of_day)
    people, pre, post, labels, index = cohort_counts(referred, rows, **settings)
    unmatched = index < 0
    resampled = bootstrap_pre_post(pre, post, rng=rng[0], replicates=replicates)
    by_activity, total, total_ci = activity_effects(
        pre, post, costs, months=window_months, resampled=resampled
    )
    person_years = people["included"] * window_months / 12.0
    by_group = group_results(pre, post, labels, costs, months=window_months)
    report = {
        "window_months": window_months,
        "anchor": anchor,
        "as_of": as_of_text,
        "people": people,
        "activity_rows_unmatched": 0,
        "by_activity": by_activity,
        "total_saving_gbp": total,
        "total_saving_gbp_ci95": total_ci,
        "saving_subtotals": saving_subtotals(by_activity, costs, resampled),
        "unit_costs": {t: c.as_json() for t, c in costs.items()},
        "caveats": [],
        "price_years": [],
        "person_years": {"pre": tidy_round(person_years, 2), "post": tidy_round(person_years, 2)},
        "bootstrap": {
            "replicates": replicates,
            "seed": seed,
            "method": "percentile interval, resampling people with replacement",
        },
        "by_group": by_group,
    }
    if compared is not None:
        c_people, c_pre, c_post, _, c_index = cohort_counts(compared, rows, **settings)
        unmatched &= c_index < 0
        c_by_activity = {
            ACTIVITY_TYPES[j]: {"pre": int(c_pre[:, j].sum()), "post": int(c_post[:, j].sum())}
            for j in types_in_windows(c_pre, c_post)
        }
        report["comparison"] = {"people": c_people, "by_activity": c_by_activity}
        c_resampled = bootstrap_pre_post(c_pre, c_post, rng=rng[1], replicates=replicates)
        report["difference_in_differences"] = difference_in_differences(
            pre, post, c_pre, c_post, costs, ref_resampled=resampled, cmp_resampled=c_resampled,
        )
        report["difference_in_differences_total"] = difference_in_differences_total(
            report["difference_in_differences"], pre, c_pre, costs, ref_resampled=resampled,
            cmp_resampled=c_resampled,
        )
    report["activity_rows_unmatched"] = int(unmatched.sum())
    if measures is not None:
        report["wellbeing"] = wellbeing_change(
            measures, referred, source=names["measures"], rng=rng[2], replicates=replicates
        )
    if onward is not None:
        report["onward_referrals"] = onward_referrals(onward, referred, source=names["onward"])
    if support is not None:
        report["support"] = service_support(support, referred, source=names["support"])
    priced_types = list(by_activity) + [
        t for t in report.get("difference_in_differences", {}) if t not in by_activity
    ]
    report["price_years"] = sorted({costs[t].price_year for t in priced_types if t in costs})
    report["caveats"] = report_caveats(
        costs=costs,
        used_types=priced_types,
        people=people,
        window_months=window_months,
        as_of=as_of_text,
        unmatched_rows=report["activity_rows_unmatched"],
        has_comparison=compared is not None,
        suppressed_groups=sum(
            1 for groups in by_group.values() for g in groups.values() if g["suppressed"]
        ),
        replicates=replicates,
    )
    return report

