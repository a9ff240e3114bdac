"""Uncertainty: bootstrap over people, percentile intervals, paired tests.

Bootstrap (Efron & Tibshirani, *An Introduction to the Bootstrap*, 1993,
ch. 6 and 13): people are resampled with replacement, every replicate the
same size as the cohort; an interval is the 2.5th and 97.5th percentiles of
the replicate statistics.  Resampling is done as a multiplicity matrix —
how often each person was drawn in each replicate, from ``np.bincount`` —
multiplied by the per-person values, so no Python loop runs over people.

When every statistic uses a single column with few distinct values (a
wellbeing item's change is a whole number from −10 to 10),
:func:`bootstrap_column_sums` draws how often each *value* is drawn instead
of how often each person is; see its docstring for why that is the same
bootstrap.
"""
from __future__ import annotations

import importlib
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits

from .definitions import BOOTSTRAP_REPLICATES, BOOTSTRAP_SEED

# People x replicates per batch: bounds the weight matrix at about 16 MB.
_BATCH_DRAWS = 2_000_000

# A column with at most this many distinct values is resampled through the
# counts of its values (one binomial draw per value per replicate) rather than
# person by person (one random integer per person per replicate).
MULTINOMIAL_MAX_DISTINCT = 64


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

    The two halves of the work run side by side on two cores: a helper thread
    draws the next batch's people (numpy releases the GIL while it draws)
    while this one counts and multiplies the batch before it.  The draws are
    the same, in the same order, from ``rng`` alone, so the result is the
    same as drawing and counting in turn.  The matrix product runs on one BLAS
    thread meanwhile: OpenBLAS's own second thread would otherwise spin on the
    core the draws need, and this product is too small to gain from it.
    """
    values = _people_by_columns(values)
    n, k = values.shape
    out = np.zeros((replicates, k), dtype=np.float64)
    if n == 0:
        return out
    batch = max(1, min(replicates, _BATCH_DRAWS // n))
    weights = np.empty((batch, n), dtype=np.float64)
    with _ONE_BLAS_THREAD:
        for start, drawn in _draws_ahead(rng, n, replicates, batch):
            for r, people in enumerate(drawn):
                # How many times each person is drawn in this replicate.
                weights[r] = np.bincount(people, minlength=n)
            out[start : start + len(drawn)] = weights[: len(drawn)] @ values
    return out


class _OneBlasThread:
    """BLAS held to one thread while any bootstrap in the process runs, and given back when the
    last one ends. The limit is the process's, not a thread's: two bootstraps at once (the task
    queue's worker threads) share it, so neither can give back a limit the other still needs, nor
    leave behind the one the other set."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._limiter = None

    def __enter__(self) -> None:
        with self._lock:
            if self._users == 0:
                self._limiter = threadpool_limits(limits=1, user_api="blas")
            self._users += 1

    def __exit__(self, *_exc) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0:
                self._limiter.restore_original_limits()
                self._limiter = None


_ONE_BLAS_THREAD = _OneBlasThread()


def _draws_ahead(
    rng: np.random.Generator, n: int, replicates: int, batch: int
) -> Iterator[tuple[int, np.ndarray]]:
    """(first replicate, its batch's draws) for each batch in turn: a (b × n) array of people
    drawn from ``rng``, the next batch drawn on a helper thread while the caller works on
    this one.  One helper thread draws every batch in order, so the sequence of draws is the
    one ``rng.integers(0, n, size=n)`` called once per replicate would give."""
    draw_type = np.int32 if n < 2**31 else np.int64
    starts = list(range(0, replicates, batch))
    if not starts:
        return

    def draw(start: int) -> np.ndarray:
        return rng.integers(0, n, size=(min(batch, replicates - start), n), dtype=draw_type)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bootstrap-draws") as helper:
        pending = helper.submit(draw, starts[0])
        for index, start in enumerate(starts):
            drawn = pending.result()
            if index + 1 < len(starts):
                pending = helper.submit(draw, starts[index + 1])
            yield start, drawn


def bootstrap_column_sums(
    values: np.ndarray,
    *,
    rng: np.random.Generator,
    replicates: int = BOOTSTRAP_REPLICATES,
    max_distinct: int = MULTINOMIAL_MAX_DISTINCT,
) -> np.ndarray:
    """Each column's sum over bootstrap resamples of people, resampled column by column.

    Returns a (replicates × k) array like :func:`bootstrap_sums`, and each
    column on its own has exactly the distribution it has there; but column
    i and column j of one row come from *different* resamples.  So use it
    only when every statistic reads one column (each wellbeing item's
    interval); anything that combines columns — a ratio, a difference, a
    total — needs the joint resamples of :func:`bootstrap_sums`.

    Why it is the same bootstrap: a bootstrap sample is n independent draws
    from the empirical distribution, which gives each person probability 1/n
    (Efron & Tibshirani 1993, ch. 6).  Looking at one column only, each
    draw therefore yields value v with probability count_v / n, where
    count_v is how many people have v, independently of the other draws.
    The number of draws N_v that yield each value is then
    Multinomial(n, count_v / n) — the multinomial distribution is by
    definition the distribution of the category counts of n independent
    draws with fixed probabilities — and the resample's sum is
    Σ_v N_v × v.  Drawing (N_v) with ``rng.multinomial`` instead of
    drawing n people gives the same replicate sums in distribution at a
    cost of one binomial per distinct value instead of one random integer
    per person.  With more than ``max_distinct`` distinct values (or a
    value that is not finite) that saving is gone and the column falls back
    to :func:`bootstrap_sums`.

    The draws come from ``rng``, column by column in order, so a fixed seed
    gives the same replicates every time.  The multinomial path depends
    only on the distinct values and their counts, not on the order of rows.
    With no people every sum is 0.
    """
    values = _people_by_columns(values)
    n, k = values.shape
    out = np.zeros((replicates, k), dtype=np.float64)
    if n == 0:
        return out
    for j in range(k):
        out[:, j] = _bootstrap_one_column(
            values[:, j], rng=rng, replicates=replicates, max_distinct=max_distinct
        )
    return out


def _bootstrap_one_column(
    column: np.ndarray, *, rng: np.random.Generator, replicates: int, max_distinct: int
) -> np.ndarray:
    """Replicate sums of one column: by value counts when it has few values, else by people."""
    distinct, counts = np.unique(column, return_counts=True)
    if len(distinct) > max_distinct or not np.isfinite(distinct).all():
        # Not-finite values: 0 × inf or 0 × NaN is NaN, and bootstrap_sums
        # already says what that means; keep its answer rather than re-derive it.
        return bootstrap_sums(column, rng=rng, replicates=replicates)[:, 0]
    return _multinomial_sums(distinct, counts, rng=rng, replicates=replicates)


def _multinomial_sums(
    distinct: np.ndarray, counts: np.ndarray, *, rng: np.random.Generator, replicates: int
) -> np.ndarray:
    """Sums of resamples of a column given as its distinct values and their counts.

    Each replicate draws how many of the n = Σ counts draws land on each
    value, (N_v) ~ Multinomial(n, counts / n), and returns Σ_v N_v × v; see
    :func:`bootstrap_column_sums` for why this is the bootstrap of the sum.
    """
    n = int(counts.sum())
    drawn = rng.multinomial(n, counts / n, size=replicates)
    return drawn.astype(np.float64) @ np.asarray(distinct, dtype=np.float64)


def _people_by_columns(values: np.ndarray) -> np.ndarray:
    """Per-person values as a float (people × k) array; a 1-d array is one column."""
    values = np.asarray(values, dtype=np.float64)
    return values[:, None] if values.ndim == 1 else values


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


def start_loading_scipy() -> threading.Thread:
    """Begin importing scipy.stats (about a second, most of it parsing docstrings) in a thread,
    so that it loads while the CSV files are read and the windows counted, rather than when
    :func:`wilcoxon_p` first needs it.  The import is the same, only sooner; Python's import
    lock makes a later ``from scipy import stats`` wait for this one rather than start again.
    Not a daemon: the interpreter finishes the import before it exits, never halfway.  A failed
    import says nothing here (standard error carries the command's one message); the import in
    :func:`wilcoxon_p` raises it where it is needed."""
    loader = threading.Thread(target=_import_quietly, args=("scipy.stats",), name="load-scipy-stats")
    loader.start()
    return loader


def _import_quietly(name: str) -> None:
    try:
        importlib.import_module(name)
    except ImportError:
        pass


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
