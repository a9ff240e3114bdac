"""A dashboard table as CSV or XLSX: the same suppressed cells the page shows."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from app.analytics.tables import Table

SUPPRESSION_NOTE = "Counts of people from 1 to 4 are shown as <5, as are cells that would reveal them."


def as_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets Excel read £ and – correctly


def as_xlsx(table: Table, *, described: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = table.name[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([described])
    sheet.append([])
    sheet.append([c.label for c in table.columns])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(["" if v is None else v for v in row])
    sheet.append([])
    if table.note:
        sheet.append([table.note])
    sheet.append([SUPPRESSION_NOTE])
    for index, column in enumerate(table.columns, start=1):
        width = max([len(column.label)] + [len(str(r[index - 1] or "")) for r in table.rows]) + 2
        sheet.column_dimensions[sheet.cell(row=4, column=index).column_letter].width = min(width, 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
