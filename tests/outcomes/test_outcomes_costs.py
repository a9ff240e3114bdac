"""The unit-cost table: the shipped, cited one, and the rules for any other."""
import pandas as pd
import pytest

from outcomes import ACTIVITY_TYPES, OutcomesInputError, compute_report, prepare_unit_costs, shipped_unit_costs


def table(*rows):
    return pd.DataFrame(rows, columns=["activity_type", "unit_cost_gbp", "price_year", "source"])


def test_shipped_table_prices_every_activity_type_with_year_and_source():
    costs = shipped_unit_costs()
    assert set(costs) == set(ACTIVITY_TYPES)
    for cost in costs.values():
        assert cost.unit_cost_gbp > 0 and cost.price_year and cost.source
    # the PSSRU 2013 edition figures (2012/13 prices)
    assert (costs["gp_surgery"].unit_cost_gbp, costs["gp_surgery"].price_year) == (45.0, "2012/13")
    assert costs["gp_home_visit"].unit_cost_gbp == 114.0
    assert costs["gp_telephone"].unit_cost_gbp == 27.0
    assert costs["practice_nurse"].unit_cost_gbp == 13.0


@pytest.mark.parametrize(
    "row, problem",
    [
        (("gp_surgery", "45", "2012/13", ""), "source is missing"),
        (("gp_surgery", "45", "", "PSSRU"), "price_year is missing"),
        (("gp_visit", "45", "2012/13", "PSSRU"), "activity_type 'gp_visit' is not one of"),
        (("gp_surgery", "-1", "2012/13", "PSSRU"), "unit_cost_gbp '-1' is not an amount"),
        (("gp_surgery", "forty", "2012/13", "PSSRU"), "unit_cost_gbp 'forty' is not an amount"),
    ],
)
def test_bad_cost_rows_name_the_row_and_problem(row, problem):
    with pytest.raises(OutcomesInputError) as caught:
        prepare_unit_costs(table(("outpatient", "120", "2016/17", "Ref costs"), row), source="costs.csv")
    assert str(caught.value).startswith(f"costs.csv: row 3: {problem}")


def test_a_type_listed_twice_is_an_error():
    with pytest.raises(OutcomesInputError, match="row 3: activity_type 'outpatient' is listed twice"):
        prepare_unit_costs(table(("outpatient", "120", "2016/17", "a"), ("outpatient", "1", "2016/17", "b")),
                           source="costs.csv")


def test_mixed_price_years_are_named_in_the_caveats():
    refs = pd.DataFrame({"person_id": ["A"], "referral_date": ["2024-01-15"]})
    acts = pd.DataFrame({"person_id": ["A", "A"], "date": ["2023-06-01", "2023-06-01"],
                         "activity_type": ["gp_surgery", "outpatient"]})
    costs = table(("gp_surgery", "45", "2012/13", "PSSRU 2013"), ("outpatient", "120", "2016/17", "Ref costs"))
    result = compute_report(refs, acts, costs, as_of="2025-06-30", replicates=50)
    assert result["price_years"] == ["2012/13", "2016/17"]
    caveat = next(c for c in result["caveats"] if "price year" in c)
    assert "2012/13: gp_surgery" in caveat and "2016/17: outpatient" in caveat
    assert "2 different price years" in caveat
