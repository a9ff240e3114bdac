"""Onward referrals by sector and outcome (PRODUCT.md journey steps 5 and 8).

Onward frame columns: ``person_id``, ``sector`` (e.g. voluntary, statutory,
faith) and ``status`` (e.g. attended, declined, waiting) — one row per onward
referral or linkage.  Only rows for people in the referrals count; the rest
are counted in ``rows_unmatched``.  Blank sector or status is "not recorded".
Each figure says how many onward ``referrals`` and distinct ``people`` it
rests on.
"""
from __future__ import annotations

import pandas as pd

from .cohort import Cohort, known_people, labels_or_not_recorded, require_columns, text_ids


def _counted(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Onward referrals and distinct people per value of ``by``."""
    return table.groupby(by, sort=True).agg(
        referrals=("person", "size"), people=("person", "nunique")
    )


def onward_referrals(onward: pd.DataFrame, referrals: Cohort, *, source: str) -> dict:
    """The ``onward_referrals`` object: totals, by sector (with statuses), by status."""
    require_columns(onward, source, ("person_id", "sector", "status"))
    onward = onward.reset_index(drop=True)
    ids = text_ids(onward["person_id"], source=source)
    known = known_people(ids, referrals)
    table = pd.DataFrame(
        {
            "person": ids[known],
            "sector": labels_or_not_recorded(onward["sector"])[known],
            "status": labels_or_not_recorded(onward["status"])[known],
        }
    )
    by_sector = {}
    sector_status = table.groupby(["sector", "status"], sort=True).size()
    for sector, row in _counted(table, ["sector"]).iterrows():
        by_sector[str(sector)] = {
            "referrals": int(row["referrals"]),
            "people": int(row["people"]),
            "by_status": {str(s): int(c) for s, c in sector_status[sector].items()},
        }
    by_status = {
        str(status): {"referrals": int(row["referrals"]), "people": int(row["people"])}
        for status, row in _counted(table, ["status"]).iterrows()
    }
    return {
        "referrals": len(table),
        "people": int(table["person"].nunique()),
        "rows_unmatched": int((~known).sum()),
        "by_sector": by_sector,
        "by_status": by_status,
    }
