"""Results by group, wellbeing, onward referrals and service throughput — by hand."""
import pandas as pd
import pytest

from outcomes import OutcomesInputError, compute_report

COSTS = pd.DataFrame(
    {"activity_type": ["gp_surgery"], "unit_cost_gbp": ["45"], "price_year": ["2012/13"],
     "source": ["test fixture"]}
)

# Seven people referred 2024-01-15: five at practice P1 (each pre 2, post 1 GP
# surgery visits), two at practice P2 (each pre 1, post 1).  P2 has fewer than 5.
IDS = [f"N{i}" for i in range(7)]
REFERRALS = pd.DataFrame(
    {
        "person_id": IDS,
        "referral_date": ["2024-01-15"] * 7,
        "practice_code": ["P1"] * 5 + ["P2"] * 2,
        "locality": ["North"] * 7,
        "age_band": ["65-79"] * 6 + [""],
    }
)
ACTIVITY = pd.DataFrame(
    [{"person_id": p, "date": "2023-06-01", "activity_type": "gp_surgery", "count": 2 if i < 5 else 1}
     for i, p in enumerate(IDS)]
    + [{"person_id": p, "date": "2024-06-01", "activity_type": "gp_surgery", "count": 1} for p in IDS]
)


def report(**extras):
    return compute_report(REFERRALS, ACTIVITY, COSTS, as_of="2025-06-30", replicates=200, **extras)


def test_groups_report_figures_and_suppress_fewer_than_five():
    by_group = report()["by_group"]
    p1 = by_group["practice_code"]["P1"]
    # P1: pre 10, post 5 -> 50.0%, saving 5 x £45 = £225; 5 person-years -> 2.0 and 1.0
    assert p1["people"] == 5 and p1["suppressed"] is False
    assert p1["by_activity"]["gp_surgery"]["reduction_pct"] == 50.0
    assert p1["by_activity"]["gp_surgery"]["saving_gbp"] == 225.0
    assert (p1["by_activity"]["gp_surgery"]["pre_per_person_year"],
            p1["by_activity"]["gp_surgery"]["post_per_person_year"]) == (2.0, 1.0)
    assert p1["total_saving_gbp"] == 225.0
    assert by_group["practice_code"]["P2"] == {"people": None, "suppressed": True}
    assert by_group["locality"]["North"]["people"] == 7
    assert by_group["age_band"]["65-79"]["people"] == 6
    assert by_group["age_band"]["not recorded"] == {"people": None, "suppressed": True}
    assert "primary_need" not in by_group


def test_wellbeing_change_only_for_people_measured_twice():
    measures = pd.DataFrame(
        [
            # N0: ONS4 life satisfaction 4 -> 7, anxiety 8 -> 5; UCLA3 9 -> 6
            ("N0", "2024-01-20", "ons4", 4, 5, 5, 8, ""),
            ("N0", "2024-09-01", "ons4", 7, 6, 6, 5, ""),
            ("N0", "2024-01-20", "ucla3", "", "", "", "", 9),
            ("N0", "2024-09-01", "ucla3", "", "", "", "", 6),
            # N1: life satisfaction 6 -> 7 (via a middle measure that is not used)
            ("N1", "2024-02-01", "ons4", 6, 6, 6, 4, ""),
            ("N1", "2024-05-01", "ons4", 2, 2, 2, 9, ""),
            ("N1", "2024-10-01", "ons4", 7, 6, 6, 4, ""),
            # N2: only one measure; STRANGER is not referred
            ("N2", "2024-02-01", "ons4", 1, 1, 1, 1, ""),
            ("STRANGER", "2024-02-01", "ons4", 1, 1, 1, 1, ""),
        ],
        columns=["person_id", "date", "instrument", "life_satisfaction", "worthwhile",
                 "happiness", "anxiety", "total"],
    ).astype(str)
    wellbeing = report(measures=measures)["wellbeing"]
    life = wellbeing["ons4"]["life_satisfaction"]
    # baselines 4 and 6 (mean 5.0), latest 7 and 7 (mean 7.0), changes +3 and +1 (mean 2.0)
    assert (life["people"], life["baseline_mean"], life["latest_mean"], life["mean_change"]) == (2, 5.0, 7.0, 2.0)
    assert life["mean_change_ci95"][0] >= 1.0 and life["mean_change_ci95"][1] <= 3.0
    assert wellbeing["ons4"]["anxiety"]["mean_change"] == -1.5  # (-3 + 0) / 2
    assert wellbeing["ons4"]["anxiety"]["higher_is_better"] is False
    assert wellbeing["ucla3"]["total"] == {
        "people": 1, "baseline_mean": 9.0, "latest_mean": 6.0, "mean_change": -3.0,
        "mean_change_ci95": [-3.0, -3.0], "higher_is_better": False,
    }
    assert wellbeing["rows_unmatched"] == 1


def test_wellbeing_score_out_of_range_names_the_row():
    measures = pd.DataFrame({"person_id": ["N0"], "date": ["2024-01-20"], "instrument": ["ucla3"],
                             "total": ["12"]})
    with pytest.raises(OutcomesInputError, match="row 2: total '12' is not a score from 3 to 9"):
        report(measures=measures)


def test_onward_referrals_by_sector_and_status():
    onward = pd.DataFrame(
        {
            "person_id": ["N0", "N0", "N1", "N2", "STRANGER"],
            "sector": ["voluntary", "voluntary", "voluntary", "statutory", "voluntary"],
            "status": ["attended", "declined", "attended", "", "attended"],
        }
    )
    result = report(onward=onward)["onward_referrals"]
    assert (result["referrals"], result["people"], result["rows_unmatched"]) == (4, 3, 1)
    assert result["by_sector"]["voluntary"] == {
        "referrals": 3, "people": 2, "by_status": {"attended": 2, "declined": 1}
    }
    assert result["by_sector"]["statutory"]["by_status"] == {"not recorded": 1}
    assert result["by_status"]["attended"] == {"referrals": 2, "people": 2}


def test_support_throughput_peer_support_and_volunteering():
    support = pd.DataFrame(
        {
            "person_id": ["N0", "N1", "N2", "N2"],
            "referral_date": ["2024-01-15", "2024-01-15", "2024-01-15", "2024-08-01"],
            "first_contact_date": ["2024-01-20", "2024-01-25", "", "2024-08-31"],
            "discharge_date": ["2024-04-20", "", "", "2024-09-30"],
            "contacts": ["4", "2", "", "3"],
            "peer_support_date": ["2024-03-01", "", "", "2024-09-01"],
            "volunteering_date": ["", "", "", "2024-09-15"],
        }
    )
    s = report(support=support)["support"]
    assert (s["referrals"], s["people"]) == (4, 3)
    # waits 5, 10, 30 days -> median 10
    assert s["wait_to_first_contact_days"] == {"median": 10.0, "referrals": 3, "people": 3}
    # contacts per person: N0 4, N1 2, N2 3 -> mean 3.0, median 3
    assert s["contacts_per_person"] == {"mean": 3.0, "median": 3.0, "people": 3}
    # length: N0 2024-01-20 -> 2024-04-20 = 91 days; N2 2024-08-31 -> 2024-09-30 = 30 -> median 60.5
    assert s["length_of_support_days"] == {"median": 60.5, "referrals": 2, "people": 2}
    assert s["peer_support"] == {"people": 2, "of_people": 3}
    assert s["volunteering"] == {"people": 1, "of_people": 3}


def test_support_contact_before_referral_is_an_error():
    support = pd.DataFrame({"person_id": ["N0"], "referral_date": ["2024-01-15"],
                            "first_contact_date": ["2024-01-10"]})
    with pytest.raises(OutcomesInputError, match="row 2: first_contact_date is before referral_date"):
        report(support=support)


def test_extras_are_absent_unless_their_frame_is_given():
    result = report()
    assert not {"wellbeing", "onward_referrals", "support"} & set(result)
