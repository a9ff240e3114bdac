"""The bootstrap draws on a helper thread while it counts: the replicates must be exactly those of
drawing each replicate's people in turn from the same generator, whatever the batch size."""
import threading

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from threadpoolctl import threadpool_info

from outcomes import stats
from outcomes.stats import bootstrap_sums, rng_streams


def one_at_a_time(values: np.ndarray, rng: np.random.Generator, replicates: int) -> np.ndarray:
    """The textbook bootstrap: draw n people with replacement, sum their rows; repeat."""
    n = len(values)
    return np.array([values[rng.integers(0, n, size=n, dtype=np.int32)].sum(axis=0)
                     for _ in range(replicates)]).reshape(replicates, values.shape[1])


@settings(max_examples=60, deadline=None)
@given(people=st.integers(1, 40), columns=st.integers(1, 4), replicates=st.integers(1, 30),
       batch_draws=st.integers(1, 200), seed=st.integers(0, 2**32 - 1), data=st.data())
def test_replicates_are_those_of_drawing_one_replicate_at_a_time(people, columns, replicates, batch_draws, seed,
                                                                 data):
    # Whole-number values, so every sum is exact and the two orders of adding agree to the bit.
    values = np.array(data.draw(st.lists(st.lists(st.integers(0, 50), min_size=columns, max_size=columns),
                                         min_size=people, max_size=people)), dtype=np.float64)
    expected = one_at_a_time(values, np.random.default_rng(seed), replicates)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stats, "_BATCH_DRAWS", batch_draws)  # batches of 1 replicate .. all of them
        found = bootstrap_sums(values, rng=np.random.default_rng(seed), replicates=replicates)
    assert np.array_equal(found, expected)


def test_a_large_cohort_over_many_batches_gives_the_same_replicates():
    # 3,001 people (odd, so 32-bit draws straddle the generator's 64-bit words) in batches of
    # 666 replicates (2,000,000 // 3,001), the last one short: 2,000 replicates in 4 batches.
    values = np.random.default_rng(5).poisson(2, size=(3001, 3)).astype(np.float64)
    expected = one_at_a_time(values, rng_streams(1)[0], 2000)
    assert np.array_equal(bootstrap_sums(values, rng=rng_streams(1)[0], replicates=2000), expected)


def test_the_blas_thread_count_is_given_back_afterwards():
    before = [pool["num_threads"] for pool in threadpool_info()]
    bootstrap_sums(np.ones((50, 2)), rng=rng_streams(1)[0], replicates=20)
    assert [pool["num_threads"] for pool in threadpool_info()] == before


def test_a_failed_draw_is_raised_in_the_caller_and_nothing_is_left_running(monkeypatch):
    class Failing:
        calls = 0

        def integers(self, *args, **kwargs):
            Failing.calls += 1
            if Failing.calls == 2:
                raise MemoryError("no room for the second batch")
            return np.zeros(kwargs["size"], dtype=np.int32)

    monkeypatch.setattr(stats, "_BATCH_DRAWS", 10)  # 10 people: a batch per replicate
    with pytest.raises(MemoryError, match="second batch"):
        bootstrap_sums(np.ones((10, 1)), rng=Failing(), replicates=5)
    assert not [t for t in threading.enumerate() if t.name.startswith("bootstrap-draws")]


def test_no_replicates_is_an_empty_result():
    assert bootstrap_sums(np.ones((5, 2)), rng=rng_streams(1)[0], replicates=0).shape == (0, 2)


def test_bootstraps_at_once_in_two_threads_give_their_own_replicates_and_the_blas_limit_back():
    before = [pool["num_threads"] for pool in threadpool_info()]
    values = np.random.default_rng(3).poisson(2, size=(2000, 2)).astype(np.float64)
    started = threading.Barrier(2)
    found = {}

    def run(seed: int) -> None:
        started.wait()
        found[seed] = bootstrap_sums(values, rng=np.random.default_rng(seed), replicates=3000)

    threads = [threading.Thread(target=run, args=(seed,)) for seed in (11, 12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for seed in (11, 12):
        assert np.array_equal(found[seed], one_at_a_time(values, np.random.default_rng(seed), 3000))
    assert [pool["num_threads"] for pool in threadpool_info()] == before
