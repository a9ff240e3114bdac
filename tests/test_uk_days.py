"""A referral counts on the UK day it arrived, as its page says, in every figure the outcomes are
made from: one received at 23:30 UTC on 30 June arrived at 00:30 on 1 July (app/analytics/uk_days.py,
app/analytics/dates_sql.py's uk_day_of)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import DateTime, literal, select

from app.analytics import activity_windows, referral_ledger, source
from app.analytics.dates_sql import is_postgres, uk_day_of
from app.analytics.filters import Filters
from app.analytics.uk_days import uk_days
from app.extensions import db
from app.models.base import uk_local
from tests import factories


def _uk_day_in_sql(moment: datetime) -> date:
    value = db.session.scalar(select(uk_day_of(literal(moment, DateTime()), postgres=is_postgres(db.session))))
    return value if isinstance(value, date) else date.fromisoformat(value)


def _changes_of_clock(year: int) -> list[datetime]:
    """The moments (UTC) the UK's clocks change in `year`, from Python's time zone database."""
    moments, hour = [], datetime(year, 1, 1)
    while hour.year == year:
        if uk_local(hour + timedelta(hours=1)) - uk_local(hour) != timedelta(hours=1):
            moments.append(hour + timedelta(hours=1))
        hour += timedelta(hours=1)
    return moments


def test_the_sql_uk_day_turns_at_each_change_of_the_clocks_as_zoneinfo_does(app):
    """Every year from 1996 to 2037: a microsecond, a second and a minute either side of the
    changes, and the hours around midnight either side of each."""
    for year in (1996, 2000, 2007, 2016, 2024, 2025, 2026, 2027, 2030, 2037):
        changes = _changes_of_clock(year)
        assert len(changes) == 2, year
        for change in changes:
            around = [change + timedelta(microseconds=step) for step in (-1, 0, 1)]
            around += [change + timedelta(seconds=step) for step in (-1, 1)]
            around += [change.replace(hour=0) + timedelta(minutes=step) for step in (-61, -60, -59, -1, 0, 1, 59, 60)]
            around += [change + timedelta(days=days, hours=hours) for days in (-1, 1) for hours in (21, 22, 23)]
            for moment in around:
                assert _uk_day_in_sql(moment) == uk_local(moment).date(), moment


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.datetimes(min_value=datetime(1996, 1, 1), max_value=datetime(2037, 12, 31)))
def test_the_sql_uk_day_of_any_moment_is_zoneinfos(app, moment):
    assert _uk_day_in_sql(moment) == uk_local(moment).date()


@given(st.lists(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 12, 31)), max_size=30))
def test_a_frames_moments_become_their_uk_days(moments):
    days = uk_days(pd.Series(moments, dtype="datetime64[ns]"))
    assert [day.date() for day in days] == [uk_local(moment).date() for moment in moments]
    assert all(day == day.normalize() for day in days) and days.dt.tz is None


def _received(moment: datetime, **kwargs):
    episode = factories.supported_person(referred_on=moment.date(), **kwargs)
    episode.referral.received_at = episode.opened_at = moment
    db.session.commit()
    return episode


def test_a_referral_received_just_after_midnight_in_summer_counts_on_that_uk_day(app):
    summer = _received(datetime(2026, 6, 30, 23, 30))    # 00:30 on 1 July in the UK
    winter = _received(datetime(2025, 12, 31, 23, 30))   # 23:30 on 31 December in the UK
    factories.activity(summer.person, date(2026, 6, 30), count=2)  # the day before: "before support"
    factories.activity(summer.person, date(2026, 7, 1), count=3)   # its day: "after"

    july = source.referrals(Filters(start=date(2026, 7, 1), end=date(2026, 8, 1)))
    assert list(july["person_id"]) == [str(summer.person_id)]
    assert july["referral_date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-07-01"]
    assert source.referrals(Filters(start=date(2026, 6, 1), end=date(2026, 7, 1))).empty  # not in June
    december = source.referrals(Filters(start=date(2025, 12, 31), end=date(2026, 1, 1)))
    assert list(december["person_id"]) == [str(winter.person_id)]

    ledger = referral_ledger.read(Filters())
    by_referral = dict(zip(ledger["referral_id"].astype(str), ledger["received_at"].dt.strftime("%Y-%m-%d")))
    assert by_referral == {str(summer.referral_id): "2026-07-01", str(winter.referral_id): "2025-12-31"}

    anchors = {row.person_id: row for row in db.session.execute(activity_windows.window_sums())}
    anchor = anchors[summer.person_id].anchor_day
    assert (anchor if isinstance(anchor, date) else date.fromisoformat(anchor)) == date(2026, 7, 1)
    # The engine's frame: the pre sum the day before the anchor, the post sum on it.
    sums = source.activity_in_windows(Filters(), window_months=12, anchor="referral", as_of=date(2027, 8, 1))
    gp = sums[(sums["person_id"] == str(summer.person_id)) & (sums["activity_type"] == "gp_surgery")]
    assert dict(zip(gp["date"].dt.strftime("%Y-%m-%d"), gp["count"])) == {"2026-06-30": 2, "2026-07-01": 3}
