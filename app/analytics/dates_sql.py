"""Date arithmetic in SQL that matches the outcomes engine on both SQLite and PostgreSQL.

The engine shifts dates by calendar months the pandas way (day of month kept, clipped to
the month's last day: 31 January + 1 month = 28/29 February).  PostgreSQL's interval
arithmetic does the same; SQLite's date() normalises overflow instead (31 January + 1 month
= 2 or 3 March), so on SQLite the clip is written out: the earlier of "same day, N months on"
and "last day of the month N months on".

A stored moment (UTC) becomes a day on the UK's calendar, as every page reads it: a referral
received at 23:30 UTC on 30 June arrived at 00:30 on 1 July in the UK, and counts in July.
PostgreSQL converts with its time zone database; SQLite has none, so the UK's rule is written
out (British Summer Time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
Sunday of October, the rule since 1996), checked against Python's zoneinfo by
tests/test_uk_days.py.
"""
from __future__ import annotations

from sqlalchemy import Date, Integer, and_, case, cast, func, literal


def is_postgres(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def uk_day_of(expression, *, postgres: bool):
    """The UK calendar day of a stored (timezone-naive UTC) timestamp column."""
    if postgres:
        return cast(func.timezone("Europe/London", func.timezone("UTC", expression)), Date)
    # To the second, as stored ("YYYY-MM-DD HH:MM:SS.ffffff"): SQLite's date functions round to the
    # millisecond, so 23:59:59.9995 would otherwise fall on the next day.
    moment = func.datetime(func.substr(expression, 1, 19))
    year = func.strftime("%Y", moment)
    summer_starts = func.datetime(func.date(year.op("||")(literal("-03-25")), "weekday 0"), "+1 hour")
    summer_ends = func.datetime(func.date(year.op("||")(literal("-10-25")), "weekday 0"), "+1 hour")
    in_summer = and_(moment >= summer_starts, moment < summer_ends)
    return case((in_summer, func.date(moment, "+1 hour")), else_=func.date(moment))


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
