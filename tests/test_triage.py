"""The manager's triage: decide, allocate fairly, re-allocate; each move is in the history."""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Episode, Person, ReferralEvent
from app.models.base import uk_local, uk_today, utc_of_uk
from app.security import Role
from app.services import triage
from tests import factories


def test_triage_is_the_managers_alone(app, client, sign_in):
    referral = factories.referral()
    for role in (Role.COMMISSIONER, Role.LINK_OFFICER, Role.GP_PRACTICE, Role.ADMIN):
        sign_in.as_role(role)
        assert client.get("/triage/").status_code == 403, role
        assert client.get(f"/triage/{referral.id}").status_code == 403, role
        sign_in.out()


def test_waiting_referrals_are_listed_oldest_first_with_days_waiting(app, client, sign_in):
    factories.referral(given_name="Newer", received_days_ago=2)
    factories.referral(given_name="Older", received_days_ago=9)
    factories.referral(given_name="Finished", status="declined", received_days_ago=30)
    sign_in.as_role(Role.MANAGER)
    page = client.get("/triage/").get_data(as_text=True)
    assert page.index("Older") < page.index("Newer")
    assert "9 days" in page and "2 days" in page
    assert "Finished" not in page


def test_a_referrals_page_counts_days_waiting_only_while_it_waits_for_the_service(app, client, sign_in):
    """Received, questioned or accepted (waiting for an officer): days waiting, one day in the
    singular; declined or further on: the day it was received, not a count that keeps growing."""
    one = factories.referral(given_name="One", received_days_ago=1)
    asked = factories.referral(given_name="Asked", status="more_info_requested", received_days_ago=4)
    accepted = factories.referral(given_name="Accepted", status="accepted", received_days_ago=6)
    declined = factories.referral(given_name="Declined", status="declined", received_days_ago=30)
    sign_in.as_role(Role.MANAGER)

    def caption(referral):
        page = client.get(f"/triage/{referral.id}").get_data(as_text=True)
        start = page.index('<span class="nhsuk-caption-l">')
        return " ".join(page[start:page.index("</span>", start)].split())

    assert caption(one).endswith("· waiting 1 day")
    assert caption(asked).endswith("· waiting 4 days")
    assert caption(accepted).endswith("· waiting 6 days")
    received = uk_local(declined.received_at)  # the UK's calendar, as pages show it
    assert caption(declined).endswith(f"· received {received.day} {received:%B %Y}")
    assert "waiting" not in caption(declined)


def test_accepting_creates_the_person_and_an_episode_and_allocates(app, client, sign_in, no_csrf):
    referral = factories.referral(nhs="9990000018")
    officer = factories.user(Role.LINK_OFFICER, name="Olu Adeyemi")
    sign_in.as_role(Role.MANAGER)
    response = client.post(f"/triage/{referral.id}/accept",
                           data={"accept-officer_id": officer.id, "accept-version": referral.version})
    assert response.status_code == 303
    db.session.refresh(referral)
    assert referral.status == "allocated"
    episode = referral.episode
    assert episode.person.nhs_number == "9990000018"
    assert episode.officer_id == officer.id and episode.officer_seen_at is None
    events = [(e.from_status, e.to_status) for e in referral.events]
    assert events == [(None, "received"), ("received", "accepted"), ("accepted", "allocated")]
    assert referral.events[-1].note == "Allocated to Olu Adeyemi"
    assert all(e.by is not None for e in referral.events[1:])


def test_a_returning_person_keeps_one_record_and_gets_a_new_episode(app, no_csrf):
    manager = factories.user(Role.MANAGER)
    first = factories.referral(nhs="9990000018", status="discharged")
    old = factories.episode(referral_=first, status="discharged")
    old.discharged_on, old.discharge_reason = old.opened_at.date(), "goals_met"
    db.session.commit()
    again = factories.referral(nhs="9990000018", family_name="Newname")
    episode = triage.accept(by=manager, referral=again, version=again.version)
    assert db.session.scalar(select(func.count(Person.id))) == 1
    assert episode.person_id == old.person_id and episode.id != old.id
    assert episode.person.family_name == "Newname"


def test_decline_needs_a_reason_which_the_practice_sees(app, client, sign_in, no_csrf):
    referral = factories.referral()
    sign_in.as_role(Role.MANAGER)
    empty = client.post(f"/triage/{referral.id}/decline", data={"decline-reason": " ", "decline-version": 1})
    assert "Give the reason for declining" in empty.get_data(as_text=True)
    client.post(f"/triage/{referral.id}/decline", data={"decline-reason": "Already supported by Age UK",
                                                          "decline-version": referral.version})
    db.session.refresh(referral)
    assert referral.status == "declined" and referral.decline_reason == "Already supported by Age UK"
    assert referral.events[-1].note == "Already supported by Age UK"


def test_a_decision_made_from_a_stale_page_is_refused(app, client, sign_in, no_csrf):
    referral = factories.referral()
    stale_version = referral.version
    triage.request_information(by=factories.user(Role.MANAGER), referral=referral, version=stale_version,
                               question="Any pets?")
    sign_in.as_role(Role.MANAGER)
    response = client.post(f"/triage/{referral.id}/decline",
                           data={"decline-reason": "Out of area", "decline-version": stale_version})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Someone else changed this referral" in body
    assert "Out of area" in body  # the manager's text is kept
    db.session.refresh(referral)
    assert referral.status == "more_info_requested"


def test_reallocation_is_recorded_and_makes_the_person_new_for_the_officer(app, no_csrf):
    manager = factories.user(Role.MANAGER)
    first = factories.user(Role.LINK_OFFICER, name="First Officer")
    second = factories.user(Role.LINK_OFFICER, name="Second Officer")
    referral = factories.referral()
    episode = triage.accept(by=manager, referral=referral, version=referral.version, officer=first)
    episode.officer_seen_at = episode.allocated_at
    db.session.commit()
    triage.allocate(by=manager, referral=referral, version=referral.version, officer=second)
    assert episode.officer_id == second.id and episode.officer_seen_at is None
    assert referral.events[-1].note == "Re-allocated from First Officer to Second Officer"
    assert (referral.events[-1].from_status, referral.events[-1].to_status) == ("allocated", "allocated")


def test_history_rows_are_only_ever_added(app, no_csrf):
    manager = factories.user(Role.MANAGER)
    referral = factories.referral()
    before = [(e.id, e.to_status, e.note) for e in referral.events]
    triage.accept(by=manager, referral=referral, version=referral.version)
    after = [(e.id, e.to_status, e.note) for e in db.session.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id == referral.id).order_by(ReferralEvent.id))]
    assert after[: len(before)] == before and len(after) == len(before) + 1


def test_officer_choices_show_locality_and_open_caseload(app):
    locality = factories.locality("Halesowen")
    busy = factories.user(Role.LINK_OFFICER, name="Busy Officer", locality_=locality)
    factories.user(Role.LINK_OFFICER, name="Free Officer", locality_=locality)
    factories.user(Role.LINK_OFFICER, name="Gone Officer", active=False)
    for _ in range(3):
        factories.episode(busy)
    closed = factories.episode(busy)
    closed.discharged_on, closed.discharge_reason = closed.opened_at.date(), "moved_away"
    db.session.commit()
    counts = {officer.name: count for officer, count in triage.officers_with_caseloads()}
    assert counts == {"Busy Officer": 3, "Free Officer": 0}
    from app.triage.routes import officer_choices
    labels = dict(officer_choices())
    assert labels[busy.id] == "Busy Officer – Halesowen – 3 open"


def test_allocating_to_someone_who_is_not_an_officer_is_refused(app, no_csrf):
    import pytest
    from app.services.errors import RuleBroken

    manager = factories.user(Role.MANAGER)
    referral = factories.referral()
    with pytest.raises(RuleBroken, match="active link officer"):
        triage.accept(by=manager, referral=referral, version=referral.version, officer=manager)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Episode.id))) == 0


def test_the_waiting_list_names_three_needs_whole_and_counts_the_rest(app, client, sign_in):
    """Each waiting referral shows its first three needs' names whole, then how many more: a name
    is never cut off mid-word ("Managing a...")."""
    factories.referral(given_name="Many", needs=("debt", "family", "loneliness", "long_term_condition", "food"))
    factories.referral(given_name="Two", needs=("housing", "debt"))
    sign_in.as_role(Role.MANAGER)
    page = client.get("/triage/").get_data(as_text=True)

    def needs_of(name):
        start = page.index(f">{name} ")
        cell = page[page.index('hl-block">', start) + len('hl-block">'):]
        return cell[:cell.index("</span>")]

    assert needs_of("Many") == "Debt and money, Family relationships, Food and 2 more"
    assert needs_of("Two") == "Debt and money, Housing"
    assert "..." not in page


def test_days_waiting_are_the_uks_calendar_days_and_today_says_so(app, client, sign_in):
    """A referral that arrived today waits "Today" (not "0 days"); one accepted yesterday was
    "referred 1 day ago" (not "1 days ago"); the decision page says "received today"."""
    fresh = factories.referral(given_name="Fresh", received_days_ago=0)
    fresh.received_at = utc_of_uk(uk_today(), time(0, 5))  # five past midnight today, UK time
    accepted = factories.referral(given_name="Accepted", status="accepted")
    accepted.received_at = utc_of_uk(uk_today() - timedelta(days=1), time(23, 55))  # yesterday, late
    db.session.commit()
    sign_in.as_role(Role.MANAGER)
    page = " ".join(client.get("/triage/").get_data(as_text=True).split())
    assert "Waiting </span><strong>Today</strong>" in page and "0 days" not in page
    assert "referred 1 day ago" in page and "days ago" not in page
    caption = client.get(f"/triage/{fresh.id}").get_data(as_text=True)
    assert "· received today</span>" in " ".join(caption.split())
