"""The database read into the engine's frames: one row per person, filters in SQL, and the SQL
window sums giving exactly the figures the engine computes from every activity row."""
from __future__ import annotations

from datetime import date

import pytest

import outcomes
from app.analytics import source
from app.analytics.filters import Filters
from app.analytics.report import outcomes_report
from tests import factories


@pytest.fixture
def month_ends(app):
    """Anchors on month ends, where calendar-month windows clip (31 Jan + 1 month = 29 Feb 2024)."""
    north, south = factories.locality("North"), factories.locality("South")
    p1, p2 = factories.practice("M81001", locality_=north), factories.practice("M82002", locality_=south)
    people = [
        factories.supported_person(p1, referred_on=date(2024, 1, 31), needs=("housing", "debt"), born=date(1990, 2, 1)),
        factories.supported_person(p1, referred_on=date(2024, 3, 31), born=date(1944, 3, 31)),
        factories.supported_person(p2, referred_on=date(2023, 8, 31), born=date(1960, 9, 1),
                                   discharged_on=date(2024, 2, 29)),
        factories.supported_person(p2, referred_on=date(2024, 2, 29), born=date(1970, 1, 1)),
    ]
    days = [date(2023, 1, 30), date(2023, 1, 31), date(2023, 2, 28), date(2023, 3, 1), date(2023, 8, 30),
            date(2023, 8, 31), date(2023, 9, 30), date(2024, 1, 30), date(2024, 1, 31), date(2024, 2, 28),
            date(2024, 2, 29), date(2024, 3, 1), date(2024, 3, 30), date(2024, 3, 31), date(2024, 8, 31),
            date(2024, 12, 31), date(2025, 1, 30), date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 1),
            date(2025, 3, 30), date(2025, 3, 31)]
    for i, episode in enumerate(people):
        for j, day in enumerate(days):
            factories.activity(episode.person, day, ("gp_surgery", "gp_home_visit", "ae_attendance")[(i + j) % 3],
                               count=1 + (i * j) % 4)
    return people


def test_referrals_frame_has_one_row_per_person_with_age_band_and_first_need(month_ends):
    frame = source.referrals()
    assert list(frame["person_id"]) == [str(e.person_id) for e in month_ends]
    assert list(frame["age_band"]) == ["18–34", "80+", "50–64", "50–64"]  # 33, 80 on the day, 63, 54
    assert frame.loc[0, "primary_need"] == "housing"  # ticked first
    assert list(frame["locality"]) == ["North", "North", "South", "South"]
    assert frame["referral_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-31", "2024-03-31", "2023-08-31",
                                                                      "2024-02-29"]


def test_only_each_persons_first_episode_counts(month_ends):
    from app.extensions import db
    from app.models import Episode

    first = month_ends[0]
    later = factories.referral(first.referral.practice, status="in_support", nhs=first.person.nhs_number)
    db.session.add(Episode(person=first.person, referral=later))
    db.session.commit()
    frame = source.referrals()
    assert len(frame) == 4 and frame.loc[0, "referral_date"] == __import__("pandas").Timestamp("2024-01-31")


def test_filters_apply_in_sql(month_ends):
    assert len(source.referrals(Filters(locality="North"))) == 2
    assert len(source.referrals(Filters(practice="M82002"))) == 2
    assert len(source.referrals(Filters(start=date(2024, 1, 1), end=date(2024, 3, 1)))) == 2
    assert len(source.referrals(Filters(locality="North", practice="M82002"))) == 0


@pytest.mark.parametrize("months,anchor", [(12, "referral"), (1, "referral"), (6, "discharge"), (13, "referral")])
def test_sql_window_sums_give_the_engines_figures_exactly(month_ends, months, anchor):
    from_rows = outcomes_report(window_months=months, anchor=anchor, windowed=False)
    from_sql = outcomes_report(window_months=months, anchor=anchor, windowed=True,
                               as_of=source.latest_activity_date())
    ignore = {"activity_rows_unmatched", "caveats"}
    assert {k: v for k, v in from_sql.items() if k not in ignore} == \
        {k: v for k, v in from_rows.items() if k not in ignore}
    assert from_rows["people"]["included"] >= 1


def test_windowed_activity_is_at_most_two_rows_per_person_and_type(month_ends):
    frame = source.activity_in_windows(Filters(), window_months=12, anchor="referral", as_of=date(2025, 3, 31))
    assert frame.groupby(["person_id", "activity_type"]).size().max() <= 2
    # 31 Jan 2024's windows: 31 Jan 2023 .. 30 Jan 2024 and 31 Jan 2024 .. 30 Jan 2025.
    first = frame[frame["person_id"] == str(month_ends[0].person_id)]
    assert set(first["date"].dt.strftime("%Y-%m-%d")) == {"2024-01-30", "2024-01-31"}


def test_frames_carry_no_identifiers(month_ends):
    frame = source.referrals()
    nhs = {e.person.nhs_number for e in month_ends}
    assert not nhs & set(frame.astype(str).to_numpy().ravel())
    assert "date_of_birth" not in frame.columns


def test_engine_is_imported_without_flask():
    import subprocess
    import sys

    code = "import outcomes, sys; assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
    assert outcomes.compute_report
