"""The caseload's two flags, as rules computed once per request.

- "No contact for N days": first contact has been made and the last held contact (or the first
  contact) is more than NO_CONTACT_FLAG_DAYS days ago.
- "First contact not made": no first contact and more than FIRST_CONTACT_WORKING_DAYS working days
  (Monday to Friday, not bank holidays in BANK_HOLIDAY_REGION) have passed since allocation.

Both reduce to comparing a date with a cut-off worked out once (`FlagRules`), so the database can
count flagged people for a whole caseload in one query and each row's flags are two comparisons.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from app.models.base import uk_today


@lru_cache(maxsize=32)
def bank_holidays(region: str, year: int) -> frozenset[date]:
    """Bank holidays of one UK nation ("ENG", "WLS", "SCT" or "NIR") in a year, from the
    ``holidays`` package (substitute days included)."""
    return frozenset(holidays.country_holidays("GB", subdiv=region, years=year))


def working_days_between(start: date, end: date, region: str = "ENG") -> int:
    """Working days after `start` up to and including `end`: weekdays that are not bank holidays."""
    if end <= start:
        return 0
    whole_weeks, extra = divmod((end - start).days, 7)
    days = whole_weeks * 5
    for offset in range(1, extra + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            days += 1
    off = {day for year in range(start.year, end.year + 1) for day in bank_holidays(region, year)}
    return days - sum(1 for day in off if start < day <= end and day.weekday() < 5)


@lru_cache(maxsize=64)
def latest_flagged_allocation(today: date, limit: int, region: str) -> date:
    """The latest allocation day still waiting for first contact that is flagged today: the last
    day `d` with more than `limit` working days after it up to `today`. Earlier days have at least
    as many (the count only grows going back), so "flagged" is "allocated on or before `d`"."""
    day = today - timedelta(days=1)
    while working_days_between(day, today, region) <= limit:
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class FlagRules:
    today: date
    no_contact_days: int
    first_contact_by: date  # allocated on or before this day with no first contact: flagged

    @classmethod
    def from_config(cls, config, today: date | None = None) -> FlagRules:
        today = today or uk_today()
        return cls(today=today, no_contact_days=config["NO_CONTACT_FLAG_DAYS"],
                   first_contact_by=latest_flagged_allocation(today, config["FIRST_CONTACT_WORKING_DAYS"],
                                                              config["BANK_HOLIDAY_REGION"]))

    @property
    def last_contact_before(self) -> date:
        """A last contact before this day is more than `no_contact_days` ago."""
        return self.today - timedelta(days=self.no_contact_days)

    def no_contact(self, last_contact: date | None) -> bool:
        return last_contact is not None and last_contact < self.last_contact_before

    def first_contact(self, first_contact_on: date | None, allocated_on: date) -> bool:
        return first_contact_on is None and allocated_on <= self.first_contact_by
