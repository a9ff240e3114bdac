"""Every CSV importer reads UTF-8 (with or without Excel's byte-order mark) and Windows-1252,
and refuses anything else as one clear problem on row 1, with nothing imported."""
from __future__ import annotations

import pytest

from app import csv_reading
from app.services import activity_import, comparison, deprivation, population
from app.services.errors import FileRejected

# 0x81 is undefined in Windows-1252 and 0xff never starts a UTF-8 character: neither reads it.
NOT_TEXT = b"\xff\x81\x81 binary \x00\x81"
IMPORTERS = [activity_import.parse, comparison.parse, deprivation.parse, population.parse]


@pytest.mark.parametrize("parse", IMPORTERS, ids=lambda f: f.__module__.rsplit(".", 1)[-1])
def test_a_file_that_is_not_text_is_one_problem_on_row_1(app, parse):
    with pytest.raises(FileRejected) as refused:
        parse(NOT_TEXT)
    assert refused.value.total == 1
    assert refused.value.problems[0].startswith("row 1: the file is not text (save it as CSV, UTF-8)")
    assert refused.value.field == "file" and refused.value.message.startswith("Nothing was imported")


def test_text_is_read_as_utf8_with_or_without_a_byte_order_mark_or_as_windows_1252():
    assert csv_reading.decode("postcode,café\n".encode("utf-8-sig")) == "postcode,café\n"
    assert csv_reading.decode("postcode,café\n".encode("utf-8")) == "postcode,café\n"
    assert csv_reading.decode("postcode,café £\n".encode("cp1252")) == "postcode,café £\n"
    with pytest.raises(csv_reading.UnreadableRow) as unreadable:
        csv_reading.decode(NOT_TEXT)
    assert unreadable.value.row == 1


def test_each_importer_says_what_to_do_with_the_corrected_file():
    assert "Correct them and upload the whole file again." in str(activity_import.ExtractRejected(["x"], 1))
    assert "Correct them and upload the whole file again." in str(comparison.CohortRejected(["x"], 1))
    assert "Correct them and import the whole file again." in str(deprivation.LookupRejected(["x"], 1))
    assert "(the first 1 are listed)" in str(population.SharesRejected(["x"], 7))
