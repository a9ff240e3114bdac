"""Strict YYYY-MM-DD date parsing for the engine's inputs.

Dates are handled as whole days since 1970-01-01 (int64) so that window tests
on millions of activity rows are plain integer comparisons.  Parsing is done
once per distinct value (a large extract repeats the same few thousand dates).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .errors import OutcomesInputError, first_row

_ISO_DATE = r"\d{4}-\d{2}-\d{2}"


def day_number(value: dt.date) -> int:
    """Days since 1970-01-01 of a date."""
    return (value - dt.date(1970, 1, 1)).days


def day_to_date(day: int) -> dt.date:
    """Inverse of :func:`day_number`."""
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


def parse_date_text(text: str, *, what: str) -> dt.date:
    """Parse one YYYY-MM-DD date (a command-line value); ValueError names ``what``."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{what} '{text}' is not a valid YYYY-MM-DD date") from None


def parse_date_column(
    values: pd.Series, *, source: str, column: str, required: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of dates into (days since epoch, present mask).

    Accepts YYYY-MM-DD text (CSV input) or date/datetime values (frames read
    from the database).  A blank cell is missing: an error when ``required``,
    otherwise ``present`` is False there.  Anything else that is not a real
    calendar date raises :class:`OutcomesInputError` naming the first bad row.
    """
    n = len(values)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        present = values.notna().to_numpy()
        days = np.zeros(n, dtype=np.int64)
        days[present] = values[present].to_numpy().astype("datetime64[D]").astype(np.int64)
    else:
        if isinstance(values.dtype, pd.CategoricalDtype):
            # Already codes and distinct values (the CSV readers' output).
            codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
        else:
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
        uniq = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
        is_text = uniq.map(lambda v: isinstance(v, str)).astype(bool)
        text = uniq[is_text].str.strip()
        blank = pd.Series(False, index=uniq.index)
        blank[is_text] = text == ""
        parsed = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[ns]")
        good_shape = text.str.fullmatch(_ISO_DATE)
        if len(text):
            parsed[is_text] = pd.to_datetime(
                text.where(good_shape & (text != "")), format="%Y-%m-%d", errors="coerce"
            )
        if (~is_text).any():
            parsed[~is_text] = pd.to_datetime(uniq[~is_text], errors="coerce")
        bad = (~blank & parsed.isna()).to_numpy()
        bad_rows = (codes >= 0) & bad[np.maximum(codes, 0)] if bad.any() else bad[:0]
        if bad_rows.any():  # (a categorical's unused categories are not rows)
            row = first_row(bad_rows)
            raw = values.iloc[row - 2]
            raise OutcomesInputError(
                source, row, f"{column} '{raw}' is not a valid YYYY-MM-DD date"
            )
        udays = np.zeros(len(uniq), dtype=np.int64)
        ok = parsed.notna().to_numpy()
        udays[ok] = parsed[ok].to_numpy().astype("datetime64[D]").astype(np.int64)
        if len(uniq) and ok.all() and (codes >= 0).all():
            present = np.ones(n, dtype=bool)
            days = udays[codes]
        elif len(uniq):
            present = (codes >= 0) & ok[np.maximum(codes, 0)]
            days = udays[np.maximum(codes, 0)]
        else:
            present, days = codes >= 0, np.zeros(n, dtype=np.int64)
    if required and not present.all():
        raise OutcomesInputError(source, first_row(~present), f"{column} is missing")
    return days, present
