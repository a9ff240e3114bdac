"""The chart of the "who the service reaches" section: referrals by IMD quintile, with its text
summary (the other dimensions are shown as tables; a bar per group adds little to them)."""
from __future__ import annotations

from app.analytics.suppression import SUPPRESSED
from app.dashboard import charts


def reach_charts(view) -> list:
    from app.dashboard.page import Chart  # page builds every chart, this one included

    table = view.tables.get("reach_imd_quintile")
    if table is None or not table.rows:
        return []
    headline = view.tables["reach_headline"].rows
    shown = [r for r in table.rows[:-1] if isinstance(r[1], int) and r[1]]
    summary = (headline[0][2] if headline else "") + (" Groups of fewer than 5 referrals are shown as <5 and not drawn."
                                                      if any(r[1] == SUPPRESSED for r in table.rows) else "")
    figure = charts.horizontal(table, 0, 1, colour="#009E73") if shown else None
    return [Chart("reach-imd", "Referrals by IMD quintile of the person's home", figure, summary.strip(), table)]
