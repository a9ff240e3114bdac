"""Balance: are the referred and comparison people alike before the referral? (issue 16).

For age (years, on the anchor date: that year − year of birth), sex (the share of each
recorded value) and baseline GP use (surgery, home and telephone consultations in the 12
months before the anchor), each group's mean and the standardised mean difference

    SMD = (mean referred − mean comparison) / sqrt((var referred + var comparison) / 2)

(sample variances; for a share p the variance is p(1 − p); Austin, Statistics in Medicine
2009;28:3083).  |SMD| above 0.1 is the usual sign of a meaningful imbalance, and is flagged.
When both groups have no spread at all the SMD is 0 if their means agree and null (flagged)
if they do not.

"Before matching" compares the referred people with the whole pool of unreferred people, all
measured at one date — the median referral date — since the pool has no anchors of its own;
"after" compares them with the cohort as chosen, each comparator at their pseudo-anchor.
Pure (pandas/numpy only).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .dates import parse_date_column
from .matching import GpUse, year_of_day
from .stats import tidy_round
from .windows import shift_months

THRESHOLD = 0.1


def smd(mean_a: float, var_a: float, mean_b: float, var_b: float) -> float | None:
    """Standardised mean difference; 0 with no spread and equal means, None with none and unequal."""
    spread = np.sqrt((var_a + var_b) / 2.0)
    if spread == 0 or not np.isfinite(spread):
        return 0.0 if np.isclose(mean_a, mean_b) else None
    return float((mean_a - mean_b) / spread)


def _variance(values: np.ndarray) -> float:
    return float(np.var(values, ddof=1)) if len(values) > 1 else 0.0


def _row(label: str, a: np.ndarray, b: np.ndarray, *, share: bool) -> dict:
    mean_a = float(a.mean()) if len(a) else float("nan")
    mean_b = float(b.mean()) if len(b) else float("nan")
    if not len(a) or not len(b):
        return {"label": label, "referred_mean": None, "comparison_mean": None, "smd": None}
    var_a = mean_a * (1 - mean_a) if share else _variance(a)
    var_b = mean_b * (1 - mean_b) if share else _variance(b)
    value = smd(mean_a, var_a, mean_b, var_b)
    return {"label": label, "referred_mean": tidy_round(mean_a, 3), "comparison_mean": tidy_round(mean_b, 3),
            "smd": None if value is None else tidy_round(value, 3)}


def balance_table(referred: pd.DataFrame, comparison: pd.DataFrame) -> dict:
    """Means and SMDs of ``age``, each ``sex`` value and ``baseline_gp_use`` (frames with those
    columns, one row per person — or per use, for a comparator used twice)."""
    variables = {"age": _row("Age (years)", referred["age"].dropna().to_numpy(float),
                             comparison["age"].dropna().to_numpy(float), share=False)}
    sexes = sorted(set(referred["sex"].dropna().astype(str)) | set(comparison["sex"].dropna().astype(str)))
    for value in sexes:
        variables[f"sex_{value}"] = _row(f"Sex: {value.replace('_', ' ')}",
                                         (referred["sex"].astype(str) == value).to_numpy(float),
                                         (comparison["sex"].astype(str) == value).to_numpy(float), share=True)
    variables["baseline_gp_use"] = _row("GP consultations in the 12 months before",
                                        referred["baseline_gp_use"].to_numpy(float),
                                        comparison["baseline_gp_use"].to_numpy(float), share=False)
    return {"people": {"referred": len(referred), "comparison": len(comparison)}, "variables": variables}


def imbalanced(table: dict, threshold: float = THRESHOLD) -> list[str]:
    """Names of the variables whose |SMD| exceeds the threshold (or cannot be computed)."""
    out = []
    for name, row in table["variables"].items():
        if row["referred_mean"] is None:
            continue
        if row["smd"] is None or abs(row["smd"]) > threshold:
            out.append(name)
    return out


def characteristics(people: pd.DataFrame, use: GpUse, index: pd.Index, months: int) -> pd.DataFrame:
    """age, sex, baseline_gp_use of people (person_id, anchor_day, sex, year_of_birth)."""
    anchor = people["anchor_day"].to_numpy(np.int64)
    codes = index.get_indexer(people["person_id"].astype(str))
    baseline = use.between(codes, shift_months(anchor, -months), anchor) if len(people) else np.zeros(0)
    return pd.DataFrame({
        "age": year_of_day(anchor) - pd.to_numeric(people["year_of_birth"], errors="coerce").to_numpy(float),
        "sex": people["sex"].to_numpy(object),
        "baseline_gp_use": baseline,
    })


def _with_anchor(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    days, _ = parse_date_column(frame["referral_date"].reset_index(drop=True), source=source,
                                column="referral_date", required=True)
    return pd.DataFrame({"person_id": frame["person_id"].astype(str).to_numpy(), "anchor_day": days,
                         "sex": frame["sex"].to_numpy(object), "year_of_birth": frame["year_of_birth"].to_numpy()})


def cohort_balance(referred: pd.DataFrame, comparison: pd.DataFrame, activity: pd.DataFrame, *,
                   pool: pd.DataFrame | None = None, referred_after: pd.DataFrame | None = None,
                   months: int = 12, threshold: float = THRESHOLD) -> dict:
    """The balance object of the JSON report.

    ``referred``/``comparison``/``referred_after``: person_id, referral_date (the anchor), sex,
    year_of_birth.  ``pool`` (person_id, sex, year_of_birth): the unreferred people matching
    chose from, for the "before" table (null without it).  ``referred_after`` defaults to
    ``referred`` (for a matched cohort, pass the referred people who were matched).
    People without a year of birth count towards sex and GP use but not age.
    """
    ref = _with_anchor(referred, "referrals")
    cmp_ = _with_anchor(comparison, "comparison")
    after_ref = ref if referred_after is None else _with_anchor(referred_after, "referrals")
    pool_frame = None
    if pool is not None and len(pool) and len(ref):
        median_day = int(np.median(ref["anchor_day"]))
        pool_frame = pd.DataFrame({"person_id": pool["person_id"].astype(str).to_numpy(),
                                   "anchor_day": np.full(len(pool), median_day, dtype=np.int64),
                                   "sex": pool["sex"].to_numpy(object), "year_of_birth": pool["year_of_birth"].to_numpy()})
    frames = [f for f in (ref, cmp_, after_ref, pool_frame) if f is not None]
    index = pd.Index(pd.unique(np.concatenate([f["person_id"].to_numpy(object) for f in frames])))
    use = GpUse(activity, index.to_numpy())
    describe = lambda f: characteristics(f, use, index, months)  # noqa: E731
    after = balance_table(describe(after_ref), describe(cmp_))
    before = balance_table(describe(ref), describe(pool_frame)) if pool_frame is not None else None
    flagged = imbalanced(after, threshold)
    return {"threshold": threshold, "before": before, "after": after, "imbalanced": bool(flagged),
            "imbalanced_variables": flagged}
