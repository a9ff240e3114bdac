"""Commits that do not wait for the disk, while the demo data set loads.

The demo goes through the app's services, and each service commits once, as
it must for a user; loading 240 people makes thousands of commits.  By
default SQLite syncs the file to disk at every commit (about 16 ms each on
this machine's disk, most of a demo load) and PostgreSQL flushes its
write-ahead log.  Neither is needed for synthetic data that can be loaded
again: if the machine failed mid-load the database would need loading again
anyway.  So, for the load only, every connection checked out of the pool is
told not to wait — SQLite ``PRAGMA synchronous = OFF`` with the rollback
journal kept in memory (``journal_mode = MEMORY``: no journal file created and
deleted at every commit), PostgreSQL ``synchronous_commit = off`` (which risks
only the last moments' commits, never consistency) — and told back at the
end (SQLite's defaults, ``synchronous = FULL`` and ``journal_mode = DELETE``).
What is written, and in what order, is unchanged.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db

_SQLITE_FAST = ("PRAGMA synchronous = OFF", "PRAGMA journal_mode = MEMORY")
_SQLITE_SAFE = ("PRAGMA synchronous = FULL", "PRAGMA journal_mode = DELETE")
_POSTGRES_FAST = ("SET synchronous_commit TO off",)
_POSTGRES_SAFE = ("RESET synchronous_commit",)


def _statements(dialect: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if dialect == "sqlite":
        return _SQLITE_FAST, _SQLITE_SAFE
    if dialect == "postgresql":
        return _POSTGRES_FAST, _POSTGRES_SAFE
    return (), ()


def _run(dbapi_connection, statements: tuple[str, ...]) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for statement in statements:
            cursor.execute(statement)
    finally:
        cursor.close()
    if not getattr(dbapi_connection, "autocommit", True):
        dbapi_connection.commit()  # psycopg opened a transaction for the SET; SQLite has none


@contextmanager
def quick_commits():
    """Within the block, commits on this app's engine do not wait for the disk."""
    engine = db.engine
    fast, safe = _statements(engine.dialect.name)
    if not fast:
        yield
        return
    touched = []

    def on_checkout(dbapi_connection, record, proxy):
        if not record.info.get("quick_commits"):
            _run(dbapi_connection, fast)
            record.info["quick_commits"] = True
            touched.append(record)

    db.session.commit()  # start the next transaction on a connection that has been told
    db.session.close()
    event.listen(engine, "checkout", on_checkout)
    try:
        yield
    finally:
        event.remove(engine, "checkout", on_checkout)
        db.session.close()
        for record in touched:
            if record.dbapi_connection is not None and record.info.pop("quick_commits", False):
                _run(record.dbapi_connection, safe)
