"""Stored moments are UTC; pages show them on the UK's clock and calendar (`date` filter,
app/templating.py; `uk_local`, app/models/base.py): the same as UTC in winter, an hour on in
British Summer Time, changing at 01:00 UTC on the last Sunday of March and of October."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models.base import uk_local, utc_of_uk
from app.models.dashboard_cache import DashboardCache
from app.security import Role
from app.templating import format_date, format_iso
from tests import factories
from tests.test_dashboard import service, text_of  # noqa: F401  (service is a fixture)


@pytest.mark.parametrize(("stored", "time", "long", "short"), [
    # Winter: UK time is UTC.
    (datetime(2026, 12, 7, 9, 5), "7 December 2026 at 09:05", "7 December 2026", "07/12/2026"),
    # Summer: an hour on, so a late evening in UTC is the next day in the UK.
    (datetime(2026, 7, 1, 13, 5), "1 July 2026 at 14:05", "1 July 2026", "01/07/2026"),
    (datetime(2026, 6, 30, 23, 30), "1 July 2026 at 00:30", "1 July 2026", "01/07/2026"),
    # The clocks go forward at 01:00 UTC on 29 March 2026 and back at 01:00 UTC on 25 October 2026.
    (datetime(2026, 3, 29, 0, 59), "29 March 2026 at 00:59", "29 March 2026", "29/03/2026"),
    (datetime(2026, 3, 29, 1, 0), "29 March 2026 at 02:00", "29 March 2026", "29/03/2026"),
    (datetime(2026, 10, 25, 0, 59), "25 October 2026 at 01:59", "25 October 2026", "25/10/2026"),
    (datetime(2026, 10, 25, 1, 0), "25 October 2026 at 01:00", "25 October 2026", "25/10/2026"),
])
def test_a_stored_moment_is_shown_in_uk_time(stored, time, long, short):
    assert format_date(stored, "time") == time
    assert format_date(stored) == long
    assert format_date(stored, "short") == short


def test_a_date_is_shown_as_it_is_and_nothing_as_nothing():
    assert format_date(date(2026, 6, 30)) == "30 June 2026"
    assert format_date(date(2026, 6, 30), "time") == "30 June 2026"  # a day has no time to show
    assert format_date(None) == "" and format_date(None, "time") == ""


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_uk_time_is_utc_in_winter_and_an_hour_on_in_summer(moment):
    """Between November and February the UK keeps GMT; between May and September, BST."""
    if moment.month in (11, 12, 1, 2):
        assert uk_local(moment) == moment
    elif 5 <= moment.month <= 9:
        assert uk_local(moment) == moment + timedelta(hours=1)
        shown = moment + timedelta(hours=1)
        assert format_date(moment, "time") == f"{shown.day} {shown:%B %Y} at {shown:%H:%M}"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)).filter(lambda day: day.month not in (3, 10)),
       st.times())
def test_a_uk_clock_time_stored_and_shown_again_is_the_same(day, clock):
    """utc_of_uk and uk_local undo each other (away from the two nights the clocks change, when
    an hour is missing or comes twice)."""
    stored = utc_of_uk(day, clock)
    assert uk_local(stored) == datetime.combine(day, clock)
    assert stored == datetime.combine(day, clock) - (timedelta(hours=1) if 4 <= day.month <= 9 else timedelta(0))


def test_a_referrals_history_shows_a_summer_event_in_uk_time(app, client, sign_in):
    practice = factories.practice()
    referral = factories.referral(practice, given_name="Marigold")
    referral.events[0].at = datetime(2026, 7, 1, 13, 5)
    db.session.commit()
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "1 July 2026 at 14:05" in page
    assert "at 13:05" not in page


def test_iso_text_is_shown_as_a_date_or_a_uk_time_and_anything_else_as_it_is():
    assert format_iso("2026-12-07") == "7 December 2026"
    assert format_iso("2026-07-01T13:05:00", "time") == "1 July 2026 at 14:05"
    assert format_iso("2026-06-30T23:30:00") == "1 July 2026"
    assert format_iso("not a date") == "not a date"
    assert format_iso(None) == "" and format_iso("") == ""


def test_the_dashboard_says_in_words_and_uk_time_when_its_figures_were_calculated(app, client, sign_in, service):
    sign_in.as_role(Role.COMMISSIONER)
    client.get("/dashboard/")  # calculated and kept
    row = db.session.scalars(select(DashboardCache)).one()
    figures = json.loads(row.figures)
    figures["computed_at"], figures["as_of"] = "2026-07-01T13:05:00", "2026-06-30"
    row.figures = json.dumps(figures)
    db.session.commit()
    page = text_of(client.get("/dashboard/"))
    assert "Activity data up to 30 June 2026 · figures calculated 1 July 2026 at 14:05" in page
    assert "UTC" not in page
    report = text_of(client.get("/dashboard/report"))
    assert "Activity data to 30 June 2026" in report and "produced 1 July 2026" in report
