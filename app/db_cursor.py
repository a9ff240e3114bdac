"""The psycopg cursor our PostgreSQL connections use: psycopg's own, with a description built only
when it is read.

SQLAlchemy asks every cursor for its `description` after each query, but for a statement it has
run before it only checks that there is one: it already knows the columns. psycopg 3 answers by
making a `Column` object for every column of the result (psycopg issue 446), and a support
record's statements return about 200 columns a page: about 0.3 ms of a record page's 9 ms. Here
the description is a sequence of the same length whose `Column` objects are made the first time
one is read, from the result as it was when the description was asked for (the cursor may have
run another statement by then). psycopg's Column reads three things from the cursor it is given:
the result, the type adapters and `_encoding`, a name psycopg keeps private. They are kept here;
tests/test_db_cursor.py compares the description with psycopg's own, so a psycopg release that
reads something else fails the tests rather than the pages.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from psycopg import pq

#: Result states that describe rows even when there are no columns ("SELECT ;"), as psycopg's own
#: description has them (TUPLES_CHUNK is newer than some psycopg 3 releases).
_ROWS = frozenset(getattr(pq.ExecStatus, name) for name in ("TUPLES_OK", "SINGLE_TUPLE", "TUPLES_CHUNK")
                  if hasattr(pq.ExecStatus, name))


class _ResultAsItWas:
    """What psycopg's Column reads from its cursor, kept from the moment the description was asked
    for: the result, the connection's text encoding and the type adapters."""

    __slots__ = ("pgresult", "_encoding", "adapters")

    def __init__(self, cursor: psycopg.Cursor) -> None:
        self.pgresult = cursor.pgresult
        self._encoding = cursor._encoding
        self.adapters = cursor.adapters


class Description(Sequence):
    """A result's columns, as psycopg describes them, made when first read."""

    __slots__ = ("_result", "_count", "_columns")

    def __init__(self, cursor: psycopg.Cursor, count: int) -> None:
        self._result = _ResultAsItWas(cursor)
        self._count = count
        self._columns: list[psycopg.Column] | None = None

    def _made(self) -> list[psycopg.Column]:
        if self._columns is None:
            self._columns = [psycopg.Column(self._result, index) for index in range(self._count)]
            self._result = None  # the columns have read what they need
        return self._columns

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        return self._made()[index]

    def __iter__(self) -> Iterator[psycopg.Column]:
        return iter(self._made())

    def __repr__(self) -> str:
        return repr(self._made())


class Cursor(psycopg.Cursor):
    """psycopg's default cursor, with `description` made on demand (above)."""

    @property
    def description(self) -> Description | None:
        result = self.pgresult
        if result and (result.nfields or result.status in _ROWS):
            return Description(self, result.nfields)
        return None
