"""Small-number suppression: 1 to 4 hidden, and any cell that would reveal a hidden one."""
from __future__ import annotations

from app.analytics.suppression import SUPPRESSED, suppress, suppress_list


def test_counts_from_one_to_four_are_hidden_and_zero_and_five_are_shown():
    result = suppress_list([0, 1, 4, 5, 12])
    assert [result.cell(i, 0) for i in range(5)] == [0, SUPPRESSED, SUPPRESSED, 5, 12]


def test_a_lone_hidden_cell_beside_a_total_takes_the_next_smallest_with_it():
    # 20 + 3 + 9 = 32: with the total shown, hiding only the 3 would leave 32 - 20 - 9 = 3.
    result = suppress_list([20, 3, 9], total=True)
    assert [result.cell(i, 0) for i in range(3)] == [20, SUPPRESSED, SUPPRESSED]
    assert result.column_total(0) == 32


def test_rows_and_columns_are_both_protected():
    result = suppress([[10, 3, 8], [12, 9, 7]], row_totals=True, column_totals=True)
    # Row 1 hides 3 and then 8; column 2 hides 3 and 9; column 3 then hides 8 and 7.
    assert result.hidden == [[False, True, True], [False, True, True]]
    assert [result.row_total(0), result.row_total(1)] == [21, 28]
    assert result.grand() == 49
    # No line (row or column with its total) has exactly one hidden member.
    for row in result.hidden:
        assert sum(row) != 1
    for j in range(3):
        assert result.hidden[0][j] + result.hidden[1][j] != 1


def test_a_small_total_is_hidden_and_so_is_the_cell_that_would_give_it_away():
    result = suppress([[2, 0], [6, 7]], row_totals=True, column_totals=True)
    assert result.row_total(0) == SUPPRESSED and result.cell(0, 0) == SUPPRESSED
    # Column 1: 2 hidden, so 6 goes too (else 8 - 6 = 2).
    assert result.cell(1, 0) == SUPPRESSED
