"""A dashboard table as CSV or XLSX: the same suppressed cells the page shows.

Every cell goes through app.spreadsheet_safety, so text someone typed (an organisation's name)
can never run as a formula when the file is opened; in XLSX text is also stored as a string cell,
never as a formula.
"""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from app.analytics.tables import Table
from app.spreadsheet_safety import safe_row

SUPPRESSION_NOTE = "Counts of people from 1 to 4 are shown as <5, as are cells that would reveal them."


def as_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(c.label for c in table.columns))
    for row in table.rows:
        writer.writerow(safe_row(row))
    return out.getvalue().encode("utf-8-sig")  # the BOM lets Excel read £ and – correctly


def as_xlsx(table: Table, *, described: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = table.name[:31]
    append = _appender(sheet)
    append([table.title])
    sheet["A1"].font = Font(bold=True, size=14)
    append([described])
    append([])
    append([c.label for c in table.columns])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in table.rows:
        append(row)
    append([])
    if table.note:
        append([table.note])
    append([SUPPRESSION_NOTE])
    for index, column in enumerate(table.columns, start=1):
        width = max([len(column.label)] + [len(str(r[index - 1] or "")) for r in table.rows]) + 2
        sheet.column_dimensions[sheet.cell(row=4, column=index).column_letter].width = min(width, 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _appender(sheet):
    def append(values) -> None:
        sheet.append(safe_row(values))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store text beginning "=" as a formula
    return append
