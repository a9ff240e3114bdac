"""The dashboard's filters — period, locality, practice — parsed from and written back to the URL."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.validators import FIRST_YEAR, LAST_YEAR


@dataclass(frozen=True)
class Filters:
    """Which referrals the figures cover: received in [start, end), at practices in a locality
    (by name) or one practice (by ODS code).  None means no restriction."""

    start: date | None = None
    end: date | None = None
    locality: str | None = None
    practice: str | None = None
    period: str = "all"

    def key(self) -> str:
        """A stable text key for caching."""
        return f"{self.start}|{self.end}|{self.locality}|{self.practice}"

    def query_args(self) -> dict[str, str]:
        """The URL query that reproduces these filters (only what is not the default)."""
        args = {}
        if self.period != "all":
            args["period"] = self.period
        if self.locality:
            args["locality"] = self.locality
        if self.practice:
            args["practice"] = self.practice
        return args

    def describe(self, practice_names: dict[str, str] | None = None) -> str:
        """Plain English: "All referrals · Stourbridge · 2024/25"."""
        parts = [period_label(self.period)]
        if self.locality:
            parts.append(self.locality)
        if self.practice:
            name = (practice_names or {}).get(self.practice)
            parts.append(f"{name} ({self.practice})" if name else self.practice)
        return " · ".join(parts)


def financial_year(value: str) -> tuple[date, date] | None:
    """"2024-25" -> (1 April 2024, 1 April 2025); None if not that shape, or a year no referral
    could have (so "9999-00" or "0000-01" is simply not a period, never a date error)."""
    first, _, second = (value or "").partition("-")
    if not (len(first) == 4 and len(second) == 2 and (first + second).isascii() and (first + second).isdigit()):
        return None
    year = int(first)
    if not FIRST_YEAR <= year < LAST_YEAR or int(second) != (year + 1) % 100:
        return None
    return date(year, 4, 1), date(year + 1, 4, 1)


def period_label(period: str) -> str:
    if period == "all":
        return "All referrals"
    span = financial_year(period)
    return f"Financial year {span[0].year}/{str(span[1].year)[2:]}" if span else "All referrals"


def period_choices(today: date, earliest: date | None, chosen: str = "all") -> list[tuple[str, str]]:
    """All time, then each financial year from the latest back to the earliest referral, and the
    chosen year wherever it falls outside those (a shared link to a year with no referrals yet, or
    none any more): the list always shows the period the figures are for."""
    years = set()
    if earliest is not None:
        latest = today.year if today.month >= 4 else today.year - 1
        first = earliest.year if earliest.month >= 4 else earliest.year - 1
        years = set(range(first, latest + 1))
    span = financial_year(chosen)
    if span:
        years.add(span[0].year)
    values = [f"{y}-{(y + 1) % 100:02d}" for y in sorted(years, reverse=True)]
    return [("all", "All referrals")] + [(value, period_label(value)) for value in values]


def parse(args, *, localities: list[str], practices: list[str]) -> Filters:
    """Filters from request args; unknown values are ignored (the page shows what was applied)."""
    period = args.get("period", "all")
    span = financial_year(period) if period != "all" else None
    if span is None:
        period = "all"
    locality = args.get("locality") or None
    if locality not in localities:
        locality = None
    practice = (args.get("practice") or "").upper() or None
    if practice not in practices:
        practice = None
    start, end = span if span else (None, None)
    return Filters(start=start, end=end, locality=locality, practice=practice, period=period)
