"""The dashboard's kept records stored in the database, so every app process can use them.

``app.analytics.records`` keeps, in the process that worked out the landing view, every record
the figures use; later views of the same data are worked out from them in a fraction of the
time their own queries take.  Under ``make serve`` that process is the task queue's worker, so
a web process asked for a view nobody has opened would read every row of it again.  The worker
therefore also stores the frames here (``app.models.DashboardRecords``), one Parquet row per
frame under the data's fingerprint, and a web process loads them once per fingerprint.

Parquet keeps each frame's index and column types, and each text column's kind of missing value
(NaN or None) is noted beside it, so the loaded records are the records that were read — the
tests compare them frame by frame, value by value.  Anything that goes wrong here (a frame
Parquet cannot hold, a row another process is replacing) only means the view reads its own
rows, as it did before: storing and loading never fail a page.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import parquet
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from app.analytics import records
from app.analytics.cache import FIGURES_VERSION
from app.extensions import db
from app.models import DashboardRecords

log = logging.getLogger(__name__)


def stored_key(fingerprint: str) -> str:
    """The rows' key: the figures' version (which the frames' columns follow) and the fingerprint."""
    return hashlib.sha256(f"{FIGURES_VERSION}|records|{fingerprint}".encode()).hexdigest()


#: Parquet metadata: the text columns whose missing values were NaN, not None (Parquet keeps only "missing").
_NAN_COLUMNS = b"hearthlink.nan_columns"


def _missing_as_nan(frame: pd.DataFrame) -> list[str]:
    """The object columns whose missing values are all NaN; ValueError if a column mixes kinds of
    missing value (None, NaN, NaT…) or the index has one, which Parquet could not give back."""
    if frame.index.hasnans:
        raise ValueError("a missing value in the index")
    found = []
    for column in frame.columns[frame.dtypes == object]:
        missing = frame[column][frame[column].isna()]
        kinds = {"nan" if isinstance(value, float) else "none" if value is None else "other" for value in missing}
        if kinds == {"nan"}:
            found.append(column)
        elif len(kinds) > 1 or kinds == {"other"}:
            raise ValueError(f"column {column} mixes kinds of missing value")
    return found


def _to_parquet(frame: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(frame)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           _NAN_COLUMNS: json.dumps(_missing_as_nan(frame)).encode()})
    buffer = io.BytesIO()
    parquet.write_table(table, buffer, compression="lz4")
    return buffer.getvalue()


def _from_parquet(data: bytes) -> pd.DataFrame:
    table = parquet.read_table(io.BytesIO(data))
    frame = table.to_pandas()
    for column in json.loads((table.schema.metadata or {}).get(_NAN_COLUMNS, b"[]")):
        frame[column] = frame[column].where(frame[column].notna(), np.nan)
    return frame


def save(kept: records.Records) -> bool:
    """Store ``kept`` in place of any records stored before; whether they were stored."""
    try:
        parts = {name: _to_parquet(getattr(kept, name)) for name in records.FRAMES}
    except (pa.ArrowException, ValueError, TypeError) as error:
        log.warning("dashboard records not stored: %s", error)
        return False
    key = stored_key(kept.fingerprint)
    try:
        db.session.execute(delete(DashboardRecords))
        db.session.add_all([DashboardRecords(key=key, frame=name, data=data, as_of=kept.as_of)
                            for name, data in parts.items()])
        db.session.commit()
    except SQLAlchemyError as error:  # another process storing the same or newer records meanwhile
        db.session.rollback()
        log.info("dashboard records not stored: %s", error.__class__.__name__)
        return False
    return True


def load(fingerprint: str) -> records.Records | None:
    """The records stored for this fingerprint, or None when there are none (or not all)."""
    rows = db.session.execute(select(DashboardRecords.frame, DashboardRecords.data, DashboardRecords.as_of)
                              .where(DashboardRecords.key == stored_key(fingerprint))).all()
    found = {row.frame: row for row in rows}
    if set(found) != set(records.FRAMES):
        return None
    try:
        frames = {name: _from_parquet(found[name].data) for name in records.FRAMES}
    except (pa.ArrowException, ValueError, TypeError, OSError) as error:
        log.warning("stored dashboard records unreadable: %s", error)
        return None
    return records.assemble(fingerprint, frames, found["people"].as_of)
