"""Column-by-column bootstrap (multinomial counts of values) and per-distinct text tidying."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.cohort import labels_or_not_recorded
from outcomes.columns import stripped
from outcomes.stats import MULTINOMIAL_MAX_DISTINCT, bootstrap_column_sums, bootstrap_sums, rng_streams
from outcomes.wellbeing import _numbers


def achievable_sums(values: list[int], draws: int) -> set[int]:
    """Every sum of ``draws`` values drawn with replacement from ``values``."""
    sums = {0}
    for _ in range(draws):
        sums = {s + v for s in sums for v in set(values)}
    return sums


def test_a_constant_column_sums_to_n_times_the_constant_in_every_replicate():
    values = np.column_stack([np.full(37, 4.0), np.full(37, -2.0)])
    sums = bootstrap_column_sums(values, rng=rng_streams(1)[0], replicates=300)
    assert sums.shape == (300, 2)
    assert (sums[:, 0] == 37 * 4.0).all() and (sums[:, 1] == 37 * -2.0).all()


def test_replicates_are_reproducible_with_the_fixed_seed():
    values = np.random.default_rng(7).integers(-10, 11, size=(500, 3)).astype(float)
    first = bootstrap_column_sums(values, rng=rng_streams(3)[2], replicates=200)
    again = bootstrap_column_sums(values, rng=rng_streams(3)[2], replicates=200)
    other_seed = bootstrap_column_sums(values, rng=rng_streams(3, seed=1)[2], replicates=200)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other_seed)


def test_the_value_count_draws_do_not_depend_on_row_order():
    values = np.random.default_rng(3).integers(-10, 11, size=400).astype(float)
    shuffled = np.random.default_rng(4).permutation(values)
    assert np.array_equal(
        bootstrap_column_sums(values, rng=rng_streams(1)[0], replicates=100),
        bootstrap_column_sums(shuffled, rng=rng_streams(1)[0], replicates=100),
    )


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(-10, 10), min_size=1, max_size=12),
    max_distinct=st.sampled_from([0, MULTINOMIAL_MAX_DISTINCT]),  # 0 forces the fallback
    seed=st.integers(0, 2**32 - 1),
)
def test_each_replicate_is_a_sum_some_resample_of_the_people_could_give(values, max_distinct, seed):
    n = len(values)
    sums = bootstrap_column_sums(
        np.array(values, dtype=float), rng=np.random.default_rng(seed), replicates=50,
        max_distinct=max_distinct,
    )[:, 0]
    assert (sums >= n * min(values)).all() and (sums <= n * max(values)).all()
    assert set(sums.astype(int)) <= achievable_sums(values, n)
    assert (sums == np.round(sums)).all()


def test_a_column_with_many_distinct_values_is_resampled_person_by_person():
    values = np.random.default_rng(5).normal(size=(300, 1))
    assert len(np.unique(values)) > MULTINOMIAL_MAX_DISTINCT
    by_column = bootstrap_column_sums(values, rng=rng_streams(1)[0], replicates=100)
    by_people = bootstrap_sums(values, rng=rng_streams(1)[0], replicates=100)
    assert np.array_equal(by_column, by_people)


def test_a_column_with_few_distinct_values_is_drawn_as_counts_of_values():
    values = np.random.default_rng(5).integers(0, 3, size=(300, 1)).astype(float)
    by_column = bootstrap_column_sums(values, rng=rng_streams(1)[0], replicates=100)
    by_people = bootstrap_sums(values, rng=rng_streams(1)[0], replicates=100)
    # Same distribution, different random numbers: equal draws would mean no multinomial path.
    assert not np.array_equal(by_column, by_people)


def test_a_column_with_a_missing_value_gives_undefined_sums_as_resampling_people_does():
    values = np.array([1.0, np.nan, 2.0])
    assert np.isnan(bootstrap_column_sums(values, rng=rng_streams(1)[0], replicates=20)).all()
    assert np.isnan(bootstrap_sums(values, rng=rng_streams(1)[0], replicates=20)).all()


def test_nobody_gives_all_zero_sums():
    assert not bootstrap_column_sums(np.zeros((0, 2)), rng=rng_streams(1)[0], replicates=10).any()


def test_a_zero_one_column_has_the_binomial_mean_and_variance():
    # n = 200 people, 60 of them 1: a resample's sum is Binomial(200, 0.3),
    # mean 60 and variance 42.  With 4000 replicates the standard error of the
    # mean is 0.1 and of the variance about 2%, so these bounds are generous.
    n, ones, p = 200, 60, 0.3
    values = np.array([1.0] * ones + [0.0] * (n - ones))
    sums = bootstrap_column_sums(values, rng=rng_streams(1)[0], replicates=4000)[:, 0]
    assert abs(sums.mean() - n * p) < 1.0
    assert abs(sums.var() - n * p * (1 - p)) < 0.2 * n * p * (1 - p)


text_cells = st.lists(
    st.one_of(st.none(), st.text(alphabet=" \t\nab1.", max_size=4), st.integers(-2, 2),
              st.floats(allow_nan=True, width=16), st.booleans()),
    max_size=30,
)


@settings(max_examples=80, deadline=None)
@given(cells=text_cells)
def test_stripping_once_per_distinct_value_gives_the_per_row_answer(cells):
    text = pd.Series(cells, dtype=object).astype(str)
    assert stripped(text).tolist() == text.str.strip().tolist()


# pandas warns that fillna("") on some mixed object columns will stop downcasting;
# both sides of this comparison make the same call, so the warning says nothing here.
@pytest.mark.filterwarnings("ignore:Downcasting object dtype arrays:FutureWarning")
@settings(max_examples=80, deadline=None)
@given(cells=text_cells)
def test_labels_are_the_stripped_text_with_blank_not_recorded(cells):
    values = pd.Series(cells, dtype=object)
    per_row = values.fillna("").astype(str).str.strip()
    expected = per_row.where(per_row != "", "not recorded").tolist()
    assert labels_or_not_recorded(values).tolist() == expected


@settings(max_examples=60, deadline=None)
@given(
    numbers=st.lists(st.floats(-20, 20, allow_nan=False), max_size=20),
    blanks=st.lists(st.booleans(), max_size=20),
)
def test_a_number_column_reads_as_the_text_route_would_read_it(numbers, blanks):
    floats = pd.Series(numbers, dtype=float)
    floats[[i for i, b in enumerate(blanks[: len(numbers)]) if b]] = np.nan
    whole = pd.Series([int(x) for x in numbers], dtype=np.int64)
    for column in (floats, whole):
        text_route = pd.to_numeric(column.where(column.astype(str).str.strip() != ""), errors="coerce")
        assert np.array_equal(_numbers(column), text_route.to_numpy(dtype=np.float64), equal_nan=True)
