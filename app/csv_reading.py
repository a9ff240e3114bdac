"""Reading uploaded CSV files row by row, with limits that give people a clear message.

Python's csv module refuses a field over 131,072 characters with an exception that names neither
the row nor the column. Uploads are already capped at 20 MB (MAX_CONTENT_LENGTH), so the module's
limit is raised to that once, and every cell is held to MAX_CELL instead: the importers then say
which row and column is too long, and refuse the whole file.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

MAX_CELL = 10_000  # characters: far beyond any real value in an extract or a directory entry
_UPLOAD_LIMIT = 32 * 1024 * 1024  # above the 20 MB request limit: a cell of an accepted file always fits

csv.field_size_limit(max(csv.field_size_limit(), _UPLOAD_LIMIT))


class UnreadableRow(ValueError):
    """A row the csv module cannot read; `row` counts the header as row 1."""

    def __init__(self, row: int, reason: str):
        super().__init__(f"row {row}: {reason}")
        self.row, self.reason = row, reason


NOT_TEXT = "the file is not text (save it as CSV, UTF-8)"


def decode(content: bytes) -> str:
    """An uploaded file's text: UTF-8 (with or without Excel's byte-order mark), else Windows-1252
    (what older Excel saves as "CSV"); UnreadableRow on row 1 when it is neither."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableRow(1, NOT_TEXT)


def rows(text: str) -> Iterator[list[str]]:
    """The values of every row, the header first; raises UnreadableRow naming the row."""
    reader = csv.reader(io.StringIO(text))
    row = 0
    while True:
        row += 1
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnreadableRow(row, f"it cannot be read as CSV ({error})") from None


def too_long(header: list[str], values: list[str]) -> list[str]:
    """The columns of this row whose value is longer than MAX_CELL (extra values are named by position)."""
    if max(map(len, values), default=0) <= MAX_CELL:  # the usual row, without building the names
        return []
    names = header + [f"{index + 1}" for index in range(len(header), len(values))]
    return [name for name, value in zip(names, values) if len(value) > MAX_CELL]


TOO_LONG = f"is longer than {MAX_CELL:,} characters"
