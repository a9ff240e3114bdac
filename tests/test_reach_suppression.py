"""Suppression of the "who the service reaches" tables (app.analytics.reach_tables), by hand and
with hypothesis: no hidden count can be worked out from the counts and totals that are shown."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from app.analytics.reach import group_order
from app.analytics.reach_tables import COUNT_KEYS, dimension_table
from app.analytics.suppression import SUPPRESSED, suppress, suppress_list

# Columns of the table that hold counts of people, in COUNT_KEYS order (after the group label).
COUNT_COLUMNS = (1, 3, 5, 7, 8, 10)


def _entry(group, referrals, accepted=0, first_contact=0, discharged=0, gp_people=0, wellbeing_people=0, **extra):
    return {"group": group, "referrals": referrals, "accepted": accepted, "first_contact": first_contact,
            "discharged": discharged, "gp_people": gp_people, "gp_pre": extra.get("gp_pre", 0),
            "gp_post": extra.get("gp_post", 0), "wellbeing_people": wellbeing_people,
            "wellbeing_change": extra.get("wellbeing_change"), "median_wait_days": extra.get("median_wait_days")}


def test_a_group_of_three_is_hidden_with_the_next_smallest_and_the_total_stays():
    entries = [_entry("Female", 20, 18), _entry("Male", 9, 7), _entry("In another way", 0),
               _entry("Not stated", 3, 3)]
    table = dimension_table("sex", "Sex", entries)
    rows = {row[0]: row for row in table.rows}
    # Referrals: 20, 9, 0, 3 (total 32): 3 is hidden, then the smallest non-zero other, 9 (not the 0).
    assert [rows[g][1] for g in ("Female", "Male", "In another way", "Not stated")] == [20, SUPPRESSED, 0, SUPPRESSED]
    assert rows["Total"][1] == 32
    # Accepted: 18, 7, 0, 3 (total 28): the same.
    assert [rows[g][3] for g in ("Female", "Male", "In another way", "Not stated")] == [18, SUPPRESSED, 0, SUPPRESSED]
    # Shares of hidden groups are hidden too; the shown one is 20 of 32.
    assert rows["Female"][2] == 62.5 and rows["Male"][2] is None and rows["Not stated"][2] is None


def test_rates_medians_and_means_of_a_hidden_group_are_hidden():
    entries = [_entry("Quintile 1 (most deprived)", 4, 4, 4, 2, 4, 4, gp_pre=40, gp_post=20, wellbeing_change=2.5,
                      median_wait_days=9.0),
               _entry("Quintile 2", 30, 25, 20, 10, 12, 8, gp_pre=100, gp_post=90, wellbeing_change=1.0,
                      median_wait_days=12.0)]
    table = dimension_table("imd_quintile", "IMD quintile", entries)
    hidden, shown = table.rows[0], table.rows[1]
    assert hidden[1] == SUPPRESSED and hidden[2] is None and hidden[4] is None
    assert hidden[6] == SUPPRESSED and hidden[9] is None and hidden[11] == SUPPRESSED
    # With only two groups, each column's other cell goes too (else total − shown = hidden).
    assert shown[1] == SUPPRESSED and shown[6] == SUPPRESSED
    # The total row: 34 referrals, 29 accepted (85.3%), GP use 140 → 110 = −21.4%.
    total = table.rows[-1]
    assert (total[1], total[3], total[4], total[9]) == (34, 29, 85.3, -21.4)


def test_a_shown_group_has_its_rates_and_change():
    entries = [_entry("Female", 40, 30, 24, 10, 20, 10, gp_pre=200, gp_post=150, wellbeing_change=1.5,
                      median_wait_days=14.0),
               _entry("Male", 10, 5, 5, 5, 5, 5, gp_pre=50, gp_post=55, wellbeing_change=0.5, median_wait_days=20.0)]
    rows = {row[0]: row for row in dimension_table("sex", "Sex", entries).rows}
    assert rows["Female"][1:] == [40, 80.0, 30, 75.0, 24, 14.0, 10, 20, -25.0, 10, 1.5]
    assert rows["Male"][9] == 10.0
    # Wellbeing mean over everyone measured twice: (1.5 × 10 + 0.5 × 5) / 15 = 1.17.
    assert rows["Total"][11] == 1.17


def test_zero_is_never_the_second_hidden_cell():
    result = suppress_list([3, 0, 0, 12], total=True)
    assert [result.cell(i, 0) for i in range(4)] == [SUPPRESSED, 0, 0, SUPPRESSED]


def test_every_group_of_a_dimension_is_listed_with_not_stated_last():
    assert group_order("ethnic_group")[-1] == "Not stated" and group_order("sex")[-1] == "Not stated"
    assert group_order("imd_quintile")[0] == "Quintile 1 (most deprived)"


def _recoverable(counts: list[list[int]], hidden: list[list[bool]]) -> bool:
    """Whether some column (with its total, which is always shown unless hidden) has exactly one
    hidden member: then total − shown cells gives it away."""
    result = suppress(counts, column_totals=True)
    for j in range(len(counts[0])):
        members = [hidden[i][j] for i in range(len(counts))] + [result.column_totals_hidden[j]]
        if sum(members) == 1:
            return True
    return False


group_counts = st.lists(st.lists(st.integers(min_value=0, max_value=40), min_size=len(COUNT_KEYS),
                                 max_size=len(COUNT_KEYS)), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(group_counts)
def test_no_hidden_count_can_be_worked_out_from_the_shown_totals(counts):
    entries = [_entry(f"Group {i}", *row) for i, row in enumerate(counts)]
    table = dimension_table("sex", "Sex", entries)
    body = table.rows[:-1]
    hidden = [[body[i][c] == SUPPRESSED for c in COUNT_COLUMNS] for i in range(len(body))]
    # Every count from 1 to 4 is hidden; nothing else from 1 to 4 is shown anywhere.
    for i, row in enumerate(counts):
        for j, n in enumerate(row):
            if 0 < n < 5:
                assert hidden[i][j]
            if n == 0:
                assert body[i][COUNT_COLUMNS[j]] == 0
    assert not _recoverable(counts, hidden)
    # A shown total minus the shown cells is either 0 (nothing hidden) or at least 5 + something:
    # it never equals a single hidden count.
    total = table.rows[-1]
    for k, c in enumerate(COUNT_COLUMNS):
        if total[c] != SUPPRESSED:
            rest = total[c] - sum(row[c] for row in body if row[c] != SUPPRESSED)
            hidden_values = [counts[i][k] for i in range(len(body)) if hidden[i][k]]
            assert rest == sum(hidden_values)
            assert len(hidden_values) != 1
