"""The demo's days fall in the working week: practices meet, refer and officers visit Monday to Friday."""
from __future__ import annotations

from datetime import date, timedelta


def working_day(day: date, earliest: date, latest: date) -> date:
    """`day` if a weekday; a Saturday moves to the Friday before and a Sunday to the Monday after,
    or the other of the two where that one is outside `earliest`..`latest` (if both are, the day
    stays). Moving a day draws nothing from the demo's generators."""
    if day.weekday() < 5:
        return day
    friday, monday = day - timedelta(days=day.weekday() - 4), day + timedelta(days=7 - day.weekday())
    for moved in ((friday, monday) if day.weekday() == 5 else (monday, friday)):
        if earliest <= moved <= latest:
            return moved
    return day
