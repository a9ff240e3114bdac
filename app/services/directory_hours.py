"""When a directory service is open, from ORUK schedules, in Europe/London local time.

A schedule is WEEKLY (byday "MO,TH") or MONTHLY (byday "2MO" = second Monday, "-1FR" = last
Friday, or bymonthday "1,15"), optionally bounded by valid_from/valid_to, with opens_at and
closes_at as local "HH:MM". `is_open(schedules, moment)` answers for one service in Python;
`open_at_clause(moment)` is the same rule as SQL, so "open now" filters a page of 5,000
services in the database.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, and_, cast, func, literal, or_

from app.models.directory_places import Schedule

LONDON = ZoneInfo("Europe/London")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = dict(zip(DAY_CODES, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))


def london_now() -> datetime:
    return datetime.now(LONDON)


@dataclass(frozen=True)
class DayTokens:
    """The byday/bymonthday tokens that match one calendar day."""
    weekday: str      # "MO"
    monthly: tuple    # ("MO", "2MO", "-1MO") for the second and last Monday of a month
    monthday: str     # "14"


def tokens_for(day: date) -> DayTokens:
    code = DAY_CODES[day.weekday()]
    nth = (day.day - 1) // 7 + 1
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    from_end = (days_in_month - day.day) // 7 + 1
    return DayTokens(code, (code, f"{nth}{code}", f"-{from_end}{code}"), str(day.day))


def _parts(value: str | None) -> set[str]:
    return {part.strip() for part in (value or "").split(",") if part.strip()}


def runs_on(schedule: Schedule, day: date) -> bool:
    if schedule.valid_from and day < schedule.valid_from or schedule.valid_to and day > schedule.valid_to:
        return False
    tokens = tokens_for(day)
    if schedule.freq == "WEEKLY":
        if schedule.interval and schedule.interval > 1:
            start = schedule.dtstart or schedule.valid_from
            if start is None or ((day - start).days // 7) % schedule.interval:
                return False
        return tokens.weekday in _parts(schedule.byday)
    if schedule.freq == "MONTHLY":
        return bool(_parts(schedule.byday) & set(tokens.monthly)) or tokens.monthday in _parts(schedule.bymonthday)
    return False


def is_open(schedules, moment: datetime | None = None) -> bool:
    """True when any schedule runs today and the local time is within opens_at ≤ t < closes_at."""
    moment = moment or london_now()
    if moment.tzinfo:
        moment = moment.astimezone(LONDON)
    clock = moment.strftime("%H:%M")
    return any(runs_on(s, moment.date()) and s.opens_at and s.closes_at and s.opens_at <= clock < s.closes_at
               for s in schedules)


def _has_token(column, token: str):
    # Comma-delimited membership, so "2MO" does not match "-2MO" and "1" does not match "15".
    return (literal(",") + column + literal(",")).like(f"%,{token},%")


def _days_since(start, day: date, *, postgres: bool):
    """Whole days from the ``start`` date column to ``day`` (negative before it), in SQL."""
    if postgres:
        return cast(literal(day, Date), Date) - start
    return cast(func.julianday(day.isoformat()) - func.julianday(start), Integer)


def _in_running_week(day: date, *, postgres: bool):
    """For a schedule every ``interval`` weeks: whether ``day`` falls in one of its weeks, counted
    in whole weeks from dtstart (or valid_from) — runs_on's rule.  A multiple of 7 × interval is
    added first so the integer division is never of a negative number, where SQL truncates and
    Python floors."""
    start = func.coalesce(Schedule.dtstart, Schedule.valid_from)
    weeks = (_days_since(start, day, postgres=postgres) + 7000 * Schedule.interval) // 7
    return (weeks % Schedule.interval) == 0


def open_at_clause(moment: datetime, *, postgres: bool = False):
    """SQL condition on Schedule equivalent to runs_on(...) and the clock test, fortnightly and
    other every-N-weeks schedules included."""
    if moment.tzinfo:
        moment = moment.astimezone(LONDON)
    day, clock = moment.date(), moment.strftime("%H:%M")
    tokens = tokens_for(day)
    weekly = and_(Schedule.freq == "WEEKLY", _has_token(Schedule.byday, tokens.weekday),
                  or_(Schedule.interval.is_(None), Schedule.interval <= 1, _in_running_week(day, postgres=postgres)))
    monthly = and_(Schedule.freq == "MONTHLY",
                   or_(*[_has_token(Schedule.byday, t) for t in tokens.monthly[1:]],
                       _has_token(Schedule.bymonthday, tokens.monthday)))
    return and_(or_(weekly, monthly), Schedule.opens_at <= clock, Schedule.closes_at > clock,
                or_(Schedule.valid_from.is_(None), Schedule.valid_from <= day),
                or_(Schedule.valid_to.is_(None), Schedule.valid_to >= day))


def describe(schedule: Schedule) -> str:
    """'Mondays and Thursdays, 10:00 to 12:00' — for a link officer on a doorstep."""
    if schedule.description and not schedule.byday and not schedule.bymonthday:
        return schedule.description
    days = [part for part in (schedule.byday or "").split(",") if part]
    if schedule.freq == "MONTHLY":
        names = []
        for part in days:
            code, nth = part[-2:], part[:-2]
            ordinal = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}.get(nth, nth)
            names.append(f"the {ordinal} {DAY_NAMES.get(code, code)}")
        if schedule.bymonthday:
            names.append("day " + schedule.bymonthday.replace(",", ", "))
        when = " and ".join(names) + " of each month"
    else:
        plural = [DAY_NAMES.get(d, d) + "s" for d in days]
        when = ", ".join(plural[:-1]) + (" and " if len(plural) > 1 else "") + plural[-1] if plural else "Weekly"
        if schedule.interval and schedule.interval > 1:
            when = f"Every {schedule.interval} weeks on " + when.lower()
    hours = f", {schedule.opens_at} to {schedule.closes_at}" if schedule.opens_at else ""
    return when[0].upper() + when[1:] + hours
