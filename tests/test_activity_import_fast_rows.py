"""The extract check's short cut for a row whose values were all seen, and good, earlier in the file.

``_check_rows`` takes a row straight through when it has one value per column, every checked value
was already found good in this file, and no unchecked column is too long; anything else goes the
whole way through ``_read_row``. These tests compare it with every row sent the whole way: the
same rows kept, or the same problems listed and counted, whatever the header and the rows hold.
"""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from app import csv_reading
from app.services import activity_import

LONG = "9" * (csv_reading.MAX_CELL + 1)
# Typed values that are good, bad, blank and too long; NHS numbers that only become good once
# their spaces are taken out, and one too long although it is good once they are.
VALUES = {
    "person_id": ["9990000018", "999 000 0026", "9990000019", "", "abc", LONG,
                  "9990000018" + " " * csv_reading.MAX_CELL],
    "date": ["2026-01-05", "2025-12-31", "2026-13-01", "5/1/2026", "", LONG],
    "activity_type": ["gp_surgery", "outpatient", "gp_visit", "", LONG],
    "count": ["1", "3", "", "0", "1.5", "10001", LONG],
    "sex": ["female", "male", "", "unknown", LONG],
    "year_of_birth": ["1950", "", "1850", "year", LONG],
    "notes": ["", "seen twice", LONG],
}
COLUMNS = list(VALUES)


def _whole_way(content: bytes):
    """Every row through _read_row, as _check_rows did before its short cut: (rows) or (problems, total)."""
    lines = csv_reading.rows(csv_reading.decode(content))
    header = [name.strip() for name in next(lines)]
    seen = {column: {} for column, _ in activity_import._CHECKS}
    problems, total, rows = [], 0, []
    for number, values in enumerate(lines, start=2):
        if not values:
            continue
        row_problems, row = activity_import._read_row(number, header, values, seen)
        total += len(row_problems)
        problems.extend(row_problems[: max(0, activity_import.MAX_LISTED_PROBLEMS - len(problems))])
        if not row_problems:
            rows.append(row)
    return (problems, total) if total else rows


def _parsed(content: bytes):
    try:
        return activity_import.parse(content)
    except activity_import.ExtractRejected as refused:
        return refused.problems, refused.total


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    def cell(value: str) -> str:
        return f'"{value}"' if "," in value else value
    return ("\n".join(",".join(cell(v) for v in line) for line in [header, *rows]) + "\n").encode()


@st.composite
def extracts(draw):
    required = ["person_id", "date", "activity_type"]
    extra = draw(st.lists(st.sampled_from(COLUMNS), max_size=4))  # repeats a name now and then
    header = draw(st.permutations(required + extra))
    rows = []
    for _ in range(draw(st.integers(0, 30))):
        width = len(header) + draw(st.sampled_from([0, 0, 0, 0, -1, 1]))  # mostly one value per column
        names = header + ["notes"] * max(0, width - len(header))
        rows.append([draw(st.sampled_from(VALUES[name])) for name in names[:max(0, width)]])
    return header, rows


@settings(max_examples=300, deadline=None)
@given(extracts())
def test_the_short_cut_keeps_and_refuses_exactly_what_the_whole_way_does(extract):
    content = _csv(*extract)
    assert _parsed(content) == _whole_way(content)


def test_a_good_value_seen_before_does_not_carry_a_long_unchecked_value_through():
    header = "person_id,date,activity_type,notes\n"
    good = "9990000018,2026-01-05,gp_surgery,fine\n"
    content = (header + good + f"9990000018,2026-01-05,gp_surgery,{LONG}\n").encode()
    problems, total = _parsed(content)
    assert (problems, total) == ([f"row 3, column notes: the value {csv_reading.TOO_LONG}"], 1)


def test_a_value_too_long_is_refused_even_when_the_same_number_was_good():
    """Spaces in an NHS number are allowed, so this one is good once they are taken out; still too long."""
    padded = "9990000018" + " " * csv_reading.MAX_CELL
    content = f"person_id,date,activity_type\n9990000018,2026-01-05,gp_surgery\n{padded},2026-01-05,gp_surgery\n"
    problems, total = _parsed(content.encode())
    assert (problems, total) == ([f"row 3, column person_id: the value {csv_reading.TOO_LONG}"], 1)


def test_repeated_rows_come_through_with_their_own_row_numbers():
    content = b"person_id,date,activity_type,count\n" + b"9990000018,2026-01-05,gp_surgery,2\n" * 3
    rows = _parsed(content)
    assert [row[0] for row in rows] == [2, 3, 4]
    assert {row[1:5] for row in rows} == {("9990000018", activity_import._date("2026-01-05"), "gp_surgery", 2)}
