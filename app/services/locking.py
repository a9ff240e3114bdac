"""Optimistic locking: a save made from a page older than the record is refused, never merged."""
from __future__ import annotations

from app.services.errors import StaleEdit


def check_version(record, version: int | str | None, *, what: str = "this record") -> None:
    if version is None or str(record.version) != str(version).strip():
        raise StaleEdit(f"Someone else changed {what} while you were editing it. Your text is kept below: "
                        "check their change, then save again.")
