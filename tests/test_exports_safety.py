"""Spreadsheets the app writes never run a formula someone typed (issue 12, finding 3; OWASP's
CSV-injection advice): text beginning =, +, -, @, tab or carriage return gains a leading quote,
numbers stay numbers, and in XLSX such text is stored as text, never as a formula."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from app.analytics.tables import Column, Table
from app.dashboard import exports
from app.security import Role
from app.spreadsheet_safety import PLAIN_NUMBER, TRIGGERS, safe_cell
from tests import factories

FORMULA = '=HYPERLINK("http://x","y")'


@given(st.text())
def test_text_is_quoted_exactly_when_a_spreadsheet_would_read_it_as_a_formula(text):
    cell = safe_cell(text)
    if text[:1] in TRIGGERS and not PLAIN_NUMBER.fullmatch(text):
        assert cell == "'" + text
    else:
        assert cell == text


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.decimals(allow_nan=False)))
def test_numbers_stay_numbers_even_when_negative(number):
    assert safe_cell(number) is number


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+44 1384 000000", "'+44 1384 000000"), ("-£120", "'-£120"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"),
    ("+1.20", "+1.20"), ("-3", "-3"), ("-1+1", "'-1+1"), ("+1.2\n", "'+1.2\n"),
    ("Dudley Mind", "Dudley Mind"), ("", ""), ("<5", "<5"), ("a=b", "a=b"),
])
def test_the_owasp_trigger_characters_and_ordinary_text(text, expected):
    assert safe_cell(text) == expected


def test_none_and_dates_pass_through():
    assert safe_cell(None) is None
    assert safe_cell(date(2025, 3, 31)) == date(2025, 3, 31)


def _table() -> Table:
    table = Table("onward_organisations", "Organisations", [Column("Organisation"), Column("Saving", "count")])
    table.rows.append([FORMULA, -120.5])
    table.rows.append(["-1+cmd|' /C calc'!A0", 3])
    return table


def test_the_csv_writer_quotes_formula_text_and_keeps_negative_numbers():
    rows = list(csv.reader(io.StringIO(exports.as_csv(_table()).decode("utf-8-sig"))))
    assert rows[1] == ["'" + FORMULA, "-120.5"]
    assert rows[2] == ["'-1+cmd|' /C calc'!A0", "3"]


def test_the_xlsx_writer_stores_formula_text_as_text_and_numbers_as_numbers():
    sheet = load_workbook(io.BytesIO(exports.as_xlsx(_table(), described="=cmd"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    assert sheet["A2"].value == "'=cmd"  # the view's description is text too
    assert sheet["A5"].value == "'" + FORMULA and sheet["A5"].data_type == "s"
    assert sheet["B5"].value == -120.5 and sheet["B5"].data_type == "n"


@pytest.fixture
def onward_to_a_formula(app, client, sign_in):
    """A link officer records onward support to an 'organisation' typed as a spreadsheet formula."""
    officer = factories.user(role=Role.LINK_OFFICER)
    episode = factories.supported_person(referred_on=date(2024, 1, 8), officer=officer,
                                         first_contact_on=date(2024, 1, 15))
    sign_in.as_user(officer)
    page = client.get(f"/people/{episode.person_id}/onward/new").get_data(as_text=True)
    from tests.conftest import _csrf_token

    response = client.post(f"/people/{episode.person_id}/onward/new", data={
        "csrf_token": _csrf_token(page), "organisation_name": FORMULA, "sector": "voluntary", "kind": "linkage",
        "status": "made"})
    assert response.status_code in (302, 303)
    sign_in.out()
    sign_in.as_role(Role.COMMISSIONER)


def test_an_organisation_typed_as_a_formula_reaches_the_commissioners_csv_as_text(client, onward_to_a_formula):
    response = client.get("/dashboard/export/onward_organisations.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert "'" + FORMULA in names and FORMULA not in names


def test_an_organisation_typed_as_a_formula_reaches_the_commissioners_xlsx_as_text(client, onward_to_a_formula):
    response = client.get("/dashboard/export/onward_organisations.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'" + FORMULA in [cell.value for cell in cells]
