"""The person declining social prescribing: its own outcome, with a date and their reason, distinct
from the service declining; recorded by the manager at triage or the officer before first contact;
shown to the practice, coded for the GP record and counted on the dashboard."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.analytics.counts import flow
from app.analytics.filters import Filters
from app.extensions import db
from app.models import Contact
from app.models.base import uk_today
from app.models.referral import ReferralStatus
from app.security import Role
from app.services import contacts, person_declined
from app.services.errors import RuleBroken, StaleEdit
from tests import factories

TODAY = uk_today()


def _form(referral, on: date | None | str = "today", reason: str = "Says she is managing fine with her daughter's help"):
    on = TODAY if on == "today" else on  # worked out at the call: a default of TODAY would be the import's day
    data = {"version": referral.version, "reason": reason}
    # A browser always posts the three boxes, empty when nothing was typed.
    data |= {"on-day": on.day, "on-month": on.month, "on-year": on.year} if on else \
        {"on-day": "", "on-month": "", "on-year": ""}
    return data


def test_manager_records_a_waiting_referral_declined_by_the_person(app, client, sign_in, no_csrf):
    referral = factories.referral()
    sign_in.as_role(Role.MANAGER)
    page = client.get(f"/triage/{referral.id}").get_data(as_text=True)
    assert f"/referrals/{referral.id}/person-declined" in page
    response = client.post(f"/referrals/{referral.id}/person-declined", data=_form(referral, TODAY - timedelta(days=1)))
    assert response.status_code == 303
    db.session.refresh(referral)
    assert referral.status == "declined_by_person"
    assert referral.person_declined_on == TODAY - timedelta(days=1)
    assert referral.decline_reason == "Says she is managing fine with her daughter's help"
    assert referral.events[-1].to_status == "declined_by_person"
    assert not referral.status_enum.is_open  # terminal


def test_the_practice_sees_the_persons_decline_distinct_from_the_services(app, client, sign_in):
    practice = factories.practice()
    referral = factories.referral(practice)
    person_declined.record(by=factories.user(Role.MANAGER), referral=referral, version=referral.version,
                           on=TODAY, reason="Does not want support now")
    service_declined = factories.referral(practice, status="declined")
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Person declined" in page and "declined social prescribing" in page
    assert "Does not want support now" in page and "871711000000103" in page
    other = client.get(f"/referrals/{service_declined.id}").get_data(as_text=True)
    assert "Person declined" not in other and "871711000000103" not in other


def test_officer_records_a_decline_before_first_contact_and_the_episode_closes(app, client, sign_in, no_csrf):
    officer = factories.user(Role.LINK_OFFICER)
    episode = factories.episode(officer, status="allocated")
    contacts.record(by=officer, episode=episode, kind="phone", status="planned", on=TODAY + timedelta(days=2))
    sign_in.as_user(officer)
    record = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    assert f"/referrals/{episode.referral_id}/person-declined" in record
    response = client.post(f"/referrals/{episode.referral_id}/person-declined", data=_form(episode.referral))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/people/{episode.person_id}")
    db.session.refresh(episode)
    assert episode.referral.status == "declined_by_person"
    assert (episode.discharged_on, episode.discharge_reason) == (TODAY, "chose_to_end")
    assert db.session.query(Contact).filter_by(episode_id=episode.id).one().status == "cancelled"


def test_after_first_contact_the_person_ending_support_is_a_discharge_not_a_decline(app):
    officer = factories.user(Role.LINK_OFFICER)
    episode = factories.episode(officer, status="first_contact", first_contact_on=TODAY)
    with pytest.raises(RuleBroken, match="Chose to end support"):
        person_declined.record(by=officer, referral=episode.referral, version=episode.referral.version, on=TODAY,
                               reason="No longer wants it")
    assert episode.referral.status == "first_contact"


def test_an_officer_cannot_open_a_referral_that_is_not_in_support(app, client, sign_in):
    referral = factories.referral()
    sign_in.as_role(Role.LINK_OFFICER)
    assert client.get(f"/referrals/{referral.id}/person-declined").status_code == 404
    sign_in.out()
    for role in (Role.GP_PRACTICE, Role.COMMISSIONER, Role.ADMIN):
        sign_in.as_role(role)
        assert client.get(f"/referrals/{referral.id}/person-declined").status_code == 403, role
        sign_in.out()


@pytest.mark.parametrize("days_from_today,reason,field", [
    (None, "No thanks", "Enter the date the person declined"),
    (1, "No thanks", "cannot be in the future"),
    (-400, "No thanks", "before the referral arrived"),
    (0, "   ", "in their words"),
])
def test_bad_input_is_shown_beside_the_field_and_keeps_what_was_typed(app, client, sign_in, no_csrf, days_from_today,
                                                                       reason, field):
    on = None if days_from_today is None else TODAY + timedelta(days=days_from_today)
    referral = factories.referral()
    sign_in.as_role(Role.MANAGER)
    response = client.post(f"/referrals/{referral.id}/person-declined", data=_form(referral, on, reason))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field in page
    if reason.strip():
        assert reason in page
    db.session.refresh(referral)
    assert referral.status == "received"


def test_a_stale_page_is_refused(app):
    referral = factories.referral()
    with pytest.raises(StaleEdit):
        person_declined.record(by=factories.user(Role.MANAGER), referral=referral, version=referral.version + 1,
                               on=TODAY, reason="No")


def test_the_dashboard_counts_person_declines_as_their_own_outcome(app):
    manager = factories.user(Role.MANAGER)
    officer = factories.user(Role.LINK_OFFICER)
    waiting = factories.referral()
    allocated = factories.episode(officer, status="allocated")
    discharged = factories.episode(officer, status="in_support", first_contact_on=TODAY)
    discharged.discharged_on, discharged.discharge_reason = TODAY, "goals_met"
    discharged.referral.status = "discharged"
    db.session.commit()
    person_declined.record(by=manager, referral=waiting, version=waiting.version, on=TODAY, reason="No")
    person_declined.record(by=officer, referral=allocated.referral, version=allocated.referral.version, on=TODAY,
                           reason="No")
    counts = flow(Filters())
    # Three people referred; two accepted (episodes); one really discharged; two declined by the person
    # (one before and one after acceptance), whose closed episode is not counted as a discharge.
    assert (counts["referred"], counts["accepted"], counts["discharged"], counts["declined_by_person"]) == (3, 2, 1, 2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.sampled_from(list(ReferralStatus)))
def test_only_referrals_before_first_contact_can_become_declined_by_the_person(app, status):
    allowed = {ReferralStatus.RECEIVED, ReferralStatus.MORE_INFO_REQUESTED, ReferralStatus.ACCEPTED,
               ReferralStatus.ALLOCATED}
    assert status.can_move_to(ReferralStatus.DECLINED_BY_PERSON) == (status in allowed)


def test_the_dashboard_headline_has_the_persons_declines_as_a_card(app, client, sign_in):
    referral = factories.referral()
    person_declined.record(by=factories.user(Role.MANAGER), referral=referral, version=referral.version, on=TODAY,
                           reason="No")
    sign_in.as_role(Role.COMMISSIONER)
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "Declined by the person" in page
    assert 'data-figure="declined_by_person"' in page
    value = page.split('data-figure="declined_by_person">')[1].split("</span>")[0]
    assert value == "&lt;5"  # one person: a count, suppressed below 5 like every other
