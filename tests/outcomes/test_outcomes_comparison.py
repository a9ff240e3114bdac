"""Difference-in-differences against a comparison cohort (CONTRACT.md 4.6), by hand."""
import pandas as pd
import pytest

from outcomes import OutcomesInputError, compute_report, render_text

COSTS = pd.DataFrame(
    {"activity_type": ["gp_surgery"], "unit_cost_gbp": ["45"], "price_year": ["2012/13"],
     "source": ["test fixture"]}
)


def cohort(ids, date="2024-01-01"):
    return pd.DataFrame({"person_id": ids, "referral_date": [date] * len(ids)})


def counts(rows):
    """rows: (person_id, pre count, post count) -> gp_surgery activity rows."""
    out = []
    for person, pre, post in rows:
        if pre:
            out.append({"person_id": person, "date": "2023-06-01", "activity_type": "gp_surgery", "count": pre})
        if post:
            out.append({"person_id": person, "date": "2024-06-01", "activity_type": "gp_surgery", "count": post})
    return pd.DataFrame(out)


# Referred R1..R3: pre 5+3+2 = 10, post 2+3+1 = 6 -> change (6 - 10) / 3 = -1.3333
# Comparison C1..C3: pre 1+1+1 = 3, post 2+1+1 = 4 -> change (4 - 3) / 3 = +0.3333
# did = -1.6667 -> -1.667; visits avoided = 1.6667 x 3 = 5.0; saving 5 x £45 = £225.00
# (from the rounded did it would be 1.667 x 3 x 45 = £225.05: the contract says unrounded).
REFERRED = cohort(["R1", "R2", "R3"])
COMPARISON = cohort(["C1", "C2", "C3"])
ACTIVITY = counts([("R1", 5, 2), ("R2", 3, 3), ("R3", 2, 1), ("C1", 1, 2), ("C2", 1, 1), ("C3", 1, 1)])


@pytest.fixture(scope="module")
def result():
    return compute_report(REFERRED, ACTIVITY, COSTS, comparison=COMPARISON, as_of="2025-06-30",
                          replicates=300)


def test_did_figures_match_hand_calculation(result):
    did = result["difference_in_differences"]["gp_surgery"]
    assert did["referred_change_per_person"] == -1.333
    assert did["comparison_change_per_person"] == 0.333
    assert did["did_per_person"] == -1.667
    assert did["visits_avoided"] == 5.0
    assert did["saving_gbp"] == 225.0
    assert did["people"] == {"referred": 3, "comparison": 3}


def test_did_interval_brackets_the_estimate(result):
    did = result["difference_in_differences"]["gp_surgery"]
    low, high = did["did_per_person_ci95"]
    assert low <= did["did_per_person"] <= high
    s_low, s_high = did["saving_gbp_ci95"]
    assert s_low <= did["saving_gbp"] <= s_high


def test_comparison_block_counts_its_people_and_windows(result):
    assert result["comparison"]["people"] == {
        "referred": 3, "included": 3, "excluded_insufficient_followup": 0, "excluded_no_anchor": 0
    }
    assert result["comparison"]["by_activity"] == {"gp_surgery": {"pre": 3, "post": 4}}


def test_comparison_rows_are_not_counted_as_unmatched(result):
    assert result["activity_rows_unmatched"] == 0
    without = compute_report(REFERRED, ACTIVITY, COSTS, as_of="2025-06-30", replicates=50)
    # each of C1, C2, C3 has one pre row and one post row: 6 rows unmatched without them
    assert without["activity_rows_unmatched"] == 6
    assert "comparison" not in without and "difference_in_differences" not in without


def test_plain_pre_post_figures_are_still_reported(result):
    assert result["by_activity"]["gp_surgery"]["pre"] == 10
    assert result["by_activity"]["gp_surgery"]["post"] == 6
    assert result["by_activity"]["gp_surgery"]["saving_gbp"] == 180.0


def test_text_report_shows_did_beside_plain_figure_and_names_the_better_estimate(result):
    text = render_text(result)
    assert "difference-in-differences -1.667 per person" in text
    assert "about 5 fewer than the comparison trend predicts. Saving £225.00" in text
    assert "beside it, the plain before-and-after saving is £180.00" in text
    assert "better estimate" in text


def test_person_in_both_cohorts_is_an_error():
    with pytest.raises(OutcomesInputError) as caught:
        compute_report(REFERRED, ACTIVITY, COSTS, comparison=cohort(["C1", "R2"]),
                       as_of="2025-06-30", sources={"comparison": "comparison.csv"})
    assert caught.value.source == "comparison.csv"
    assert caught.value.row == 3
    assert "R2" in caught.value.problem


def test_empty_comparison_gives_null_did():
    empty = cohort([])
    result = compute_report(REFERRED, ACTIVITY, COSTS, comparison=empty, as_of="2025-06-30",
                            replicates=50)
    did = result["difference_in_differences"]["gp_surgery"]
    assert did["referred_change_per_person"] == -1.333
    assert did["did_per_person"] is None and did["saving_gbp"] is None
