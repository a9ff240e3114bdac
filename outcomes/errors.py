"""The one error the outcomes engine raises for bad input."""
from __future__ import annotations


class OutcomesInputError(ValueError):
    """Bad input, named by file (or frame), row number and problem.

    Row numbers count the header as row 1, so the first data row is row 2 —
    the number a person sees in a spreadsheet.  For a DataFrame handed in by
    the web app the row is its position plus 2, by the same convention.
    ``row`` is None for a problem with the whole file (it cannot be opened).
    """

    def __init__(self, source: str, row: int | None, problem: str):
        self.source = source
        self.row = row
        self.problem = problem
        where = f"{source}: row {row}" if row is not None else source
        super().__init__(f"{where}: {problem}")


def first_row(mask) -> int:
    """Row number (header = row 1) of the first True in a positional boolean mask."""
    import numpy as np

    return int(np.argmax(mask)) + 2
