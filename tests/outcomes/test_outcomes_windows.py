"""The definitions of CONTRACT.md 4.4, each checked on a hand-computed fixture."""
import datetime as dt

import pandas as pd
import pytest

from outcomes import OutcomesInputError, compute_report
from outcomes.windows import shift_months

COSTS = pd.DataFrame(
    {
        "activity_type": ["gp_surgery", "gp_home_visit"],
        "unit_cost_gbp": ["45", "114"],
        "price_year": ["2012/13", "2012/13"],
        "source": ["test fixture", "test fixture"],
    }
)


def referrals(*rows):
    """rows: (person_id, referral_date[, discharge_date])"""
    return pd.DataFrame(
        [{"person_id": r[0], "referral_date": r[1], "discharge_date": r[2] if len(r) > 2 else ""}
         for r in rows]
    )


def activity(*rows):
    """rows: (person_id, date, activity_type[, count])"""
    return pd.DataFrame(
        [{"person_id": r[0], "date": r[1], "activity_type": r[2],
          "count": str(r[3]) if len(r) > 3 else ""} for r in rows]
    )


def report(refs, acts, **options):
    options.setdefault("replicates", 200)
    return compute_report(refs, acts, COSTS, **options)


# Person A, referred 2024-01-15, W = 12:
#   pre  = 2023-01-15 <= date < 2024-01-15
#   post = 2024-01-15 <= date < 2025-01-15; included when 2025-01-14 <= as_of
EDGE_ACTIVITY = activity(
    ("A", "2023-01-14", "gp_surgery"),  # one day before the pre window: outside
    ("A", "2023-01-15", "gp_surgery"),  # exactly anchor - W months: pre
    ("A", "2024-01-14", "gp_surgery"),  # last day before the anchor: pre
    ("A", "2024-01-15", "gp_surgery"),  # exactly the anchor: post
    ("A", "2025-01-14", "gp_surgery"),  # last day of the post window: post
    ("A", "2025-01-15", "gp_surgery"),  # exactly anchor + W months: outside
)


def test_window_edges_pre_includes_start_post_includes_anchor_excludes_end():
    result = report(referrals(("A", "2024-01-15")), EDGE_ACTIVITY, as_of="2025-01-14")
    assert result["by_activity"]["gp_surgery"]["pre"] == 2
    assert result["by_activity"]["gp_surgery"]["post"] == 2


def test_follow_up_cut_off_includes_person_on_last_day_of_post_window():
    result = report(referrals(("A", "2024-01-15")), EDGE_ACTIVITY, as_of="2025-01-14")
    assert result["people"] == {
        "referred": 1, "included": 1, "excluded_insufficient_followup": 0, "excluded_no_anchor": 0
    }


def test_follow_up_cut_off_excludes_person_one_day_earlier():
    result = report(referrals(("A", "2024-01-15")), EDGE_ACTIVITY, as_of="2025-01-13")
    assert result["people"]["included"] == 0
    assert result["people"]["excluded_insufficient_followup"] == 1
    assert result["by_activity"] == {}


def test_calendar_months_clip_to_month_end_like_pandas_dateoffset():
    # 2024-01-31 + 1 month = 2024-02-29 (leap year, clipped); - 1 month = 2023-12-31.
    day = (dt.date(2024, 1, 31) - dt.date(1970, 1, 1)).days
    import numpy as np

    plus, minus = shift_months(np.array([day]), 1), shift_months(np.array([day]), -1)
    assert dt.date(1970, 1, 1) + dt.timedelta(days=int(plus[0])) == dt.date(2024, 2, 29)
    assert dt.date(1970, 1, 1) + dt.timedelta(days=int(minus[0])) == dt.date(2023, 12, 31)


def test_calendar_month_window_for_anchor_on_31st():
    acts = activity(
        ("A", "2023-12-30", "gp_surgery"),  # outside
        ("A", "2023-12-31", "gp_surgery"),  # pre (start)
        ("A", "2024-02-28", "gp_surgery"),  # post (last day)
        ("A", "2024-02-29", "gp_surgery"),  # outside (end, exclusive)
    )
    result = report(referrals(("A", "2024-01-31")), acts, window_months=1, as_of="2024-02-28")
    assert result["people"]["included"] == 1
    assert (result["by_activity"]["gp_surgery"]["pre"], result["by_activity"]["gp_surgery"]["post"]) == (1, 1)
    one_day_short = report(referrals(("A", "2024-01-31")), acts, window_months=1, as_of="2024-02-27")
    assert one_day_short["people"]["included"] == 0


def test_unmatched_activity_rows_are_counted_by_row_not_by_count():
    acts = activity(
        ("A", "2023-06-01", "gp_surgery"),
        ("NOBODY", "2023-06-01", "gp_surgery", 5),
        ("NOBODY", "2024-06-01", "gp_home_visit"),
    )
    result = report(referrals(("A", "2024-01-15")), acts, as_of="2025-06-30")
    assert result["activity_rows_unmatched"] == 2
    assert result["by_activity"]["gp_surgery"]["pre"] == 1


def test_count_column_is_summed_and_blank_count_means_one():
    acts = activity(
        ("A", "2023-06-01", "gp_surgery", 3),
        ("A", "2023-07-01", "gp_surgery"),
        ("A", "2024-06-01", "gp_surgery", 2),
    )
    result = report(referrals(("A", "2024-01-15")), acts, as_of="2025-06-30")
    assert result["by_activity"]["gp_surgery"]["pre"] == 4
    assert result["by_activity"]["gp_surgery"]["post"] == 2


def test_reduction_saving_and_total_computed_as_defined():
    # gp_surgery: pre 3 + 1 = 4, post 1 + 2 = 3 -> reduction 25.0%, saving 1 x £45
    # gp_home_visit: pre 2, post 0 -> 100.0%, saving 2 x £114 = £228; total £273
    acts = activity(
        ("A", "2023-06-01", "gp_surgery", 3),
        ("B", "2023-06-01", "gp_surgery"),
        ("A", "2024-06-01", "gp_surgery"),
        ("B", "2024-06-01", "gp_surgery", 2),
        ("B", "2023-09-01", "gp_home_visit", 2),
    )
    result = report(referrals(("A", "2024-01-15"), ("B", "2024-01-20")), acts, as_of="2025-06-30")
    surgery, home = result["by_activity"]["gp_surgery"], result["by_activity"]["gp_home_visit"]
    assert (surgery["reduction_pct"], surgery["saving_gbp"], surgery["unit_cost_gbp"]) == (25.0, 45.0, 45.0)
    assert (home["reduction_pct"], home["saving_gbp"]) == (100.0, 228.0)
    assert result["total_saving_gbp"] == 273.0
    # two people, 12 months each -> 2 person-years in each window
    assert (surgery["pre_per_person_year"], surgery["post_per_person_year"]) == (2.0, 1.5)
    assert surgery["people"] == 2


def test_use_that_rose_gives_negative_reduction_and_saving():
    acts = activity(("A", "2023-06-01", "gp_surgery"), ("A", "2024-06-01", "gp_surgery", 3))
    entry = report(referrals(("A", "2024-01-15")), acts, as_of="2025-06-30")["by_activity"]["gp_surgery"]
    assert (entry["reduction_pct"], entry["saving_gbp"]) == (-200.0, -90.0)


def test_type_without_unit_cost_has_null_saving_and_is_left_out_of_total():
    acts = activity(
        ("A", "2023-06-01", "practice_nurse", 4),
        ("A", "2024-06-01", "practice_nurse", 1),
        ("A", "2023-06-01", "gp_surgery", 2),
    )
    result = report(referrals(("A", "2024-01-15")), acts, as_of="2025-06-30")
    nurse = result["by_activity"]["practice_nurse"]
    assert nurse["reduction_pct"] == 75.0
    assert (nurse["unit_cost_gbp"], nurse["saving_gbp"], nurse["saving_gbp_ci95"]) == (None, None, None)
    assert result["total_saving_gbp"] == 90.0
    assert any("No unit cost for practice_nurse" in c for c in result["caveats"])


def test_no_pre_use_gives_null_reduction():
    acts = activity(("A", "2024-06-01", "gp_surgery", 2))
    entry = report(referrals(("A", "2024-01-15")), acts, as_of="2025-06-30")["by_activity"]["gp_surgery"]
    assert (entry["pre"], entry["post"]) == (0, 2)
    assert entry["reduction_pct"] is None and entry["reduction_pct_ci95"] is None
    assert entry["saving_gbp"] == -90.0


def test_discharge_anchor_uses_discharge_date_and_counts_people_without_one():
    refs = referrals(("A", "2023-01-10", "2024-01-15"), ("B", "2023-01-10", ""))
    acts = activity(
        ("A", "2023-06-01", "gp_surgery"),  # pre of discharge (and post of referral)
        ("A", "2024-02-01", "gp_surgery"),  # post of discharge
        ("B", "2023-06-01", "gp_surgery"),  # B has no discharge date: not counted
    )
    result = report(refs, acts, anchor="discharge", as_of="2025-06-30")
    assert result["people"] == {
        "referred": 2, "included": 1, "excluded_insufficient_followup": 0, "excluded_no_anchor": 1
    }
    assert (result["by_activity"]["gp_surgery"]["pre"], result["by_activity"]["gp_surgery"]["post"]) == (1, 1)
    assert result["anchor"] == "discharge"


def test_as_of_defaults_to_latest_activity_date_even_of_unmatched_rows():
    acts = activity(("A", "2024-02-01", "gp_surgery"), ("NOBODY", "2025-03-31", "gp_surgery"))
    assert report(referrals(("A", "2024-01-15")), acts)["as_of"] == "2025-03-31"


def test_by_activity_has_exactly_the_types_in_included_peoples_windows():
    acts = activity(
        ("A", "2023-06-01", "gp_surgery"),
        ("A", "2021-06-01", "outpatient"),  # outside A's windows
        ("LATE", "2025-01-01", "ae_attendance"),  # LATE is excluded (follow-up too short)
        ("NOBODY", "2024-06-01", "emergency_admission"),  # not referred
    )
    result = report(referrals(("A", "2024-01-15"), ("LATE", "2025-01-01")), acts, as_of="2025-06-30")
    assert list(result["by_activity"]) == ["gp_surgery"]


def test_identical_people_give_a_degenerate_bootstrap_interval():
    # 5 people each pre 2, post 1: every resample has pre 10, post 5.
    refs = referrals(*[(f"P{i}", "2024-01-15") for i in range(5)])
    acts = activity(*[(f"P{i}", "2023-06-01", "gp_surgery", 2) for i in range(5)],
                    *[(f"P{i}", "2024-06-01", "gp_surgery", 1) for i in range(5)])
    result = report(refs, acts, as_of="2025-06-30")
    entry = result["by_activity"]["gp_surgery"]
    assert entry["reduction_pct_ci95"] == [50.0, 50.0]
    assert entry["saving_gbp_ci95"] == [225.0, 225.0]
    assert result["total_saving_gbp_ci95"] == [225.0, 225.0]


def test_caveats_always_include_regression_to_the_mean_and_price_years():
    result = report(referrals(("A", "2024-01-15")), activity(("A", "2023-06-01", "gp_surgery")),
                    as_of="2025-06-30")
    assert any(c.startswith("Regression to the mean") for c in result["caveats"])
    assert any("2012/13" in c for c in result["caveats"])


def test_bad_window_or_anchor_is_refused():
    with pytest.raises(ValueError):
        report(referrals(("A", "2024-01-15")), activity(), window_months=0, as_of="2025-01-01")
    with pytest.raises(ValueError):
        report(referrals(("A", "2024-01-15")), activity(), anchor="first_visit", as_of="2025-01-01")


def test_empty_activity_needs_an_explicit_as_of():
    empty = pd.DataFrame(columns=["person_id", "date", "activity_type"])
    with pytest.raises(OutcomesInputError, match="as_of"):
        report(referrals(("A", "2024-01-15")), empty)
    result = report(referrals(("A", "2024-01-15")), empty, as_of="2025-06-30")
    assert result["people"]["included"] == 1 and result["by_activity"] == {}
    assert result["total_saving_gbp"] == 0.0


def test_saving_subtotals_by_hand_and_from_the_same_resamples():
    # Shipped unit costs. 5 identical people: GP surgery 2 before, 1 after (5 × £45 = £225);
    # A&E 1 before, 0 after (5 × £148 = £740).
    refs = referrals(*[(f"P{i}", "2024-01-15") for i in range(5)])
    acts = activity(*[(f"P{i}", "2023-06-01", "gp_surgery", 2) for i in range(5)],
                    *[(f"P{i}", "2024-06-01", "gp_surgery", 1) for i in range(5)],
                    *[(f"P{i}", "2023-07-01", "ae_attendance", 1) for i in range(5)])
    result = compute_report(refs, acts, None, as_of="2025-06-30", replicates=200)
    assert result["saving_subtotals"] == {
        "gp_practice": {"types": ["gp_surgery"], "saving_gbp": 225.0, "saving_gbp_ci95": [225.0, 225.0]},
        "wider_system": {"types": ["ae_attendance"], "saving_gbp": 740.0, "saving_gbp_ci95": [740.0, 740.0]},
    }


def test_a_one_type_subtotal_has_exactly_its_types_interval_and_sums_add_up():
    people = [(f"P{i}", "2024-01-15") for i in range(12)]
    acts = activity(*[(f"P{i}", "2023-06-01", "gp_surgery", 1 + i % 4) for i in range(12)],
                    *[(f"P{i}", "2024-06-01", "gp_surgery", 1 + i % 3) for i in range(12)],
                    *[(f"P{i}", "2023-06-02", "gp_telephone", 1 + i % 5) for i in range(0, 12, 2)],
                    *[(f"P{i}", "2023-08-01", "outpatient", 1 + i % 2) for i in range(0, 12, 3)])
    result = compute_report(referrals(*people), acts, None, as_of="2025-06-30", replicates=200)
    by_type, subtotals = result["by_activity"], result["saving_subtotals"]
    assert subtotals["wider_system"]["saving_gbp_ci95"] == by_type["outpatient"]["saving_gbp_ci95"]
    gp = subtotals["gp_practice"]
    assert gp["types"] == ["gp_surgery", "gp_telephone"]
    assert gp["saving_gbp"] == by_type["gp_surgery"]["saving_gbp"] + by_type["gp_telephone"]["saving_gbp"]
    low, high = gp["saving_gbp_ci95"]
    assert low <= gp["saving_gbp"] <= high
