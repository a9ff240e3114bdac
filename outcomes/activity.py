"""Practice activity rows (CONTRACT.md 4.2), validated and reduced to arrays.

An activity frame has ``person_id``, ``date`` (YYYY-MM-DD), ``activity_type``
(one of :data:`ACTIVITY_TYPES`) and optionally ``count`` (a whole number of at
least 1; a blank cell or an absent column means 1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cohort import require_columns
from .dates import parse_date_column
from .definitions import ACTIVITY_TYPES
from .errors import OutcomesInputError, first_row

_TYPE_INDEX = {name: i for i, name in enumerate(ACTIVITY_TYPES)}


@dataclass
class ActivityRows:
    """One entry per activity row: who (code into person_ids), when, what, how many."""

    person_ids: np.ndarray  # distinct ids, str
    person_code: np.ndarray  # int32 per row, index into person_ids
    day: np.ndarray  # int32 days since 1970-01-01
    type_code: np.ndarray  # int8 index into ACTIVITY_TYPES
    count: np.ndarray  # int64 >= 1

    def __len__(self) -> int:
        return len(self.day)


def _codes(values: pd.Series, *, source: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Factorise a required text column; (int32 codes, stripped distinct values).

    A categorical column (what the CSV readers give) already is codes and
    distinct values, so nothing is recomputed per row; otherwise pandas
    factorises it.  Labels are stripped once per distinct value.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        uniques = values.cat.categories
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    labels = pd.Series(np.asarray(uniques, dtype=object)).astype(str).str.strip().to_numpy(object)
    blank_u = labels == ""
    missing = codes < 0
    if len(labels) and blank_u.any():
        missing = missing | blank_u[np.maximum(codes, 0)]
    elif not len(labels):
        missing = np.ones(len(codes), dtype=bool)
    if len(codes) and missing.any():
        raise OutcomesInputError(source, first_row(missing), f"{column} is missing")
    return codes.astype(np.int32, copy=False), labels


def _counts(values: pd.Series, *, source: str) -> np.ndarray:
    """The count column: whole numbers >= 1, blank meaning 1."""
    if pd.api.types.is_integer_dtype(values.dtype):
        counts = values.to_numpy(dtype=np.int64)
        bad = counts < 1
        if bad.any():
            row = first_row(bad)
            raise OutcomesInputError(
                source, row, f"count '{counts[row - 2]}' is not a whole number of at least 1"
            )
        return counts
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # One entry per distinct value (a handful); a trailing 1 serves blank/NaN cells (code -1).
    parsed = np.ones(len(uniques) + 1, dtype=np.int64)
    bad_value = np.zeros(len(uniques) + 1, dtype=bool)
    for i, value in enumerate(uniques):
        text = str(value).strip()
        if text == "" or text.lower() == "nan":
            continue
        if text.isdigit() and int(text) >= 1:
            parsed[i] = int(text)
        elif isinstance(value, float) and value.is_integer() and value >= 1:
            parsed[i] = int(value)
        else:
            bad_value[i] = True
    bad = bad_value[codes]
    if bad.any():
        row = first_row(bad)
        raise OutcomesInputError(
            source, row, f"count '{values.iloc[row - 2]}' is not a whole number of at least 1"
        )
    return parsed[codes]


def _int32_days(day: np.ndarray) -> np.ndarray:
    """Day numbers as int32 (half the memory of int64: years 1677-2262 all fit)."""
    return day.astype(np.int32) if len(day) and abs(int(day.min())) < 2**31 and int(day.max()) < 2**31 else day


def prepare_activity(frame: pd.DataFrame, *, source: str) -> ActivityRows:
    """Validate an activity frame (CONTRACT.md 4.2) and return its arrays.

    Raises :class:`OutcomesInputError` for a missing column, a missing or
    unparseable date, an unknown activity type or a count below 1, naming
    the first offending row.
    """
    require_columns(frame, source, ("person_id", "date", "activity_type"))
    frame = frame.reset_index(drop=True)
    person_code, person_labels = _codes(frame["person_id"], source=source, column="person_id")
    day, _ = parse_date_column(frame["date"], source=source, column="date", required=True)
    day = _int32_days(day)
    type_codes, type_labels = _codes(
        frame["activity_type"], source=source, column="activity_type"
    )
    lookup = np.array([_TYPE_INDEX.get(label, -1) for label in type_labels], dtype=np.int8)
    if (lookup < 0).any():
        unknown = lookup[type_codes] < 0
        row = first_row(unknown)
        raise OutcomesInputError(
            source,
            row,
            f"activity_type '{frame['activity_type'].iloc[row - 2]}' is not one of "
            + ", ".join(ACTIVITY_TYPES),
        )
    type_code = lookup[type_codes] if len(lookup) else np.zeros(0, np.int8)
    if "count" in frame.columns:
        count = _counts(frame["count"], source=source)
    else:
        count = np.ones(len(frame), dtype=np.int64)
    return ActivityRows(person_labels, person_code, day, type_code, count)
