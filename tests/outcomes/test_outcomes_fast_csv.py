"""The pyarrow activity reader gives exactly what the pandas reader gives.

outcomes/fast_csv.py reads ACTIVITY.csv fast and gives up on anything it is
not sure of; whatever it returns must lead to the same report (same JSON, or
the same error message) as the pandas reference reader.  Hypothesis writes
the files: well-formed ones with awkward values, and raw text.
"""
from __future__ import annotations

import json

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes import compute_report
from outcomes.definitions import ACTIVITY_TYPES
from outcomes.errors import OutcomesInputError
from outcomes.fast_csv import read_activity_fast
from outcomes.inputs import _header, read_activity_csv

REFERRALS = pd.DataFrame({
    "person_id": ["P1", "P2", "P3", "NA"],
    "referral_date": ["2023-03-31", "2023-06-15", "2024-01-31", "2023-09-01"],
    "practice_code": ["M1", "M1", "M2", "M2"],
})

PERSON = st.sampled_from(["P1", "P2", "P3", " P1", "P2 ", "NA", "P9", ""])
DATE = st.one_of(
    st.dates(min_value=pd.Timestamp("2021-06-01").date(), max_value=pd.Timestamp("2025-06-01").date())
    .map(lambda d: d.isoformat()),
    st.sampled_from(["2023-02-29", "", " 2024-01-05", "2024-01-05 ", "2024-1-05", "0001-01-01", "9999-12-31"]),
)
KIND = st.one_of(st.sampled_from(ACTIVITY_TYPES), st.sampled_from(["bogus", " gp_surgery", ""]))
COUNT = st.sampled_from(["1", "1", "2", "3", "10", "", " 3", "4 ", "+2", "0", "0x1", "1.0", "-1", "007"])


def _outcome(path, *, fast: bool) -> str:
    """The report's JSON, or the error, for the activity file at ``path``."""
    try:
        activity = read_activity_csv(path, source="activity.csv", fast=fast)
        report = compute_report(REFERRALS, activity, as_of="2025-06-30", replicates=20,
                                sources={"activity": "activity.csv"})
    except OutcomesInputError as exc:
        return f"error: {exc}"
    return json.dumps(report, sort_keys=True, allow_nan=True)


def _cell(value: str, quote: bool) -> str:
    return '"' + value.replace('"', '""') + '"' if quote else value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(PERSON, DATE, KIND, COUNT, st.booleans()), min_size=0, max_size=30),
    with_count=st.booleans(),
    extra=st.booleans(),
)
def test_fast_reader_gives_the_reference_report_on_generated_files(tmp_path, rows, with_count, extra):
    header = ["person_id", "date", "activity_type"] + (["count"] if with_count else []) + (
        ["note"] if extra else [])
    lines = [",".join(header)]
    for person, day, kind, count, quote in rows:
        cells = [_cell(person, quote), day, kind] + ([count] if with_count else []) + (
            [_cell("a, b", True)] if extra else [])
        lines.append(",".join(cells))
    path = tmp_path / "activity.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _outcome(path, fast=True) == _outcome(path, fast=False)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(alphabet='P1 23-,"\n\r0x.gp_surgey', max_size=80))
def test_fast_reader_gives_the_reference_report_on_raw_text(tmp_path, body):
    path = tmp_path / "activity.csv"
    path.write_bytes(("person_id,date,activity_type,count\n" + body).encode("utf-8"))
    try:
        reference = _outcome(path, fast=False)
    except Exception as exc:  # noqa: BLE001 - the reference's own failure is what must match
        reference = f"{type(exc).__name__}: {exc}"
    try:
        fast = _outcome(path, fast=True)
    except Exception as exc:  # noqa: BLE001
        fast = f"{type(exc).__name__}: {exc}"
    assert fast == reference


def test_fast_reader_reads_a_clean_file_as_compact_codes(tmp_path):
    path = tmp_path / "activity.csv"
    path.write_text("person_id,date,activity_type,count\nP1,2023-04-02,gp_surgery,2\n"
                    "P2,2023-07-01,outpatient,1\nP1,2023-04-02,gp_surgery,1\n")
    frame = read_activity_fast(path, _header(path, "a"))
    assert frame is not None
    assert list(frame.columns) == ["person_id", "date", "activity_type", "count"]
    assert frame["person_id"].cat.codes.tolist() == [0, 1, 0]
    assert frame["count"].tolist() == [2, 1, 1]


def test_fast_reader_leaves_hex_counts_to_pandas_which_rejects_them(tmp_path):
    # pyarrow would read 0x10 as 16; pandas (the reference) calls it a bad count.
    path = tmp_path / "activity.csv"
    path.write_text("person_id,date,activity_type,count\nP1,2023-04-02,gp_surgery,0x10\n")
    assert read_activity_fast(path, _header(path, "a")) is None
    assert "count '0x10' is not a whole number" in _outcome(path, fast=True)


def test_fast_reader_leaves_a_quoted_header_to_pandas(tmp_path):
    path = tmp_path / "activity.csv"
    path.write_text('"person_id",date,activity_type\nP1,2023-04-02,gp_surgery\n')
    assert read_activity_fast(path, _header(path, "a")) is None
    assert _outcome(path, fast=True) == _outcome(path, fast=False)
