"""A test world built once per worker and engine, then copied into each test's empty database.

A fixture that builds a world through the factories and services (dozens of people, each a
handful of flushes and commits) pays for it again in every test that asks for it. With
`built_once`, the first test on a worker builds it and its rows are read back, table by table;
every later test gets the same rows written straight into its own empty database, ids and all,
with PostgreSQL's id sequences moved past them, so what the test adds numbers on from where a
fresh build would. The world must be a pure function of its fixture (a seeded generator, fixed
names): the factories' counters only ever rise, so a value they make later never meets one in
the copy. tests/test_snapshot.py checks a copy against a fresh build on both engines.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Integer, insert, select, text

from app.extensions import db
from app.models.base import numbered_by_database

_taken: dict[tuple[str, str], tuple[dict[str, list[dict]], Any]] = {}


def rows_of_every_table() -> dict[str, list[dict]]:
    """Every row of every table, in primary-key order."""
    return {table.name: [dict(row) for row in db.session.execute(
                select(table).order_by(*table.primary_key.columns)).mappings()]
            for table in db.metadata.sorted_tables}


def _id_sequences() -> list[str]:
    """The tables whose integer `id` PostgreSQL numbers from a sequence."""
    return [table.name for table in db.metadata.sorted_tables
            if "id" in table.columns and isinstance(table.columns["id"].type, Integer)
            and numbered_by_database(table.columns["id"])]


def put_back(rows: dict[str, list[dict]]) -> None:
    """Write `rows` (from rows_of_every_table) into this empty database, parents first."""
    for table in db.metadata.sorted_tables:
        if rows.get(table.name):
            db.session.execute(insert(table), rows[table.name])
    if db.engine.dialect.name == "postgresql":
        for name in _id_sequences():
            if rows.get(name):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), :last)"),
                                   {"last": max(row["id"] for row in rows[name])})
    db.session.commit()


def built_once(key: str, build: Callable[[], Any]) -> Any:
    """The world `key` in this test's (empty) database: built by `build()` the first time on
    this worker and engine, copied from that build every time after. Returns what `build()`
    returned, which must be plain data (ids, not objects: those belong to the first test)."""
    engine = db.engine.dialect.name
    taken = _taken.get((key, engine))
    if taken is None:
        made = build()
        db.session.commit()
        _taken[(key, engine)] = (rows_of_every_table(), made)
        return made
    rows, made = taken
    put_back(rows)
    db.session.expire_all()
    return made
