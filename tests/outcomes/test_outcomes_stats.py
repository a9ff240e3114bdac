"""Bootstrap and paired-test building blocks, checked against hand-worked values."""
import numpy as np

from outcomes.stats import bootstrap_sums, percentile_interval, rng_streams, wilcoxon_p


def test_bootstrap_replicate_sums_come_from_resampling_whole_people():
    # Person 0 has (1, 10), person 1 has (2, 20): every resample of 2 people has
    # column-2 sum exactly 10 x column-1 sum, and column-1 sum is 2, 3 or 4.
    values = np.array([[1.0, 10.0], [2.0, 20.0]])
    sums = bootstrap_sums(values, rng=rng_streams(1)[0], replicates=500)
    assert sums.shape == (500, 2)
    assert set(np.unique(sums[:, 0])) == {2.0, 3.0, 4.0}
    assert np.array_equal(sums[:, 1], 10 * sums[:, 0])
    # P(sum = 3) = 1/2: with 500 replicates the share is far from 0 or 1
    assert 0.35 < np.mean(sums[:, 0] == 3.0) < 0.65


def test_bootstrap_is_reproducible_with_the_fixed_seed_and_batched_the_same():
    values = np.arange(12.0).reshape(6, 2)
    first = bootstrap_sums(values, rng=rng_streams(1)[0], replicates=50)
    again = bootstrap_sums(values, rng=rng_streams(1)[0], replicates=50)
    assert np.array_equal(first, again)


def test_bootstrap_with_nobody_is_all_zero():
    assert not bootstrap_sums(np.zeros((0, 3)), rng=rng_streams(1)[0], replicates=10).any()


def test_percentile_interval_ignores_undefined_replicates():
    reps = np.array([np.nan] + list(range(1, 101)), dtype=float)
    # numpy's linear percentile of 1..100: 2.5th = 3.475, 97.5th = 97.525
    assert percentile_interval(reps, 1) == [3.5, 97.5]
    assert percentile_interval(np.array([np.nan]), 1) is None


def test_wilcoxon_all_zero_differences_gives_p_one():
    assert wilcoxon_p(np.array([3, 1, 0]), np.array([3, 1, 0])) == 1.0


def test_wilcoxon_exact_p_for_five_falls():
    # differences -1..-5 all negative: exact two-sided p = 2 x (1/2^5) = 0.0625
    assert wilcoxon_p(np.array([6, 7, 8, 9, 10]), np.array([5, 5, 5, 5, 5])) == 0.0625
