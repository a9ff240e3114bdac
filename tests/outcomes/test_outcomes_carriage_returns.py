"""A carriage return followed by a space at the start of a line is read, not looped on for ever.

pandas 2.x's C tokenizer loops on such a line ("P1\\r\\r P2"), growing until the kernel kills the
process: a 80-byte file took a test worker to 22 GB. outcomes/inputs.py gives pandas every carriage
return as a newline. Each file is read in a child process held to 3 GB of address space, so that
if the loop came back the child would fail alone, with pandas' "out of memory", and the test
would fail here instead of the machine running out of memory.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from outcomes.inputs import read_activity_csv, read_csv_text

HEADER = "person_id,date,activity_type,count\n"
ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from outcomes.inputs import read_activity_csv, read_csv_text
from outcomes.errors import OutcomesInputError
reader = {"activity": lambda p: read_activity_csv(p, source="a.csv", fast=False), "text": read_csv_text}[sys.argv[2]]
try:
    print(json.dumps(reader(sys.argv[1]).astype(str).to_dict("records")))
except OutcomesInputError as error:
    print(json.dumps(f"error: {error}"))
"""


def _read_in_a_child(path: Path, reader: str):
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), reader], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _records(frame):
    return frame.astype(str).to_dict("records")


@pytest.mark.parametrize("body", [
    "P1,2023-04-02,gp_surgery,1\r\r P2,2023-04-03,gp_surgery,1\r",
    "P1,2023-04-02,gp_surgery,1\n\r\tP2,2023-04-03,gp_surgery,2\n",
    "P1,2023-04-02,gp_surgery,1\r\n\r P2,2023-04-03,outpatient,1\r\n",
    "a\r\r b",
], ids=["cr-cr-space", "lf-cr-tab", "crlf-cr-space", "short"])
def test_a_carriage_return_then_a_space_reads_as_the_same_rows_with_newlines(tmp_path, body):
    raw = tmp_path / "raw.csv"
    raw.write_bytes((HEADER + body).encode())
    plain = tmp_path / "plain.csv"
    plain.write_bytes((HEADER + body.replace("\r\n", "\n").replace("\r", "\n")).encode())

    expected_activity = _records(read_activity_csv(plain, source="a.csv", fast=False))
    assert expected_activity  # the file has rows: an empty answer would prove nothing
    assert _read_in_a_child(raw, "activity") == expected_activity
    assert _read_in_a_child(raw, "text") == _records(read_csv_text(plain))


def test_the_rows_of_a_windows_file_are_unchanged(tmp_path):
    path = tmp_path / "windows.csv"
    path.write_bytes((HEADER + "P1,2023-04-02,gp_surgery,2\r\nP2,2023-04-03,outpatient,1\r\n").encode())
    frame = read_activity_csv(path, source="a.csv", fast=False)
    assert frame["person_id"].astype(str).tolist() == ["P1", "P2"]
    assert frame["count"].tolist() == [2, 1]
    assert read_csv_text(path)["count"].tolist() == ["2", "1"]


def test_a_carriage_return_inside_quotes_stays_in_its_value_as_a_newline(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_bytes((HEADER + '"P1\r P9",2023-04-02,gp_surgery,1\n').encode())
    assert read_csv_text(path)["person_id"].tolist() == ["P1\n P9"]
