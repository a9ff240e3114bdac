"""The demo data set: reproducible, synthetic, and loading it twice changes nothing."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.extensions import db
from app.models import (Contact, Episode, HomeVisit, Locality, Need, OnwardReferral, PeerSupport, Practice, Referral,
                        ReferralEvent, User, WellbeingMeasure)
from app.models.base import uk_local, uk_today, utcnow
from seed.identities import STREET_ENDINGS, street_address
from seed.safeguarding import CONCERNS
from tests.conftest import demo_loaded_once

pytestmark = pytest.mark.usefixtures("landing_view_only")  # tests/conftest.py


def _counts():
    """Rows of the organisation, the referrals and the support the demo gives them."""
    return {model.__name__: db.session.scalar(select(func.count(model.id)))
            for model in (Locality, Practice, User, Referral, Episode, Need, Contact, HomeVisit, OnwardReferral,
                          PeerSupport, WellbeingMeasure)}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def loaded(request, tmp_path_factory, sqlite_template):
    """One load of 80 people per engine for the tests that only read what it made."""
    yield from demo_loaded_once(request.param, tmp_path_factory, sqlite_template, "--people", "80", "--seed", "3")


def test_demo_load_builds_the_organisation_and_referrals_in_every_status(loaded):
    output = loaded.config["DEMO_LOAD_OUTPUT"]
    assert "hearthlink-demo" in output and "manager@hearthlink.example" in output
    counts = _counts()
    assert (counts["Locality"], counts["Practice"]) == (3, 12)
    roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert roles == {"admin": 1, "manager": 1, "commissioner": 1, "link_officer": 6, "gp_practice": 12}
    statuses = {status for (status,) in db.session.execute(select(Referral.status).distinct())}
    assert {"received", "declined", "allocated"} <= statuses
    practices_used = db.session.scalar(select(func.count(func.distinct(Referral.practice_id))))
    assert practices_used == 12


def test_demo_nhs_numbers_are_valid_and_from_the_test_range(loaded):
    from nhs_number import is_valid

    numbers = db.session.scalars(select(Referral.nhs_number)).all()
    assert len(numbers) == 80 and len(set(numbers)) == 80
    assert all(n.startswith("999") and is_valid(n) for n in numbers)


BRITISH_FIRST_LINE = re.compile(r"[1-9][0-9]{0,2} [A-Z][A-Za-z' -]* (" + "|".join(STREET_ENDINGS) + ")")


def test_demo_addresses_read_as_british_streets(loaded):
    """No "049 Hughes spurs" or "0 Zoe loaf": a house number from 1, a name and a British ending."""
    first_lines = [address.split("\n")[0] for address in db.session.scalars(select(Referral.address))]
    assert len(first_lines) == 80
    assert [line for line in first_lines if not BRITISH_FIRST_LINE.fullmatch(line)] == []


@given(seed=st.integers(0, 10_000))
def test_a_street_address_takes_fakers_two_draws_and_reads_as_british(seed):
    """The same two draws as before (so the rest of a seeded demo is unchanged): the name Faker
    draws next is the one it would have drawn after a number and a street name."""
    from faker import Faker

    ours, theirs = Faker("en_GB"), Faker("en_GB")
    ours.seed_instance(seed)
    theirs.seed_instance(seed)
    line = street_address(ours)
    number, street = theirs.building_number(), theirs.street_name()
    assert BRITISH_FIRST_LINE.fullmatch(line), line
    assert line.startswith(f"{max(int(number), 1)} {street.rsplit(' ', 1)[0]} ")
    assert ours.first_name() == theirs.first_name()


def test_demo_safeguarding_concerns_fall_within_support_and_a_few_recent_ones_are_open(loaded):
    """About 1 in 20 people whose support began had a concern raised during it; two or three, raised
    in the last three weeks by people still in support, are open; the rest were closed 3 to 20 days
    after they were raised, never after the support ended or today."""
    from app.models.risk import SafeguardingConcern

    today = uk_today()
    concerns = db.session.scalars(select(SafeguardingConcern)).all()
    begun = db.session.scalar(select(func.count(Episode.id)).where(Episode.first_contact_on.is_not(None)))
    assert len(concerns) == max(3, round(begun / 20))
    open_ = [c for c in concerns if c.is_open]
    assert 2 <= len(open_) <= 3
    # none told twice while another is untold
    assert len({c.concern for c in concerns}) == min(len(concerns), len(CONCERNS))
    assert "safeguarding concerns: " in loaded.config["DEMO_LOAD_OUTPUT"].lower()
    for concern in concerns:
        episode = db.session.scalar(select(Episode).where(Episode.person_id == concern.person_id)
                                    .order_by(Episode.opened_at.desc()).limit(1))
        assert episode.first_contact_on <= concern.raised_on <= today
        assert concern.raised_by_id == episode.officer_id
        if concern.is_open:
            assert episode.discharged_on is None and (today - concern.raised_on).days <= 21
        else:
            assert 0 <= (concern.closed_on - concern.raised_on).days <= 20
            assert concern.closed_on <= min(episode.discharged_on or today, today) and concern.outcome


def test_demo_no_known_risks_were_recorded_at_first_contact_for_people_without_risks(loaded):
    """The record's first section reads "No known risks (recorded <first contact>)" for most people in
    support with no risk in force, as a service that asks at the first visit, and for everyone
    discharged without one (by the end of support every officer has asked): each statement by the
    person's officer, on the UK day of the first contact, never after the load; none beside a risk.
    A discharged person's record had read "Risks not yet assessed"."""
    from app.models.risk import NoKnownRisks, PersonRisk

    statements = {statement.person_id: statement for statement in db.session.scalars(select(NoKnownRisks))}
    assert "no known risks recorded at first contact for" in loaded.config["DEMO_LOAD_OUTPUT"]
    at_risk = set(db.session.scalars(select(PersonRisk.person_id).where(PersonRisk.ended_at.is_(None))))
    latest = {}
    for episode in db.session.scalars(select(Episode).order_by(Episode.opened_at)):
        latest[episode.person_id] = episode
    for person_id, statement in statements.items():
        episode = latest[person_id]
        assert person_id not in at_risk
        assert uk_local(statement.recorded_at).date() == episode.first_contact_on
        assert statement.recorded_by_id == episode.officer_id and statement.recorded_at <= utcnow()
    discharged = [episode for episode in latest.values() if episode.discharged_on and episode.first_contact_on]
    in_support = [episode for episode in latest.values() if not episode.discharged_on and episode.first_contact_on
                  and episode.first_contact_on <= uk_today()]
    assert discharged and in_support
    assert all(episode.person_id in statements for episode in discharged if episode.person_id not in at_risk)
    told = re.search(r"discharged \((\d+) with no known risks, recorded at their first contact\)",
                     loaded.config["DEMO_LOAD_OUTPUT"])
    assert told and int(told.group(1)) == sum(episode.person_id in statements for episode in discharged) > 0
    assert any(episode.person_id in statements for episode in in_support)


def test_demo_risks_from_a_referral_are_recorded_when_it_arrived(loaded):
    """"Recorded 3 November 2026 from the referral": the referral's arrival, not the day of the load."""
    from app.models.risk import PersonRisk

    carried = db.session.execute(select(PersonRisk.recorded_at, Referral.received_at)
                                 .join(Referral, Referral.id == PersonRisk.from_referral_id)).all()
    assert len(carried) >= 5
    assert all(recorded == received for recorded, received in carried)
    assert len({recorded.date() for recorded, _ in carried}) > len(carried) // 2  # spread over the history


def test_demo_next_contacts_are_planned_on_weekdays_in_the_coming_fortnight(loaded):
    """The caseload names the day of each next contact ("Friday"): none is planned on a weekend."""
    from app.models import Contact

    planned = db.session.scalars(select(Contact.contact_on).where(Contact.status == "planned")).all()
    assert len(planned) >= 10
    today = uk_today()
    assert all(day.weekday() < 5 and 0 <= (day - today).days <= 16 for day in planned), sorted(planned)


def test_demo_load_refuses_a_database_with_people_and_force_changes_nothing(app, runner, landing_view_only):
    runner.invoke(args=["demo", "load", "--people", "30", "--seed", "9"])
    before = _counts()
    assert all(before.values()), before  # every kind of row is there to be counted again
    refused = runner.invoke(args=["demo", "load", "--people", "30", "--seed", "9"])
    assert refused.exit_code != 0 and "--force" in refused.output
    forced = runner.invoke(args=["demo", "load", "--people", "30", "--seed", "9", "--force"])
    assert forced.exit_code == 0, forced.output
    assert _counts() == before


def test_make_run_style_reload_skips_quietly_and_prints_the_logins(app, runner, landing_view_only):
    runner.invoke(args=["demo", "load", "--people", "10", "--seed", "1"])
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0
    assert "not loaded again" in result.output and "officer1@hearthlink.example" in result.output


def test_the_same_seed_gives_the_same_people(app, runner, tmp_path, landing_view_only):
    runner.invoke(args=["demo", "load", "--people", "15", "--seed", "11"])
    first = db.session.execute(select(Referral.nhs_number, Referral.given_name, Referral.status)
                               .order_by(Referral.nhs_number)).all()
    assert len(first) == 15
    from tests.conftest import make_app
    other = make_app(f"sqlite:///{tmp_path / 'other.db'}")
    with other.app_context():
        db.create_all()
        other.test_cli_runner().invoke(args=["demo", "load", "--people", "15", "--seed", "11"])
        second = db.session.execute(select(Referral.nhs_number, Referral.given_name, Referral.status)
                                    .order_by(Referral.nhs_number)).all()
        db.session.remove()
    assert first == second


def test_a_demo_status_move_is_dated_at_the_end_of_its_day_and_never_after_now():
    from seed.support import event_moment

    morning = datetime(2026, 12, 7, 7, 48)
    assert event_moment(date(2026, 12, 7), morning) == morning  # recorded this morning
    assert event_moment(date(2026, 12, 6), morning) == datetime(2026, 12, 6, 17, 0)


def test_nothing_in_the_demo_happened_after_it_was_loaded(loaded):
    now = utcnow()
    assert db.session.scalar(select(func.max(ReferralEvent.at))) <= now
    assert db.session.scalar(select(func.max(HomeVisit.checked_in_at))) <= now
    assert db.session.scalar(select(func.max(Contact.contact_on)).where(Contact.status == "held")) <= uk_today()


def test_each_demo_referrals_history_runs_forwards_from_its_arrival(loaded):
    """A referral received in the last few days has its moves between then and now, in order (five
    days: referrals arrive in the working week, so on a Monday the latest came on Friday)."""
    events = db.session.execute(select(ReferralEvent.referral_id, ReferralEvent.at, Referral.received_at)
                                .join(Referral, Referral.id == ReferralEvent.referral_id)
                                .order_by(ReferralEvent.referral_id, ReferralEvent.id)).all()
    assert all(at >= received for _, at, received in events)
    assert all(later.at >= earlier.at for earlier, later in zip(events, events[1:])
               if later.referral_id == earlier.referral_id)
    recent = [at for _, at, received in events if utcnow() - received < timedelta(days=5)]
    assert recent and max(recent) <= utcnow()


def test_a_recent_referrals_history_is_spread_up_to_now_and_an_older_ones_every_two_days():
    from seed.referrals import history_moments

    now = datetime(2026, 12, 7, 7, 48)
    received = datetime(2026, 12, 6, 7, 48)  # yesterday: four moves in the 24 hours since
    assert history_moments(received, now, 4) == [received + timedelta(hours=6 * step) for step in range(4)]
    old = datetime(2026, 10, 1, 9, 0)
    assert history_moments(old, now, 2) == [old, datetime(2026, 10, 3, 10, 0), datetime(2026, 10, 5, 11, 0)]


@given(st.integers(0, 10_000), st.integers(0, 60))
def test_demo_onward_support_moves_only_on_days_that_have_come(seed, days_to_end):
    """Each step of a drawn onward referral falls on its own day, 3 to 21 days after the last, and
    none after `end`: a step still to come is left out, not crowded onto `end`."""
    import random
    from types import SimpleNamespace

    from seed.support_onward import draw

    rng = random.Random(seed)
    organisations = [{"sector": "voluntary", "areas": ["debt"], "organisation_name": "Advice", "service_name": "Debt",
                      "service_id": None}]
    first = date(2026, 10, 1)
    end = first + timedelta(days=days_to_end)
    for item in draw(rng, organisations, [SimpleNamespace(area="debt")], first, end):
        days = [item.on] + [day for _, day in item.steps]
        assert all(3 <= (later - earlier).days <= 21 for earlier, later in zip(days[1:], days[2:]))
        assert all(day <= end for day in days) and days == sorted(set(days))


def test_demo_referrals_come_from_meetings_and_arrive_in_the_working_week(loaded):
    """Practices hold their MDT meetings, and send referrals, Monday to Friday."""
    from app.models import Referral

    referrals = db.session.scalars(select(Referral)).all()
    assert len(referrals) >= 40
    assert all(r.mdt_meeting_date.weekday() < 5 and uk_local(r.received_at).weekday() < 5 for r in referrals), [
        (r.mdt_meeting_date, r.received_at) for r in referrals
        if r.mdt_meeting_date.weekday() >= 5 or uk_local(r.received_at).weekday() >= 5]
    assert all(r.mdt_meeting_date <= uk_local(r.received_at).date() for r in referrals)


def test_demo_officers_work_in_the_week(loaded):
    """First contacts, held contacts and discharges fall Monday to Friday. (Days next to the load
    are the exception: a home visit drawn for today before it could have happened is moved to the
    day before, so a demo loaded on a Monday morning may have Sunday's; loaded at a weekend, a
    first contact drawn for today, after an allocation the day before, has no working day to go to.)"""
    from app.models import Contact

    recent = {uk_today() - timedelta(days=back) for back in (0, 1)}
    days = db.session.scalars(select(Contact.contact_on).where(Contact.status == "held")).all()
    days += db.session.scalars(select(Episode.first_contact_on).where(Episode.first_contact_on.is_not(None))).all()
    days += db.session.scalars(select(Episode.discharged_on).where(Episode.discharged_on.is_not(None))).all()
    assert len(days) >= 100
    assert [day for day in days if day.weekday() >= 5 and day not in recent] == []


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 3), st.integers(0, 3))
def test_a_weekend_day_moves_to_the_nearest_working_day_within_its_bounds(day, before, after):
    """Saturday to the Friday before, Sunday to the Monday after; the other of the two when the
    nearer is out of bounds; the day itself when both are."""
    from seed.working_days import working_day

    earliest, latest = day - timedelta(days=before), day + timedelta(days=after)
    moved = working_day(day, earliest, latest)
    if day.weekday() < 5:
        assert moved == day
        return
    friday = day - timedelta(days=day.weekday() - 4)
    monday = friday + timedelta(days=3)
    nearer, other = (friday, monday) if day.weekday() == 5 else (monday, friday)
    inside = [d for d in (nearer, other) if earliest <= d <= latest]
    assert moved == (inside[0] if inside else day)
    assert moved == day or (moved.weekday() in (0, 4) and abs((moved - day).days) <= 2)
