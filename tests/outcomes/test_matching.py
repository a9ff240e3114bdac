"""Matching referred people to unreferred ones, balance, and the two estimates it makes possible."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes import compute_report
from outcomes.balance import cohort_balance, smd
from outcomes.matching import MatchSettings, match

START = date(2022, 1, 1)


def _naive_baseline(activity: pd.DataFrame, person: str, anchor: date) -> int:
    """GP use in [anchor − 12 months, anchor), counted row by row (the slow, obvious way)."""
    start = (pd.Timestamp(anchor) - pd.DateOffset(months=12)).date()
    rows = activity[(activity.person_id == person) & activity.activity_type.isin(
        ["gp_surgery", "gp_home_visit", "gp_telephone"])]
    return int(sum(r.count for r in rows.itertuples() if start <= pd.Timestamp(r.date).date() < anchor))


@st.composite
def worlds(draw):
    """A few referred and pool people in two practices, with random GP activity."""
    n_ref = draw(st.integers(1, 8))
    n_pool = draw(st.integers(0, 25))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    referred = pd.DataFrame({
        "person_id": [f"R{i}" for i in range(n_ref)],
        "referral_date": [START + timedelta(days=int(d)) for d in rng.integers(200, 600, n_ref)],
        "stratum": rng.choice(["P1", "P2"], n_ref),
        "sex": rng.choice(["female", "male"], n_ref),
        "year_of_birth": rng.integers(1940, 1956, n_ref),
    })
    pool = pd.DataFrame({
        "person_id": [f"C{i}" for i in range(n_pool)],
        "stratum": rng.choice(["P1", "P2"], n_pool),
        "sex": rng.choice(["female", "male"], n_pool),
        "year_of_birth": rng.integers(1940, 1956, n_pool),
    })
    ids = list(referred.person_id) + list(pool.person_id)
    n_rows = draw(st.integers(0, 120))
    activity = pd.DataFrame({
        "person_id": rng.choice(ids, n_rows),
        "date": [START + timedelta(days=int(d)) for d in rng.integers(0, 900, n_rows)],
        "activity_type": rng.choice(["gp_surgery", "gp_telephone", "practice_nurse"], n_rows),
        "count": rng.integers(1, 4, n_rows),
    })
    options = MatchSettings(per_person=draw(st.integers(1, 3)), caliper=draw(st.sampled_from([0, 1, 2.5, 10])),
                            seed=draw(st.integers(0, 1000)), with_replacement=draw(st.booleans()))
    return referred, pool, activity, options


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_matching_is_deterministic_whatever_the_row_order(world):
    referred, pool, activity, options = world
    first = match(referred, pool, activity, options)
    shuffled = match(referred.sample(frac=1, random_state=1), pool.sample(frac=1, random_state=2),
                     activity.sample(frac=1, random_state=3), options)
    pd.testing.assert_frame_equal(first.matches, shuffled.matches)
    assert first.summary == shuffled.summary


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_matches_share_practice_sex_and_age_band_and_respect_the_caliper(world):
    referred, pool, activity, options = world
    result = match(referred, pool, activity, options)
    ref = referred.set_index("person_id")
    cand = pool.set_index("person_id")
    for row in result.matches.itertuples():
        r, c = ref.loc[row.referred_id], cand.loc[row.comparison_id]
        anchor = r.referral_date
        assert (r.stratum, r.sex) == (c.stratum, c.sex)
        assert (anchor.year - r.year_of_birth) // 5 == (anchor.year - c.year_of_birth) // 5
        assert (np.datetime64(anchor, "D").astype(np.int64)) == row.anchor_day
        assert row.referred_baseline == _naive_baseline(activity, row.referred_id, anchor)
        assert row.comparison_baseline == _naive_baseline(activity, row.comparison_id, anchor)
        assert abs(row.comparison_baseline - row.referred_baseline) == row.distance <= options.caliper
    per_referred = result.matches.groupby("referred_id").size()
    assert (per_referred <= options.per_person).all()
    if not options.with_replacement:
        assert not result.matches.comparison_id.duplicated().any()
    else:
        assert not result.matches.duplicated(["referred_id", "comparison_id"]).any()


def _gp_rows(person: str, when: date, count: int) -> list[dict]:
    return [{"person_id": person, "date": when, "activity_type": "gp_surgery", "count": count}] if count else []


def test_nearest_candidates_are_chosen_and_a_contested_one_goes_to_the_closer():
    """R1 (baseline 10) is 2 from C1 (8) and 2 from C2 (12); R2 (7) is 1 from C1 and 5 from C2.
    Without replacement a contested C1 goes to R2, the closer, and R1 gets C2 whichever it
    proposed first.  C3 (3) is 4 from R2 and 7 from R1: outside a caliper of 3."""
    referred = pd.DataFrame({"person_id": ["R1", "R2"], "referral_date": [date(2024, 1, 1)] * 2,
                             "stratum": "P1", "sex": "female", "year_of_birth": 1950})
    pool = pd.DataFrame({"person_id": ["C1", "C2", "C3"], "stratum": "P1", "sex": "female",
                         "year_of_birth": [1950, 1951, 1952]})
    activity = pd.DataFrame(_gp_rows("R1", date(2023, 6, 1), 10) + _gp_rows("R2", date(2023, 6, 1), 7)
                            + _gp_rows("C1", date(2023, 6, 1), 8) + _gp_rows("C2", date(2023, 6, 1), 12)
                            + _gp_rows("C3", date(2023, 6, 1), 3))
    one = match(referred, pool, activity, MatchSettings(per_person=1, caliper=3))
    assert list(zip(one.matches.referred_id, one.matches.comparison_id)) == [("R1", "C2"), ("R2", "C1")]
    two = match(referred, pool, activity, MatchSettings(per_person=2, caliper=3))
    assert "C3" not in set(two.matches.comparison_id)
    assert two.summary["referred_matched"] == 2 and two.summary["referred_matched_fully"] == 0
    again = match(referred, pool, activity, MatchSettings(per_person=2, caliper=3, with_replacement=True))
    assert sorted(zip(again.matches.referred_id, again.matches.comparison_id)) == [
        ("R1", "C1"), ("R1", "C2"), ("R2", "C1")]  # with replacement C1 serves both; C2 is too far from R2


def test_people_without_sex_or_year_of_birth_are_not_matched_but_counted():
    referred = pd.DataFrame({"person_id": ["R1"], "referral_date": [date(2024, 1, 1)], "stratum": "P1",
                             "sex": "male", "year_of_birth": 1960})
    pool = pd.DataFrame({"person_id": ["C1", "C2"], "stratum": "P1", "sex": [None, "male"],
                         "year_of_birth": [1960, None]})
    result = match(referred, pool, pd.DataFrame(columns=["person_id", "date", "activity_type", "count"]))
    assert result.matches.empty
    assert (result.summary["pool"], result.summary["pool_matchable"], result.summary["referred_unmatched"]) == (2, 0, 1)


def test_a_person_both_referred_and_in_the_pool_is_refused():
    frame = pd.DataFrame({"person_id": ["X"], "referral_date": [date(2024, 1, 1)], "stratum": "P", "sex": "male",
                          "year_of_birth": 1960})
    with pytest.raises(ValueError, match="both referred and in the pool"):
        match(frame, frame.drop(columns="referral_date"), pd.DataFrame(columns=["person_id", "date", "activity_type"]))


def test_settings_refuse_nonsense():
    with pytest.raises(ValueError):
        MatchSettings(per_person=0)
    with pytest.raises(ValueError):
        MatchSettings(caliper=-1)


# --- The two estimates ----------------------------------------------------------------------

def test_a_known_effect_is_recovered_exactly():
    """Four referred and eight comparison people share one trend (every comparison person goes
    6 -> 7 consultations, as would the referred without support); support removes exactly 3
    more per referred person.  Referred: 6 -> 4 each; change −2; comparison change +1; DiD −3."""
    anchor = date(2024, 3, 1)
    referred = pd.DataFrame({"person_id": [f"R{i}" for i in range(4)], "referral_date": [anchor] * 4})
    comparison = pd.DataFrame({"person_id": [f"C{i}" for i in range(8)], "referral_date": [anchor] * 8})
    rows = []
    for person in referred.person_id:
        rows += _gp_rows(person, date(2023, 9, 1), 6) + _gp_rows(person, date(2024, 9, 1), 4)
    for person in comparison.person_id:
        rows += _gp_rows(person, date(2023, 9, 1), 6) + _gp_rows(person, date(2024, 9, 1), 7)
    report = compute_report(referred, pd.DataFrame(rows), comparison=comparison, as_of="2025-03-31",
                            replicates=200)
    did = report["difference_in_differences"]["gp_surgery"]
    assert did["referred_change_per_person"] == -2.0
    assert did["comparison_change_per_person"] == 1.0
    assert did["did_per_person"] == -3.0
    assert did["did_per_person_ci95"] == [-3.0, -3.0]  # no spread: every person identical
    assert did["visits_avoided"] == 12.0
    total = report["difference_in_differences_total"]
    assert total["types"] == ["gp_surgery"]
    assert total["saving_gbp"] == did["saving_gbp"] == round(12 * report["unit_costs"]["gp_surgery"]["unit_cost_gbp"], 2)
    assert total["saving_gbp_ci95"] == [total["saving_gbp"]] * 2
    # The plain before-and-after says 6 -> 4, a 33.3% fall, which hides the rising trend.
    assert report["by_activity"]["gp_surgery"]["reduction_pct"] == 33.3


def _regression_world(seed: int = 7):
    """Frequent attenders regress to the mean; support does nothing.

    6,000 people, each with their own long-run monthly rate (gamma, mean 1.2); a 12-month
    baseline before 1 March 2024 is a Poisson draw from it, the next 12 months another.  The
    people whose baseline is in the top decile are "referred" at random (a third of them) -
    exactly the people an MDT meeting notices.  Their use falls afterwards only because a high
    year is usually followed by a more ordinary one.
    """
    rng = np.random.default_rng(seed)
    n = 6000
    rate = rng.gamma(2.0, 0.6, n) * 12
    pre, post = rng.poisson(rate), rng.poisson(rate)
    ids = np.array([f"P{i}" for i in range(n)])
    frequent = pre >= np.quantile(pre, 0.9)
    referred_mask = frequent & (rng.random(n) < 1 / 3)
    anchor = date(2024, 3, 1)
    activity = pd.DataFrame({
        "person_id": np.concatenate([ids, ids]),
        "date": [date(2023, 9, 1)] * n + [date(2024, 9, 1)] * n,
        "activity_type": "gp_surgery",
        "count": np.concatenate([pre, post]),
    })
    activity = activity[activity["count"] > 0]
    people = pd.DataFrame({"person_id": ids, "stratum": "P1", "sex": rng.choice(["female", "male"], n),
                           "year_of_birth": rng.integers(1945, 1960, n)})
    referred = people[referred_mask].assign(referral_date=anchor)
    pool = people[~referred_mask]
    return referred, pool, activity


def test_regression_to_the_mean_alone_the_did_interval_covers_zero_while_the_plain_fall_does_not():
    referred, pool, activity = _regression_world()
    result = match(referred, pool, activity, MatchSettings(per_person=1, caliper=1, seed=5))
    assert result.summary["referred_matched"] >= 0.85 * len(referred)  # the very highest have no neighbour
    comparison = pd.DataFrame({"person_id": result.matches.comparison_id,
                               "referral_date": result.matches.anchor_day.astype("datetime64[D]")})
    report = compute_report(referred[["person_id", "referral_date"]], activity, comparison=comparison,
                            as_of="2025-03-31", replicates=500)
    plain = report["by_activity"]["gp_surgery"]
    low, high = plain["reduction_pct_ci95"]
    assert low > 0, plain  # a "fall" of GP use after referral, its interval clear of 0 ...
    did = report["difference_in_differences"]["gp_surgery"]
    d_low, d_high = did["did_per_person_ci95"]
    assert d_low <= 0 <= d_high, did  # ... that the comparison shows is not the service's doing
    # And the balance after matching is good on baseline use (matched within 1 consultation).
    members = pool.set_index("person_id").loc[result.matches.comparison_id].reset_index()
    members["referral_date"] = comparison["referral_date"].to_numpy()
    matched = referred[referred.person_id.isin(result.matches.referred_id)]
    balance = cohort_balance(referred, members, activity, pool=pool, referred_after=matched)
    assert abs(balance["after"]["variables"]["baseline_gp_use"]["smd"]) < 0.1
    assert balance["before"]["variables"]["baseline_gp_use"]["smd"] > 1  # the pool as a whole is nothing alike
    assert "baseline_gp_use" not in balance["imbalanced_variables"]


def test_balance_smd_by_hand():
    # referred ages 60, 70 (mean 65, var 50); comparison 50, 60 (mean 55, var 50): SMD 10 / sqrt(50).
    assert smd(65, 50, 55, 50) == pytest.approx(10 / np.sqrt(50))
    assert smd(1, 0, 1, 0) == 0.0
    assert smd(1, 0, 0, 0) is None
    referred = pd.DataFrame({"person_id": ["R1", "R2"], "referral_date": [date(2024, 1, 1)] * 2,
                             "sex": ["female", "male"], "year_of_birth": [1964, 1954]})
    comparison = pd.DataFrame({"person_id": ["C1", "C2"], "referral_date": [date(2024, 1, 1)] * 2,
                               "sex": ["female", "female"], "year_of_birth": [1974, 1964]})
    activity = pd.DataFrame(_gp_rows("R1", date(2023, 5, 1), 4) + _gp_rows("C1", date(2023, 5, 1), 4))
    balance = cohort_balance(referred, comparison, activity)
    age = balance["after"]["variables"]["age"]
    assert (age["referred_mean"], age["comparison_mean"], age["smd"]) == (65.0, 55.0, round(10 / np.sqrt(50), 3))
    female = balance["after"]["variables"]["sex_female"]
    # shares 0.5 and 1.0: (0.5 − 1) / sqrt((0.25 + 0) / 2) = −1.414
    assert (female["referred_mean"], female["comparison_mean"], female["smd"]) == (0.5, 1.0, -1.414)
    use = balance["after"]["variables"]["baseline_gp_use"]
    assert (use["referred_mean"], use["comparison_mean"], use["smd"]) == (2.0, 2.0, 0.0)
    assert balance["imbalanced"] and set(balance["imbalanced_variables"]) == {"age", "sex_female", "sex_male"}
    assert balance["before"] is None
