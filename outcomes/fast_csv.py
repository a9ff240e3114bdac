"""The fast way to read a large ACTIVITY.csv: pyarrow's multi-threaded CSV reader.

A practice extract is millions of rows repeating a few hundred thousand
people, a few thousand dates, seven activity types and a handful of counts.
pyarrow reads it in parallel and dictionary-encodes those columns as it
goes, so each distinct value is stored once and every row is a small integer
code; the frame handed on holds pandas categoricals built from those codes
without copying strings (compact dtypes: int32 codes, not Python objects).

This reader only ever *agrees* with the pandas reader of
:mod:`outcomes.inputs`, never disagrees: it gives up (returns None) on
anything it cannot read exactly as pandas would — a quoted or odd header,
rows of the wrong width, text that is not UTF-8, counts that are not plain
digits — and the caller then reads the file the slow way, which also writes
the row-numbered error message.  Values are not judged here: dates, types
and counts are validated by :func:`outcomes.activity.prepare_activity` on
either reader's frame, so both give the same numbers and the same errors
(tests/outcomes/test_outcomes_fast_csv.py checks this on generated files).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

try:  # pyarrow is a dependency, but the engine still works (slowly) without it.
    import pyarrow as pa
    import pyarrow.csv as pa_csv
except ImportError:  # pragma: no cover - exercised only in a broken install
    pa = None

# Columns the engine reads from an activity file (CONTRACT.md 4.2).
ACTIVITY_COLUMNS = ("person_id", "date", "activity_type", "count")
# Bytes per parsing block: large enough that few dictionaries need unifying,
# small enough that both cores get several blocks of a 50 MB file.
_BLOCK_BYTES = 8 << 20
_DIGITS = re.compile(r"[0-9]+")
# A count pandas reads the same as an integer column or as text: digits,
# possibly blank or padded with spaces (anything else goes the slow way).
_PLAIN_COUNT = re.compile(r" *[0-9]* *")


def _first_line(path: str | Path) -> bytes | None:
    """The header line's bytes (without the BOM), or None when it is unusual."""
    with open(path, "rb") as handle:
        line = handle.readline(1 << 16)
    if not line.endswith(b"\n") or not line.removeprefix(b"\xef\xbb\xbf").strip() or b'"' in line or b"\r" in line[:-2]:
        return None
    return line


def read_activity_fast(path: str | Path, header: list[str]) -> pd.DataFrame | None:
    """The activity frame pandas would read, or None when this reader cannot be sure.

    ``header`` is the header as pandas parsed it (:func:`outcomes.inputs._header`).
    """
    if pa is None or _first_line(path) is None:
        return None
    names = [str(c).strip() for c in header]
    if len(set(names)) != len(names):
        return None
    wanted = [c for c in names if c in ACTIVITY_COLUMNS]
    placeholders = [f"c{i}" for i in range(len(names))]
    by_name = dict(zip(names, placeholders))
    text = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(
                skip_rows=1, column_names=placeholders, block_size=_BLOCK_BYTES
            ),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={by_name[c]: text for c in wanted},
                include_columns=[by_name[c] for c in wanted],
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError, OSError):
        return None
    table = table.unify_dictionaries()
    columns = {}
    for name in wanted:
        column = _categorical(table.column(by_name[name]))
        if name == "count":
            column = _count_column(column)
            if column is None:
                return None
        columns[name] = column
    return pd.DataFrame(columns, columns=wanted)


def _categorical(column) -> pd.Categorical:
    """A chunked dictionary column (unified dictionaries) as a pandas Categorical."""
    if column.num_chunks == 0:
        return pd.Categorical.from_codes(np.zeros(0, np.int32), categories=pd.Index([], dtype=object))
    codes = np.concatenate(
        [chunk.indices.to_numpy(zero_copy_only=False) for chunk in column.chunks]
    )
    labels = column.chunks[0].dictionary.to_pylist()
    return pd.Categorical.from_codes(codes, categories=pd.Index(labels, dtype=object), validate=False)


def _count_column(column: pd.Categorical):
    """int64 counts when every value is plain digits, as pandas would read them.

    Text of blanks or space-padded digits stays categorical: the engine then
    reads it exactly as it reads pandas' text column.  Anything else (a sign,
    a decimal point, hex) returns None, because pandas' integer parser and
    pyarrow's disagree there, so the slow reader must decide.
    """
    labels = list(column.categories)
    if all(_DIGITS.fullmatch(v) and len(v) < 19 for v in labels):
        values = np.array([int(v) for v in labels], dtype=np.int64)
        return values[column.codes] if len(labels) else np.zeros(len(column), np.int64)
    if all(_PLAIN_COUNT.fullmatch(v) and len(v) < 19 for v in labels):
        return column
    return None
