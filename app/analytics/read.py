"""Reading a query's rows straight into a DataFrame.

The dashboard reads tens of thousands of rows per request.  Building a Python object for every
value costs more than the database's own work, so these queries are compiled by SQLAlchemy
(dialect, parameters) and then run on the session's own DB-API connection — same transaction:

* PostgreSQL: ``COPY (query) TO STDOUT`` as CSV, parsed by pandas' C reader;
* SQLite (embedded, small): the cursor's tuples, handed to pandas as they are.

Values arrive as text or as the driver gives them (dates as ISO text on both), so callers
convert the columns they use with ``pd.to_datetime`` and friends.  NULL and empty text both
arrive as missing.
"""
from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd

from app.extensions import db


def _sqlite_value(value):
    """SQLite stores dates and timestamps as ISO text, as SQLAlchemy writes them."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def fetch_frame(query, columns: list[str], *, numbers: tuple[str, ...] = ()) -> pd.DataFrame:
    """Run ``query`` in the current session's transaction; its rows as a DataFrame, with the
    ``numbers`` columns as float64 (missing as NaN) and the rest as objects."""
    connection = db.session.connection()
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    if connection.dialect.name == "sqlite":
        params = tuple(map(_sqlite_value, params)) if compiled.positional else \
            {name: _sqlite_value(value) for name, value in params.items()}
    if connection.dialect.name == "postgresql":
        return _copy_out(connection.connection.driver_connection, str(compiled), params, columns, numbers)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    frame = pd.DataFrame.from_records(rows, columns=columns, coerce_float=False) if rows else _empty(columns)
    for column in numbers:
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    return frame


def _copy_out(connection, sql: str, params, columns: list[str], numbers) -> pd.DataFrame:
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
        for chunk in copy:
            buffer.write(chunk)
    if not buffer.tell():
        frame = _empty(columns)
        for column in numbers:
            frame[column] = frame[column].astype("float64")
        return frame
    buffer.seek(0)
    types = {name: ("float64" if name in numbers else object) for name in columns}
    return pd.read_csv(buffer, header=None, names=columns, dtype=types, keep_default_na=False, na_values=[""])


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
