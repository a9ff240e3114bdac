"""Uncertainty: bootstrap over people, percentile intervals, paired tests.

Bootstrap (Efron & Tibshirani, *An Introduction to the Bootstrap*, 1993,
ch. 6 and 13): people are resampled with replacement, every replicate the
same size as the cohort; an interval is the 2.5th and 97.5th percentiles of
the replicate statistics.  Resampling is done as a multiplicity matrix —
how often each person was drawn in each replicate, from ``np.bincount`` —
multiplied by the per-person values, so no Python loop runs over people.
"""
from __future__ import annotations

import warnings

import numpy as np
from .definitions import BOOTSTRAP_REPLICATES, BOOTSTRAP_SEED

# People x replicates per batch: bounds the weight matrix at about 16 MB.
_BATCH_DRAWS = 2_000_000


def rng_streams(count: int, seed: int = BOOTSTRAP_SEED) -> list[np.random.Generator]:
    """Independent, reproducible generators spawned from one fixed seed."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(count)]


def bootstrap_sums(
    values: np.ndarray, *, rng: np.random.Generator, replicates: int = BOOTSTRAP_REPLICATES
) -> np.ndarray:
    """Column sums of ``values`` (people × k) over bootstrap resamples of people.

    Returns a (replicates × k) array: row r is the sum, over a resample of n
    people drawn with replacement, of each column.  With no people every sum
    is 0.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    n, k = values.shape
    out = np.zeros((replicates, k), dtype=np.float64)
    if n == 0:
        return out
    batch = max(1, min(replicates, _BATCH_DRAWS // n))
    weights = np.empty((batch, n), dtype=np.float64)
    draw_type = np.int32 if n < 2**31 else np.int64
    for start in range(0, replicates, batch):
        b = min(batch, replicates - start)
        for r in range(b):
            # How many times each person is drawn in this replicate.
            weights[r] = np.bincount(rng.integers(0, n, size=n, dtype=draw_type), minlength=n)
        out[start : start + b] = weights[:b] @ values
    return out


def bootstrap_pre_post(
    pre: np.ndarray, post: np.ndarray, *, rng: np.random.Generator, replicates: int
) -> tuple[np.ndarray, np.ndarray]:
    """Summed pre and post counts per activity type over bootstrap resamples of people.

    ``pre``/``post`` are (people × types); returns two (replicates × types)
    arrays drawn from the same resamples, so every statistic of one cohort
    (reductions, savings, the total, its side of a difference-in-differences)
    is computed on the same replicates.
    """
    sums = bootstrap_sums(np.hstack([pre, post]), rng=rng, replicates=replicates)
    k = pre.shape[1]
    return sums[:, :k], sums[:, k:]


def percentile_interval(replicates: np.ndarray, digits: int) -> list[float] | None:
    """95% percentile interval [2.5th, 97.5th] of replicate values, rounded.

    Replicates that are undefined (NaN, e.g. a resample with no pre-period
    use) are left out; None when no replicate is defined.
    """
    finite = replicates[np.isfinite(replicates)]
    if finite.size == 0:
        return None
    low, high = np.percentile(finite, [2.5, 97.5])
    return [tidy_round(low, digits), tidy_round(high, digits)]


def tidy_round(value: float, digits: int) -> float:
    """Round half-even to ``digits`` places as Python's round does, never -0.0."""
    return round(float(value), digits) + 0.0


def wilcoxon_p(pre: np.ndarray, post: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value for paired per-person counts.

    scipy.stats.wilcoxon on post − pre with zero_method="wilcox" (people
    whose use did not change carry no information about its direction and
    are dropped; Wilcoxon 1945).  When every difference is zero there is no
    evidence of change and the p-value is 1.0.  Reported to 4 significant
    figures.
    """
    diff = np.asarray(post, dtype=np.float64) - np.asarray(pre, dtype=np.float64)
    if not np.any(diff != 0):
        return 1.0
    from scipy import stats as scipy_stats  # imported here: it is slow to load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            p = scipy_stats.wilcoxon(diff, zero_method="wilcox").pvalue
        except ValueError:
            return 1.0
    if not np.isfinite(p):
        return 1.0
    return float(f"{min(float(p), 1.0):.4g}")
