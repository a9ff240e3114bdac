"""Stored moments (UTC) as days on the UK's calendar, for the outcomes frames: a referral received
at 23:30 UTC on 30 June arrived on 1 July in the UK, as its page says, and the dashboard counts it
in July (and in the financial year that starts on 1 April, not the one before). SQL's version is
app/analytics/dates_sql.py's ``uk_day_of``; a filter's day starts at app.models.base's
``utc_of_uk(day)``."""
from __future__ import annotations

import pandas as pd


def uk_days(moments: pd.Series) -> pd.Series:
    """Each timezone-naive UTC moment as the start of its UK day (timezone-naive datetime64)."""
    moments = pd.to_datetime(moments, format="ISO8601")
    return moments.dt.tz_localize("UTC").dt.tz_convert("Europe/London").dt.tz_localize(None).dt.normalize()
