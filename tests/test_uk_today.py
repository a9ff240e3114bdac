"""The app's "today" is the UK's day (`uk_today`, app/models/base.py): from midnight to 1am in
British Summer Time the UTC day is still yesterday, so a date an officer types for today must not be
"in the future", forms must offer the UK's date, and the caseload's flags must count UK days.

Each test sets the clock `uk_today` reads (`base.utcnow`); the rest of the app keeps the real one."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.extensions import db
from app.models import OnwardReferral, base
from app.models.base import uk_today
from app.security import Role
from app.services import contacts, discharge, gp_summary, person_declined, risks
from app.services.directory_demand import demand_between
from app.services.errors import RuleBroken
from tests import factories

# 00:30 on 1 July in the UK (BST, an hour on), still 30 June in UTC.
SUMMER_NIGHT = datetime(2026, 6, 30, 23, 30)


@pytest.fixture
def clock(monkeypatch):
    """Set the UTC clock `uk_today` reads."""
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(base, "utcnow", lambda: moment)
    return set_to


@pytest.mark.parametrize(("utc", "uk_day"), [
    (datetime(2026, 6, 30, 22, 59), date(2026, 6, 30)),   # 23:59 BST
    (datetime(2026, 6, 30, 23, 0), date(2026, 7, 1)),     # midnight BST
    (datetime(2026, 12, 30, 23, 30), date(2026, 12, 30)),  # winter: UK time is UTC
    (datetime(2026, 3, 28, 23, 30), date(2026, 3, 28)),   # the night before the clocks go forward
    (datetime(2026, 3, 29, 23, 30), date(2026, 3, 30)),   # the night after
    (datetime(2026, 10, 24, 23, 30), date(2026, 10, 25)),  # the night before they go back
    (datetime(2026, 10, 25, 23, 30), date(2026, 10, 25)),  # the night after
])
def test_today_is_the_uk_day(clock, utc, uk_day):
    clock(utc)
    assert uk_today() == uk_day


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_today_is_the_utc_day_in_winter_and_an_hour_on_in_summer(moment):
    with mock.patch.object(base, "utcnow", lambda: moment):
        today = uk_today()
    if moment.month in (11, 12, 1, 2):
        assert today == moment.date()
    elif 5 <= moment.month <= 9:
        assert today == (moment + timedelta(hours=1)).date()


@pytest.fixture
def officer(app):
    return factories.user(role=Role.LINK_OFFICER)


def test_a_new_contact_form_offers_the_uk_date(client, sign_in, officer, clock):
    episode = factories.episode(officer, seen=True)
    clock(SUMMER_NIGHT)
    sign_in.as_user(officer)
    html = client.get(f"/people/{episode.person_id}/contacts/new").get_data(as_text=True)
    parts = {part: re.search(rf'name="contact_on-{part}"[^>]*value="(\d+)"', html).group(1)
             for part in ("day", "month", "year")}
    assert parts == {"day": "1", "month": "7", "year": "2026"}


def test_a_contact_held_on_the_uk_day_is_not_in_the_future(app, officer, clock):
    episode = factories.episode(officer, seen=True)
    clock(SUMMER_NIGHT)
    held = contacts.record(by=officer, episode=episode, kind="phone", status="held", on=date(2026, 7, 1),
                           duration_minutes=10)
    assert held.contact_on == date(2026, 7, 1)
    with pytest.raises(RuleBroken, match="cannot be in the future"):
        contacts.record(by=officer, episode=episode, kind="phone", status="held", on=date(2026, 7, 2),
                        duration_minutes=10)
    with pytest.raises(RuleBroken, match="must be today or later"):
        contacts.record(by=officer, episode=episode, kind="phone", status="planned", on=date(2026, 6, 30))


def test_support_begins_on_the_uk_day_it_was_opened(app, officer, clock):
    """Opened at 23:30 UTC on 30 June, 00:30 on 1 July in the UK: support cannot end on 30 June."""
    episode = factories.episode(officer, seen=True)
    episode.opened_at = episode.allocated_at = SUMMER_NIGHT
    db.session.commit()
    clock(datetime(2026, 7, 2, 9, 0))
    with pytest.raises(RuleBroken, match="cannot be before support began"):
        discharge.discharge(by=officer, episode=episode, reason="goals_met", summary="Linked to a lunch club.",
                            on=date(2026, 6, 30), version=episode.version)
    discharge.discharge(by=officer, episode=episode, reason="goals_met", summary="Linked to a lunch club.",
                        on=date(2026, 7, 1), version=episode.version)
    assert episode.discharged_on == date(2026, 7, 1)


def test_the_first_contact_flag_counts_uk_days(client, sign_in, officer, clock):
    """On Wednesday 8 July 2026 an allocation is flagged after more than five working days: on or
    before Tuesday 30 June. Allocated at 23:30 UTC on 30 June is 1 July in the UK, so not yet
    flagged; at 22:30 UTC (23:30 in the UK) it is. The card and the caseload's count agree."""
    late = factories.episode(officer, referral_=factories.referral(given_name="Late", family_name="Night"), seen=True)
    early = factories.episode(officer, referral_=factories.referral(given_name="Early", family_name="Evening"),
                              seen=True)
    late.allocated_at = late.opened_at = SUMMER_NIGHT
    early.allocated_at = early.opened_at = SUMMER_NIGHT - timedelta(hours=1)
    db.session.commit()
    clock(datetime(2026, 7, 8, 10, 0))
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    late_card = html.split("Late Night")[1].split("</li>")[0]
    early_card = html.split("Early Evening")[1].split("</li>")[0]
    assert "First contact not made" not in late_card and "Waiting 7 days" in late_card
    assert "First contact not made" in early_card and "Waiting 8 days" in early_card
    assert "1 overdue for contact" in html


def test_directory_demand_counts_a_suggestion_on_the_uk_day_it_was_recorded(app, officer):
    """A suggestion not yet made counts on the day it was recorded: 23:30 UTC on 30 June is July."""
    episode = factories.episode(officer, seen=True)
    service = factories.directory_service("Lunch club", organisation="Dudley Lunch Club")
    db.session.add(OnwardReferral(episode=episode, service_id=service.id, organisation_name="Dudley Lunch Club",
                                  service_name="Lunch club", sector="voluntary", kind="linkage", status="suggested",
                                  made_on=None, created_at=SUMMER_NIGHT))
    db.session.commit()
    assert demand_between(date(2026, 7, 1), date(2026, 7, 31)).total == 1
    assert demand_between(date(2026, 6, 1), date(2026, 6, 30)).total == 0


def test_the_gp_summary_dates_a_no_known_risks_statement_by_its_uk_day(app, officer):
    """Recorded at 23:30 UTC on 30 June: 1 July in the UK, as the record's page says."""
    episode = factories.episode(officer, seen=True)
    statement = risks.no_known_risks(by=officer, person=episode.person, note="Asked at the first visit")
    statement.recorded_at = SUMMER_NIGHT
    db.session.commit()
    lines = [line for section in gp_summary.for_referral(episode.referral).sections for line in section.lines]
    assert "No known risks (recorded 1 July 2026)" in lines


def test_a_person_cannot_decline_before_the_uk_day_their_referral_arrived(app, clock):
    referral = factories.referral()
    referral.received_at = SUMMER_NIGHT
    db.session.commit()
    clock(datetime(2026, 7, 2, 9, 0))
    manager = factories.user(Role.MANAGER)
    with pytest.raises(RuleBroken, match=r"before the referral arrived \(1 July 2026\)"):
        person_declined.record(by=manager, referral=referral, version=referral.version, on=date(2026, 6, 30),
                               reason="Does not want support just now")
    person_declined.record(by=manager, referral=referral, version=referral.version, on=date(2026, 7, 1),
                           reason="Does not want support just now")
    assert referral.person_declined_on == date(2026, 7, 1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_day_in_a_message_is_written_as_pages_write_it(day):
    """`long_date`: "4 December 2026", never "04 December 2026"; a stored moment is read on the
    UK's calendar."""
    assert base.long_date(day) == f"{day.day} {day:%B} {day.year}"
    assert not base.long_date(day).startswith("0")


def test_a_stored_moment_in_a_message_is_its_uk_day():
    assert base.long_date(SUMMER_NIGHT) == "1 July 2026"
    assert base.long_date(datetime(2026, 12, 4, 23, 30)) == "4 December 2026"


def test_the_services_messages_and_notes_write_days_without_a_leading_zero(app, officer, clock):
    """A risk recorded at 00:30 BST on 1 July is "since 1 July 2026" (not the UTC day, not "01"),
    and a first contact on 4 July is noted "First contact on 4 July 2026"."""
    episode = factories.episode(officer)
    dog = risks.record(by=officer, person=episode.person, risk="dog")
    dog.recorded_at = SUMMER_NIGHT  # as stored: UTC, 30 June
    db.session.commit()
    with pytest.raises(RuleBroken, match=r"already recorded \(since 1 July 2026\)"):
        risks.record(by=officer, person=episode.person, risk="dog")
    clock(datetime(2026, 7, 4, 12, 0))
    contacts.record(by=officer, episode=episode, kind="phone", status="held", on=date(2026, 7, 4), duration_minutes=5)
    notes = [event.note for event in episode.referral.events]
    assert "First contact on 4 July 2026" in notes
