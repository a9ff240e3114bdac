"""Anchor dates, calendar-month windows, the inclusion rule, per-person counts.

CONTRACT.md 4.4:

* Pre window: ``anchor − W months ≤ date < anchor``.
* Post window: ``anchor ≤ date < anchor + W months``.
* A person is included when ``anchor + W months − 1 day ≤ as_of``.

Calendar months follow ``pandas.DateOffset(months=W)``: the day of month is
kept and clipped to the month's last day when the month is shorter.  So an
anchor of 2024-01-31 with W = 1 has its post window end (exclusive) on
2024-02-29 — the window is 2024-01-31 … 2024-02-28 — and its pre window
start on 2023-12-31.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .activity import ActivityRows
from .cohort import Cohort
from .definitions import ACTIVITY_TYPES


def shift_months(days: np.ndarray, months: int) -> np.ndarray:
    """Add ``months`` calendar months (may be negative) to day numbers.

    pandas DateOffset semantics: day of month kept, clipped to month end.
    """
    if len(days) == 0:
        return np.zeros(0, dtype=np.int64)
    stamps = pd.DatetimeIndex(days.astype("datetime64[D]"))
    shifted = stamps + pd.DateOffset(months=months)
    return shifted.to_numpy().astype("datetime64[D]").astype(np.int64)


@dataclass
class Windows:
    """Each person's window edges (days) and inclusion status."""

    start: np.ndarray  # anchor − W months (inclusive)
    anchor: np.ndarray  # end of pre (exclusive) = start of post (inclusive)
    end: np.ndarray  # anchor + W months (exclusive)
    has_anchor: np.ndarray  # bool
    included: np.ndarray  # bool


def person_windows(cohort: Cohort, *, anchor: str, months: int, as_of_day: int) -> Windows:
    """Window edges and inclusion for every person in ``cohort``.

    People without an anchor (no discharge_date under the discharge anchor)
    get empty windows and are not included.
    """
    anchor_day, has_anchor = cohort.anchor(anchor)
    anchor_day = np.where(has_anchor, anchor_day, 0)
    start = np.where(has_anchor, shift_months(anchor_day, -months), 0)
    end = np.where(has_anchor, shift_months(anchor_day, months), 0)
    included = has_anchor & (end - 1 <= as_of_day)
    return Windows(start, anchor_day, end, has_anchor, included)


def match_people(activity: ActivityRows, person_ids: np.ndarray) -> np.ndarray:
    """Index into ``person_ids`` of each activity row's person, −1 when unmatched (int32)."""
    position = pd.Index(person_ids).get_indexer(activity.person_ids)
    if len(position) == 0:
        return np.zeros(len(activity), dtype=np.int32)
    return position.astype(np.int32)[activity.person_code]


# Where a row falls against its person's windows: before the pre window,
# in it, in the post window, or after it.  One bin each, so a single
# np.bincount over the rows gives both windows' sums.
_BEFORE, _PRE, _POST, _AFTER = range(4)


def window_counts(
    activity: ActivityRows, person_index: np.ndarray, windows: Windows
) -> tuple[np.ndarray, np.ndarray]:
    """Summed ``count`` per person and activity type in the pre and post windows.

    ``person_index`` gives each activity row's position in the people that
    ``windows`` describes (−1 for none).  Returns two (people × 7) int64
    arrays, columns in :data:`ACTIVITY_TYPES` order.

    One pass over the rows: each row's phase (0 before, 1 pre, 2 post,
    3 after) is the number of its person's window edges — start, anchor,
    end — on or before its date, and one weighted bincount over (person,
    type, phase) sums every window at once.  Slot 0 of the edge tables is
    for rows of no one in ``windows``; their sums are dropped.  People
    without an anchor have all three edges at day 0, so their rows are
    "before" (earlier dates) or "after" and never counted, as before.
    """
    k = len(ACTIVITY_TYPES)
    n = len(windows.anchor)
    slot = person_index.astype(np.int32, copy=False) + np.int32(1)
    day = activity.day.astype(np.int32, copy=False)
    phase = np.zeros(len(day), dtype=np.int8)
    for edges in (windows.start, windows.anchor, windows.end):
        table = np.concatenate([[np.iinfo(np.int32).max], edges]).astype(np.int32)
        phase += day >= table[slot]
    bins = 4 * k * (n + 1)
    key_type = np.int32 if bins < 2**31 else np.int64
    key = slot.astype(key_type) * key_type(4 * k)
    key += activity.type_code.astype(key_type) * key_type(4)
    key += phase
    sums = np.bincount(key, weights=activity.count, minlength=bins).reshape(n + 1, k, 4)[1:]
    as_int = lambda a: np.rint(a).astype(np.int64)  # noqa: E731
    return as_int(sums[:, :, _PRE]), as_int(sums[:, :, _POST])
