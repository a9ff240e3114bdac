"""Shared column helpers."""
from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-naive UTC now; every stored timestamp is UTC."""
    return datetime.now(UTC).replace(tzinfo=None)
