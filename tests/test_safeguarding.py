"""Safeguarding concerns: a dated entry with what was done, open until closed with its outcome,
and the manager's list of open concerns (/safeguarding/), managers only, paginated and audited."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import AuditEvent
from app.models.base import uk_today
from app.models.risk import SafeguardingConcern
from app.security import Role
from app.services import risk_summary, risks
from app.services.errors import RuleBroken
from tests import factories

TODAY = uk_today()
RAISED = date(2026, 3, 2)  # a fixed day where the day does not matter


@pytest.fixture
def officer(app):
    return factories.user(role=Role.LINK_OFFICER, name="Olive Officer")


@pytest.fixture
def episode(officer):
    return factories.episode(officer, referral_=factories.referral(status="allocated", given_name="Sadie",
                                                                    family_name="Concerned"))


def _raise(officer, episode, days_ago: int = 0, concern: str = "Unexplained bruising on her arms"):
    return risks.raise_concern(by=officer, person=episode.person, raised_on=TODAY - timedelta(days=days_ago),
                               concern=concern, action_taken="Told my manager; referred to the council")


def test_safeguarding_officer_records_a_concern_and_it_shows_on_the_record(client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    response = client.post(f"/people/{episode.person_id}/safeguarding/new", data={
        "raised_on-day": TODAY.day, "raised_on-month": TODAY.month, "raised_on-year": TODAY.year,
        "concern": "Neighbour taking her pension", "action_taken": "Reported to the council, ref 123"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#risks")
    concern = db.session.scalar(select(SafeguardingConcern))
    assert (concern.status, concern.raised_by_id, concern.raised_on) == ("open", officer.id, TODAY)
    html = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    assert "Neighbour taking her pension" in html and "Reported to the council, ref 123" in html
    assert html.index("Neighbour taking her pension") < html.index('id="about"')
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "safeguarding.raise",
                                                                 AuditEvent.subject_id == str(episode.person_id)))
    assert list(actions) == ["safeguarding.raise"]


def test_safeguarding_a_concern_needs_what_was_done_and_keeps_the_typed_concern(
        client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    html = client.post(f"/people/{episode.person_id}/safeguarding/new", data={
        "raised_on-day": TODAY.day, "raised_on-month": TODAY.month, "raised_on-year": TODAY.year,
        "concern": "Typed concern kept", "action_taken": ""}).get_data(as_text=True)
    assert "Say what was done, for example who it was reported to" in html and 'href="#action_taken"' in html
    assert "Typed concern kept" in html
    assert db.session.scalar(select(SafeguardingConcern)) is None


def test_safeguarding_a_concern_raised_in_the_future_is_refused_by_its_date(officer, episode):
    with pytest.raises(RuleBroken, match="cannot be in the future") as refused:
        _raise(officer, episode, days_ago=-1)
    assert refused.value.field == "raised_on"


def test_safeguarding_closing_needs_an_outcome_and_a_date_not_before_it_was_raised(officer, episode):
    concern = _raise(officer, episode, days_ago=3)
    with pytest.raises(RuleBroken, match="cannot be closed before then") as refused:
        risks.close_concern(by=officer, concern=concern, version=concern.version, closed_on=TODAY - timedelta(days=4),
                            outcome="Closed", action_taken=concern.action_taken)
    assert refused.value.field == "closed_on"
    with pytest.raises(RuleBroken, match="outcome") as refused:
        risks.close_concern(by=officer, concern=concern, version=concern.version, closed_on=TODAY, outcome=" ",
                            action_taken=concern.action_taken)
    assert refused.value.field == "outcome"
    risks.close_concern(by=officer, concern=concern, version=concern.version, closed_on=TODAY - timedelta(days=3),
                        outcome="Council enquiry closed", action_taken="Reported; council visited")
    db.session.refresh(concern)
    assert (concern.status, concern.closed_on, concern.closed_by_id, concern.outcome, concern.action_taken) == (
        "closed", TODAY - timedelta(days=3), officer.id, "Council enquiry closed", "Reported; council visited")
    with pytest.raises(RuleBroken, match="already closed"):
        risks.close_concern(by=officer, concern=concern, version=concern.version, closed_on=TODAY, outcome="x",
                            action_taken="y")


@pytest.mark.parametrize("broken", [dict(status="closed"),                                  # closed, no date
                                    dict(closed_on=RAISED),                                 # dated, still open
                                    dict(status="closed", closed_on=RAISED),                # no who, no outcome
                                    dict(status="pending")])
def test_safeguarding_check_constraints_refuse_a_half_closed_concern(officer, episode, broken):
    values = dict(person_id=episode.person_id, raised_on=RAISED, raised_by_id=officer.id, concern="c",
                  action_taken="a", status="open")
    db.session.add(SafeguardingConcern(**{**values, **broken}))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_safeguarding_manager_sees_open_concerns_longest_open_first_and_the_view_is_audited(
        client, sign_in, officer, episode):
    later = factories.episode(officer, referral_=factories.referral(status="allocated", given_name="Later"))
    closed = factories.episode(officer, referral_=factories.referral(status="allocated", given_name="Closed"))
    _raise(officer, later, days_ago=1, concern="Later concern")
    _raise(officer, episode, days_ago=10, concern="Older concern")
    done = _raise(officer, closed, days_ago=20, concern="Closed concern")
    risks.close_concern(by=officer, concern=done, version=done.version, closed_on=TODAY, outcome="Resolved",
                        action_taken=done.action_taken)
    manager = sign_in.as_role(Role.MANAGER)
    html = client.get("/safeguarding/").get_data(as_text=True)
    assert html.index("Older concern") < html.index("Later concern")
    assert "Closed concern" not in html
    assert "open 10 days" in html and "open 1 day " in html and "raised today" not in html
    assert f'href="/people/{episode.person_id}#risks"' in html
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "safeguarding.list"))
    assert event.actor_id == manager.id
    assert f"[person:{episode.person_id}]" in event.detail and f"[person:{later.person_id}]" in event.detail
    assert f"[person:{closed.person_id}]" not in event.detail


def test_safeguarding_list_shows_25_a_page(client, sign_in, officer, episode):
    for index in range(26):
        risks.raise_concern(by=officer, person=episode.person, raised_on=TODAY - timedelta(days=40 - index),
                            concern=f"Concern number {index:02d}", action_taken="Reported")
    sign_in.as_role(Role.MANAGER)
    first = client.get("/safeguarding/").get_data(as_text=True)
    second = client.get("/safeguarding/?page=2").get_data(as_text=True)
    assert len(re.findall(r"Concern number \d\d", first)) == 25 and "Concern number 25" not in first
    assert re.findall(r"Concern number \d\d", second) == ["Concern number 25"]
    assert "Showing 1 to 25 of 26 open concerns" in first
    assert client.get("/safeguarding/?page=abc").status_code == 200


def test_safeguarding_an_empty_list_says_so_once(client, sign_in):
    sign_in.as_role(Role.MANAGER)
    page = client.get("/safeguarding/").get_data(as_text=True)
    assert "There are no open safeguarding concerns." in page
    assert "open concerns." not in page  # not "0 open concerns." above it


@pytest.mark.parametrize("role", [Role.LINK_OFFICER, Role.GP_PRACTICE, Role.COMMISSIONER, Role.ADMIN])
def test_safeguarding_list_is_for_managers_only(client, sign_in, officer, episode, role):
    _raise(officer, episode)
    sign_in.as_role(role)
    response = client.get("/safeguarding/")
    assert response.status_code == 403
    assert "Unexplained bruising" not in response.get_data(as_text=True)


def test_safeguarding_is_in_the_managers_navigation_only(client, sign_in, officer):
    sign_in.as_role(Role.MANAGER)
    assert 'href="/safeguarding/"' in client.get("/triage/").get_data(as_text=True)
    sign_in.out()
    sign_in.as_user(officer)
    assert 'href="/safeguarding/"' not in client.get("/caseload/").get_data(as_text=True)


def test_safeguarding_the_summary_lists_the_persons_concerns_newest_first(officer, episode):
    _raise(officer, episode, days_ago=5, concern="First")
    _raise(officer, episode, days_ago=1, concern="Second")
    summary = risk_summary.for_person(episode.person_id)
    assert [c.concern for c in summary.concerns] == ["Second", "First"]
    assert len(summary.open_concerns) == 2
