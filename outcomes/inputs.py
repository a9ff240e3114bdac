"""Reading the engine's CSV files into DataFrames, with people-readable errors.

Row numbers in every message count the header as row 1, so the first data
row is row 2 (the number a spreadsheet shows).  Validation of the values
themselves happens in the frame-level functions (:mod:`outcomes.cohort`,
:mod:`outcomes.activity`, :mod:`outcomes.costs`), which the web app calls
with frames read from its database; this module only gets a file into a
frame, or says precisely why it cannot.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from .errors import OutcomesInputError
from .fast_csv import ACTIVITY_COLUMNS, read_activity_fast


def _header(path: str | Path, source: str) -> list[str]:
    """The header row's column names (stripped); errors for unreadable files."""
    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig")
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise OutcomesInputError(source, None, f"cannot open the file ({exc.strerror})") from None
    except pd.errors.EmptyDataError:
        raise OutcomesInputError(
            source, 1, "the file is empty; it needs a header row naming its columns"
        ) from None
    except UnicodeDecodeError:
        raise OutcomesInputError(source, 1, "the file is not UTF-8 text") from None
    return [str(c) for c in header.columns]


def _line_ends_as_newlines(path: str | Path) -> str | Path | io.BytesIO:
    r"""The file for pandas, with every carriage return made a newline when it has any.

    pandas' C tokenizer (2.x) loops for ever on a carriage return followed by a space or a tab at
    the start of a line ("P1\r\r P2"), growing until the machine runs out of memory (pandas issue
    51141, fixed in a later pandas). It reads a lone "\r", and "\r\n", as the end of a row, so
    given "\n" instead it reads the same rows; a carriage return inside quotes becomes a newline,
    and no identifier, date, activity type or count may hold either.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    if b"\r" not in data:
        return path
    return io.BytesIO(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))


def _read(path: str | Path, source: str, **options) -> pd.DataFrame:
    """pd.read_csv with parser errors turned into row-numbered messages."""
    try:
        return pd.read_csv(_line_ends_as_newlines(path), encoding="utf-8-sig", keep_default_na=False, **options)
    except pd.errors.ParserError as exc:
        fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if fields:
            expected, row, saw = (int(g) for g in fields.groups())
            raise OutcomesInputError(
                source, row, f"the row has {saw} fields but the header has {expected}"
            ) from None
        found = re.search(r"line (\d+)", str(exc))
        row = int(found.group(1)) if found else None
        raise OutcomesInputError(source, row, f"malformed CSV ({str(exc).strip()})") from None
    except UnicodeDecodeError:
        raise OutcomesInputError(source, None, "the file is not UTF-8 text") from None


def _stripped(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def read_csv_text(path: str | Path, *, source: str | None = None) -> pd.DataFrame:
    """Read a small CSV file with every cell as text (blank cells are '')."""
    source = source or str(path)
    _header(path, source)
    return _stripped(_read(path, source, dtype=str))


def read_cohort_csv(path: str | Path, *, source: str | None = None) -> pd.DataFrame:
    """Read REFERRALS.csv or COMPARISON.csv (CONTRACT.md 4.1, 4.6) as text."""
    return read_csv_text(path, source=source)


def read_activity_csv(
    path: str | Path, *, source: str | None = None, fast: bool = True
) -> pd.DataFrame:
    """Read ACTIVITY.csv (CONTRACT.md 4.2), keeping only the columns the engine uses.

    A well-formed file is read by pyarrow (:mod:`outcomes.fast_csv`), several
    times faster than pandas on millions of rows; anything that reader is not
    sure of, and every ``fast=False`` call, is read by pandas as below, which
    also words the errors.  Both give frames the engine treats identically.
    """
    source = source or str(path)
    header = _header(path, source)
    if fast:
        frame = read_activity_fast(path, header)
        if frame is not None:
            return frame
    return _read_activity_pandas(path, source, header)


def _read_activity_pandas(path: str | Path, source: str, header: list[str]) -> pd.DataFrame:
    """The pandas reader: the reference, and the one that words the errors.

    The count column is read as integers when it is clean and otherwise as
    text, so that validation can name the bad row.
    """
    # Every column is read (no usecols) so that pandas still rejects a row
    # with more fields than the header instead of silently dropping them.
    # Text columns are read as categories: a large extract repeats the same
    # people, dates and types, and low_memory=False keeps that fast.
    dtypes = {c: "category" for c in header}
    counts = [c for c in header if c.strip() == "count"]
    options = dict(na_filter=False, low_memory=False)
    if counts:
        try:
            frame = _read(path, source, dtype={**dtypes, counts[0]: "int64"}, **options)
        except (ValueError, TypeError, OverflowError) as exc:
            if isinstance(exc, OutcomesInputError):
                raise
            frame = _read(path, source, dtype={**dtypes, counts[0]: str}, **options)
    else:
        frame = _read(path, source, dtype=dtypes, **options)
    frame = _stripped(frame)
    return frame[[c for c in frame.columns if c in ACTIVITY_COLUMNS]]
