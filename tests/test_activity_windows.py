"""The kept per-person window sums: built once, then brought up to date for exactly the people
whose activity or anchor changed — and always equal to summing every activity row."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.analytics import activity_windows
from app.analytics.report import outcomes_report
from app.extensions import db
from app.models import Episode, activity_window
from app.services.activity_import import import_extract
from tests import factories


def _sums() -> dict[int, tuple]:
    """person id -> (anchor day, pre gp_surgery, post gp_surgery, pre ae_attendance, post ae_attendance)."""
    c = activity_window.c
    rows = db.session.execute(select(c.person_id, c.anchor_day, c.pre_gp_surgery, c.post_gp_surgery,
                                     c.pre_ae_attendance, c.post_ae_attendance)).all()
    return {r[0]: (str(r[1])[:10], *r[2:]) for r in rows}


@pytest.fixture
def two(app):
    """Referred 15 May 2024 and 31 Jan 2024; windows 15 May 2023 – 14 May 2025 and 31 Jan 2023 – 30 Jan 2025."""
    a = factories.supported_person(referred_on=date(2024, 5, 15))
    b = factories.supported_person(referred_on=date(2024, 1, 31))
    factories.activity(a.person, date(2023, 5, 14), count=9)          # a day before a's pre window: not counted
    factories.activity(a.person, date(2023, 5, 15), count=2)          # first day of pre
    factories.activity(a.person, date(2024, 5, 14), "ae_attendance")  # last day of pre
    factories.activity(a.person, date(2024, 5, 15), count=3)          # anchor day: post
    factories.activity(b.person, date(2025, 1, 30), count=4)          # last day of b's post window
    factories.activity(b.person, date(2025, 1, 31), count=7)          # the day after: not counted
    return a, b


def test_first_refresh_builds_every_persons_sums_by_hand(two):
    a, b = two
    assert activity_windows.refresh() is None  # the whole table
    assert _sums() == {a.person_id: ("2024-05-15", 2, 3, 1, 0), b.person_id: ("2024-01-31", 0, 4, 0, 0)}
    assert activity_windows.refresh() == 0  # nothing changed since


def test_added_activity_recomputes_only_that_person(two):
    a, b = two
    activity_windows.refresh()
    factories.activity(b.person, date(2023, 6, 1), count=5)
    assert activity_windows.refresh() == 1
    assert _sums()[b.person_id] == ("2024-01-31", 5, 4, 0, 0)
    assert _sums()[a.person_id] == ("2024-05-15", 2, 3, 1, 0)


def test_an_import_that_replaces_a_count_updates_the_sums(two):
    a, _ = two
    activity_windows.refresh()
    extract = f"person_id,date,activity_type,count\n{a.person.nhs_number},2024-05-15,gp_surgery,8\n".encode()
    outcome = import_extract(by=None, content=extract)
    assert (outcome.inserted, outcome.updated) == (0, 1)
    # The import brings the sums up to date itself; a later refresh finds nothing to do.
    assert _sums()[a.person_id] == ("2024-05-15", 2, 8, 1, 0)
    assert activity_windows.refresh() == 0


def test_a_newly_supported_person_gets_a_row_and_an_earlier_episode_moves_the_anchor(two):
    a, _ = two
    activity_windows.refresh()
    c = factories.supported_person(referred_on=date(2024, 2, 1))
    assert activity_windows.refresh() == 1
    assert _sums()[c.person_id] == ("2024-02-01", 0, 0, 0, 0)
    earlier = factories.referral(a.referral.practice, status="in_support", nhs=a.person.nhs_number)
    earlier.received_at = datetime(2023, 6, 1, 9)
    db.session.add(Episode(person=a.person, referral=earlier, opened_at=datetime(2023, 6, 1, 9)))
    db.session.commit()
    activity_windows.refresh()
    # Windows now 1 Jun 2022 – 31 May 2023 (pre: 14 and 15 May 2023, 9 + 2) and 1 Jun 2023 – 31 May 2024
    # (post: the A&E on 14 May 2024 and 3 on 15 May 2024).
    assert _sums()[a.person_id] == ("2023-06-01", 11, 3, 0, 1)


def test_rebuild_and_incremental_refresh_agree(two):
    a, b = two
    activity_windows.refresh()
    factories.activity(a.person, date(2024, 9, 1), "ae_attendance", count=2)
    activity_windows.refresh()
    incremental = _sums()
    activity_windows.refresh(rebuild=True)
    assert _sums() == incremental


def test_dashboard_figures_from_the_kept_sums_equal_the_engine_on_every_row(two):
    a, _ = two
    activity_windows.refresh()
    factories.activity(a.person, date(2024, 12, 1), count=2)  # after the refresh: must still be counted
    as_of = date(2025, 6, 30)
    kept = outcomes_report(windowed=True, as_of=as_of)
    every_row = outcomes_report(windowed=False, as_of=as_of)
    assert kept["by_activity"] == every_row["by_activity"]
    assert kept["by_activity"]["gp_surgery"]["post"] == 3 + 2 + 4
    assert kept["people"] == every_row["people"]


def test_warm_dashboard_rebuild_recomputes_the_sums_and_caches_every_one_click_view(two, runner):
    from sqlalchemy import func

    from app.models import DashboardCache, Locality, Practice

    a, b = two
    activity_windows.refresh()
    db.session.execute(activity_window.update().values(pre_gp_surgery=99))  # a hand edit the ids cannot see
    db.session.commit()
    assert activity_windows.refresh() == 0 and _sums()[a.person_id][1] == 99
    result = runner.invoke(args=["outcomes", "warm-dashboard", "--rebuild"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt the activity window sums" in result.output
    assert _sums()[a.person_id] == ("2024-05-15", 2, 3, 1, 0)
    places = db.session.scalar(select(func.count(Locality.id))) + db.session.scalar(select(func.count(Practice.id)))
    views = 2 * (1 + places)  # everything, each locality and practice; all time and this financial year
    assert f"for {views} views" in result.output
    assert db.session.scalar(select(func.count(DashboardCache.key))) == views


def test_deleted_activity_rebuilds_the_whole_table(two):
    a, b = two
    activity_windows.refresh()
    added = factories.activity(b.person, date(2024, 6, 1), count=5)
    activity_windows.refresh()
    assert _sums()[b.person_id] == ("2024-01-31", 0, 9, 0, 0)
    db.session.delete(added)  # the newest row: the highest activity id goes down
    db.session.commit()
    assert activity_windows.refresh() is None  # the whole table
    assert _sums() == {a.person_id: ("2024-05-15", 2, 3, 1, 0), b.person_id: ("2024-01-31", 0, 4, 0, 0)}
