"""The support record's other forms: a planned contact recorded as held, onward progress, peer
support, discharge and the re-referral path."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contact, PeerSupport
from app.models.base import uk_today
from app.security import Role
from app.services import contacts, onward
from tests import factories

TODAY = uk_today()


@pytest.fixture
def officer(app):
    return factories.user(role=Role.LINK_OFFICER)


@pytest.fixture
def episode(officer):
    return factories.episode(officer, referral_=factories.referral(status="allocated"))


def _date(name: str, day: date) -> dict:
    return {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}


def test_planned_contact_recorded_as_held_makes_first_contact(client, sign_in, no_csrf, officer, episode):
    planned = contacts.record(by=officer, episode=episode, kind="phone", status="planned", on=TODAY)
    sign_in.as_user(officer)
    response = client.post(f"/people/{episode.person_id}/contacts/{planned.id}", data={
        "status": "held", "duration_minutes": 25, "notes": "Talked about the garden", "version": planned.version})
    assert response.status_code == 303
    contact = db.session.get(Contact, planned.id)
    assert (contact.status, contact.duration_minutes) == ("held", 25)
    db.session.refresh(episode)
    assert episode.first_contact_on == TODAY and episode.referral.status == "first_contact"


def test_held_contact_without_duration_is_refused_with_the_reason(client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    response = client.post(f"/people/{episode.person_id}/contacts/new", data={
        "status": "held", "kind": "video", **_date("contact_on", TODAY), "notes": "Keep this note"})
    html = response.get_data(as_text=True)
    assert "Enter how long the contact lasted" in html and "Keep this note" in html
    assert db.session.scalar(select(Contact)) is None


def test_onward_progress_is_recorded_with_its_date(client, sign_in, no_csrf, officer, episode):
    item = onward.create(by=officer, episode=episode, service_id=None, organisation_name="Dudley Mind",
                         service_name="", sector="voluntary", kind="linkage", need_areas=[], consent_to_share=False,
                         consent_recorded_on=None)
    sign_in.as_user(officer)
    form = client.get(f"/people/{episode.person_id}/onward/{item.id}").get_data(as_text=True)
    assert 'value="completed"' not in form, "completed is not a next step from made"
    response = client.post(f"/people/{episode.person_id}/onward/{item.id}", data={
        "to": "attending", **_date("on", TODAY), "version": item.version})
    assert response.status_code == 303
    db.session.refresh(item)
    assert (item.status, item.attending_on) == ("attending", TODAY)


def test_peer_support_is_recorded(client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    client.post(f"/people/{episode.person_id}/peer/new", data={
        "kind": "volunteering", **_date("started_on", TODAY - timedelta(days=3)), "where": "Food bank"})
    item = db.session.scalar(select(PeerSupport))
    assert (item.kind, item.where, item.started_on) == ("volunteering", "Food bank", TODAY - timedelta(days=3))


def test_peer_support_can_be_corrected_and_the_change_is_audited(client, sign_in, no_csrf, officer, episode):
    from app.models import AuditEvent
    from app.services import peer

    item = peer.record(by=officer, episode=episode, kind="peer_activity", started_on=TODAY, where="Knit and nater")
    sign_in.as_user(officer)
    page = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    assert f"/people/{episode.person_id}/peer/{item.id}" in page
    form = client.get(f"/people/{episode.person_id}/peer/{item.id}").get_data(as_text=True)
    assert 'value="Knit and nater"' in form and "Correct peer support or volunteering" in form
    response = client.post(f"/people/{episode.person_id}/peer/{item.id}", data={
        "kind": "volunteering", **_date("started_on", TODAY - timedelta(days=7)), "where": "Knit and natter",
        "notes": "Helps set up", "version": item.version})
    assert response.status_code == 303
    db.session.refresh(item)
    assert (item.kind, item.where, item.started_on, item.notes, item.version) == (
        "volunteering", "Knit and natter", TODAY - timedelta(days=7), "Helps set up", 2)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "peer.update"))
    assert audit is not None and "was peer_activity at Knit and nater" in audit.detail


def test_a_peer_support_correction_from_an_old_page_is_refused_and_keeps_the_text(
        client, sign_in, no_csrf, officer, episode):
    from app.services import peer

    item = peer.record(by=officer, episode=episode, kind="peer_activity", started_on=TODAY, where="Walking group")
    peer.correct(by=officer, item=item, kind="peer_activity", started_on=TODAY, where="Tuesday walking group",
                 notes="", version=item.version)  # a colleague's correction, saved first
    sign_in.as_user(officer)
    response = client.post(f"/people/{episode.person_id}/peer/{item.id}", data={
        "kind": "peer_activity", **_date("started_on", TODAY), "where": "Walking group (Thursdays)",
        "version": 1})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Someone else changed this peer support entry" in html
    assert 'value="Walking group (Thursdays)"' in html
    db.session.refresh(item)
    assert item.where == "Tuesday walking group"


def test_another_persons_peer_support_is_not_found_through_this_record(client, sign_in, officer, episode):
    from app.services import peer

    other = factories.episode(officer, referral_=factories.referral(status="allocated", nhs=factories.nhs_number(7)))
    item = peer.record(by=officer, episode=other, kind="volunteering", started_on=TODAY, where="Food bank")
    sign_in.as_user(officer)
    assert client.get(f"/people/{episode.person_id}/peer/{item.id}").status_code == 404


def test_discharge_shows_summary_and_the_re_referral_path(client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    refused = client.post(f"/people/{episode.person_id}/discharge", data={
        "reason": "goals_met", "summary": "", **_date("on", TODAY), "version": episode.version})
    assert "Write a summary for the practice" in refused.get_data(as_text=True)
    client.post(f"/people/{episode.person_id}/discharge", data={
        "reason": "goals_met", "summary": "Now at the lunch club weekly.", **_date("on", TODAY),
        "version": episode.version})
    html = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    assert "Now at the lunch club weekly." in html and "can make a new referral" in html
    assert "Add a need" not in html, "a discharged record is read-only"
    db.session.refresh(episode)
    assert episode.referral.status == "discharged"


def test_officer_cannot_check_out_a_colleagues_visit(client, sign_in, no_csrf, officer, episode):
    from datetime import datetime

    from app.services import visits

    now = datetime.now()
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=now + timedelta(hours=1), now=now)
    sign_in.as_role(Role.LINK_OFFICER)
    response = client.post(f"/people/{episode.person_id}/visits/{visit.id}/check-out", data={"notes": "x"})
    assert "Only the officer on the visit, or a manager" in response.get_data(as_text=True)
    db.session.refresh(visit)
    assert visit.checked_out_at is None
