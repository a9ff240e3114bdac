"""Shared column helpers."""
from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-naive UTC now; every stored timestamp is UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def numbered_by_database(column) -> bool:
    """Whether `column` is a primary key the database numbers itself (a sequence on PostgreSQL,
    the rowid on SQLite), so rows written without it still get one."""
    return column.primary_key and column.autoincrement in (True, "auto")
