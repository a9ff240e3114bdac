"""Small-number suppression: no count of people from 1 to 4 is shown, and no count that would
let a suppressed one be worked out by subtraction from a total.

PRODUCT.md: commissioners see aggregates only, small numbers (below 5) suppressed.  Primary
suppression hides every count from 1 to 4 (0 is shown: it describes nobody).  Secondary
(complementary) suppression then looks at each line of the table that adds up to a shown
total — each row with its row total, each column with its column total, and the totals with
the grand total — and wherever exactly one member of a line is hidden, hides the smallest
other non-zero member too, until no line has exactly one hidden member.  A hidden value is shown as
"<5" everywhere (page, chart, table, CSV, XLSX) and is never plotted.
"""
from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 5
SUPPRESSED = "<5"


def is_small(value) -> bool:
    return value is not None and 0 < value < THRESHOLD


def shown(value, hidden: bool):
    """The value to display: "<5" when hidden."""
    return SUPPRESSED if hidden else value


@dataclass
class Suppressed:
    """A table of counts with its hidden cells; totals are None when the table has none."""

    counts: list[list[int]]
    hidden: list[list[bool]]
    row_totals: list[int] | None
    row_totals_hidden: list[bool] | None
    column_totals: list[int] | None
    column_totals_hidden: list[bool] | None
    grand_total: int | None
    grand_total_hidden: bool

    def cell(self, i: int, j: int):
        return shown(self.counts[i][j], self.hidden[i][j])

    def row_total(self, i: int):
        return shown(self.row_totals[i], self.row_totals_hidden[i])

    def column_total(self, j: int):
        return shown(self.column_totals[j], self.column_totals_hidden[j])

    def grand(self):
        return shown(self.grand_total, self.grand_total_hidden)


def suppress(counts: list[list[int]], *, row_totals: bool = False, column_totals: bool = False) -> Suppressed:
    """Suppress a table of counts of people (rows × columns), with the totals it shows.

    With both row and column totals a grand total is shown too.  Returns which cells (and
    totals) are hidden; the counts themselves are kept for the caller, never for display.
    """
    rows, columns = len(counts), len(counts[0]) if counts else 0
    # The extended table: cells, then a totals column and a totals row when shown.
    grid = [list(row) for row in counts]
    if row_totals:
        for row in grid:
            row.append(sum(row[:columns]))
    if column_totals:
        grid.append([sum(grid[i][j] for i in range(rows)) for j in range(len(grid[0]) if grid else 0)])
    hidden = [[is_small(v) for v in row] for row in grid]
    lines: list[list[tuple[int, int]]] = []
    if row_totals:
        lines += [[(i, j) for j in range(columns + 1)] for i in range(rows + (1 if column_totals else 0))]
    if column_totals:
        lines += [[(i, j) for i in range(rows + 1)] for j in range(columns + (1 if row_totals else 0))]
    total_cells = {(i, columns) for i in range(len(grid))} if row_totals else set()
    if column_totals:
        total_cells |= {(rows, j) for j in range(len(grid[0]) if grid else 0)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[i][j] for i, j in line) != 1:
                continue
            candidates = [(grid[i][j], (i, j) in total_cells, i, j) for i, j in line if not hidden[i][j]]
            # A zero reveals nothing, so hiding it protects nothing: hide a non-zero cell when
            # the line has one (a line whose only others are zeros has its total equal to the
            # hidden cell, which is then small and hidden already).
            candidates = [c for c in candidates if c[0] != 0] or candidates
            if not candidates:
                continue
            # The smallest other cell; a total only when no ordinary cell is left.
            _, _, i, j = min(candidates, key=lambda c: (c[1], c[0]))
            hidden[i][j] = True
            changed = True
    return Suppressed(
        counts=[row[:columns] for row in grid[:rows]],
        hidden=[row[:columns] for row in hidden[:rows]],
        row_totals=[grid[i][columns] for i in range(rows)] if row_totals else None,
        row_totals_hidden=[hidden[i][columns] for i in range(rows)] if row_totals else None,
        column_totals=grid[rows][:columns] if column_totals else None,
        column_totals_hidden=hidden[rows][:columns] if column_totals else None,
        grand_total=grid[rows][columns] if (row_totals and column_totals) else None,
        grand_total_hidden=bool(hidden[rows][columns]) if (row_totals and column_totals) else False,
    )


def suppress_list(counts: list[int], *, total: bool = False) -> Suppressed:
    """A single column of counts, with its total when one is shown."""
    return suppress([[n] for n in counts], column_totals=total)
