"""Shared column helpers, and the UK clock of the stored (UTC) moments."""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """Timezone-naive UTC now; every stored timestamp is UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def uk_local(moment: datetime) -> datetime:
    """A stored (timezone-naive UTC) moment as a UK clock and calendar read it, timezone-naive:
    the same in winter, an hour on in British Summer Time."""
    return moment.replace(tzinfo=UTC).astimezone(UK).replace(tzinfo=None)


def uk_today() -> date:
    """Today as the UK calendar has it: from midnight to 1am in British Summer Time, the UTC day
    is still yesterday. Dates people type, defaults, overdue tags and ages all count from this."""
    return uk_local(utcnow()).date()


def utc_of_uk(day: date, clock: time = time(0)) -> datetime:
    """The stored (timezone-naive UTC) moment of a UK clock time on a UK day: midnight of a
    summer's day is 23:00 UTC the day before."""
    return datetime.combine(day, clock, tzinfo=UK).astimezone(UTC).replace(tzinfo=None)


def long_date(value: date | datetime) -> str:
    """A day as every page writes it, "4 December 2026" (no leading zero), for the services'
    messages and notes; a stored moment is read on the UK's calendar."""
    if isinstance(value, datetime):
        value = uk_local(value)
    return f"{value.day} {value:%B %Y}"


def numbered_by_database(column) -> bool:
    """Whether `column` is a primary key the database numbers itself (a sequence on PostgreSQL,
    the rowid on SQLite), so rows written without it still get one."""
    return column.primary_key and column.autoincrement in (True, "auto")
