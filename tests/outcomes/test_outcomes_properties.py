"""Properties of the engine that must hold for any input (Hypothesis)."""
import datetime as dt

import pandas as pd
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes import ACTIVITY_TYPES, compute_report

PEOPLE = ["P1", "P2", "P3", "P4", "P5", "P6"]
BASE = dt.date(2022, 6, 1)
REPLICATES = 100

person = st.tuples(
    st.sampled_from(PEOPLE), st.integers(0, 700)  # referral day offset from BASE
)
row = st.tuples(
    st.sampled_from(PEOPLE + ["STRANGER"]),
    st.integers(-400, 1200),  # activity day offset from BASE
    st.sampled_from(ACTIVITY_TYPES),
    st.integers(1, 4),
)


def frames(people, rows):
    seen, refs = set(), []
    for pid, offset in people:
        if pid not in seen:
            seen.add(pid)
            refs.append({"person_id": pid, "referral_date": str(BASE + dt.timedelta(offset))})
    acts = [
        {"person_id": p, "date": str(BASE + dt.timedelta(d)), "activity_type": t, "count": c}
        for p, d, t, c in rows
    ]
    return (pd.DataFrame(refs, columns=["person_id", "referral_date"]),
            pd.DataFrame(acts, columns=["person_id", "date", "activity_type", "count"]))


def run(refs, acts, months):
    return compute_report(refs, acts, window_months=months, as_of="2025-06-30",
                          replicates=REPLICATES)


cases = dict(
    people=st.lists(person, min_size=1, max_size=6),
    rows=st.lists(row, max_size=25),
    months=st.integers(1, 18),
)


@settings(max_examples=40, deadline=None)
@given(**cases, seed=st.randoms(use_true_random=False))
def test_row_order_does_not_change_the_result(people, rows, months, seed):
    refs, acts = frames(people, rows)
    expected = run(refs, acts, months)
    shuffled_refs = refs.sample(frac=1, random_state=seed.randint(0, 10**6))
    shuffled_acts = acts.sample(frac=1, random_state=seed.randint(0, 10**6))
    assert run(shuffled_refs, shuffled_acts, months) == expected


@settings(max_examples=40, deadline=None)
@given(**cases)
def test_splitting_a_rows_count_into_single_rows_does_not_change_the_result(people, rows, months):
    refs, acts = frames(people, rows)
    # Unmatched rows are counted by row, so only referred people's rows are split.
    referred = acts["person_id"].isin(refs["person_id"])
    split = acts.loc[acts.index.repeat(acts["count"].where(referred, 1))]
    split = split.assign(count=split["count"].where(~split["person_id"].isin(refs["person_id"]), 1))
    assert run(refs, split, months) == run(refs, acts, months)


@settings(max_examples=40, deadline=None)
@given(**cases)
def test_pre_plus_post_equals_counts_in_windows_and_never_exceeds_total(people, rows, months):
    refs, acts = frames(people, rows)
    result = run(refs, acts, months)
    as_of = dt.date(2025, 6, 30)
    anchors = {r.person_id: dt.date.fromisoformat(r.referral_date) for r in refs.itertuples()}
    included = {p for p, a in anchors.items() if a + relativedelta(months=months) - dt.timedelta(1) <= as_of}
    in_windows = {t: 0 for t in ACTIVITY_TYPES}
    for p, d, t, c in acts.itertuples(index=False):
        if p in included:
            a, day = anchors[p], dt.date.fromisoformat(d)
            if a - relativedelta(months=months) <= day < a + relativedelta(months=months):
                in_windows[t] += c
    total = int(acts["count"].sum())
    for t, entry in result["by_activity"].items():
        assert entry["pre"] + entry["post"] == in_windows[t]
    assert sum(e["pre"] + e["post"] for e in result["by_activity"].values()) <= total
    assert set(result["by_activity"]) == {t for t, n in in_windows.items() if n > 0}
    assert result["people"]["included"] == len(included)


@settings(max_examples=15, deadline=None)
@given(**cases)
def test_bootstrap_intervals_are_reproducible(people, rows, months):
    refs, acts = frames(people, rows)
    first, second = run(refs, acts, months), run(refs, acts, months)
    assert first["total_saving_gbp_ci95"] == second["total_saving_gbp_ci95"]
    for t, entry in first["by_activity"].items():
        assert entry["reduction_pct_ci95"] == second["by_activity"][t]["reduction_pct_ci95"]
        assert entry["saving_gbp_ci95"] == second["by_activity"][t]["saving_gbp_ci95"]
