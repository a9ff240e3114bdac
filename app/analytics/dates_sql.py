"""Date arithmetic in SQL that matches the outcomes engine on both SQLite and PostgreSQL.

The engine shifts dates by calendar months the pandas way (day of month kept, clipped to
the month's last day: 31 January + 1 month = 28/29 February).  PostgreSQL's interval
arithmetic does the same; SQLite's date() normalises overflow instead (31 January + 1 month
= 2 or 3 March), so on SQLite the clip is written out: the earlier of "same day, N months on"
and "last day of the month N months on".
"""
from __future__ import annotations

from sqlalchemy import Date, Integer, cast, func, literal


def is_postgres(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def day_of(expression, *, postgres: bool):
    """The calendar date of a timestamp column."""
    return cast(expression, Date) if postgres else func.date(expression)


def shift_months(day, months: int, *, postgres: bool):
    """``day`` plus ``months`` calendar months (negative goes back), clipped to month end."""
    if postgres:
        return cast(day + func.make_interval(0, months), Date)
    days_in = cast(func.strftime("%d", day), Integer) - 1
    same_day = func.date(day, "start of month", f"{months:+d} months",
                         literal("+").op("||")(days_in).op("||")(literal(" days")))
    month_end = func.date(day, "start of month", f"{months + 1:+d} months", "-1 day")
    return func.min(same_day, month_end)


def month_of(expression, *, postgres: bool):
    """'YYYY-MM' of a date or timestamp column."""
    return func.to_char(expression, "YYYY-MM") if postgres else func.strftime("%Y-%m", expression)
