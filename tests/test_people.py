"""The support record page: who may open it, that every view is audited, and what it shows."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Need
from app.models.base import uk_today
from app.security import Role
from app.services import contacts, goals, measures, needs, onward, peer
from tests import factories

TODAY = uk_today()


@pytest.fixture
def officer(app):
    return factories.user(role=Role.LINK_OFFICER)


@pytest.fixture
def episode(officer):
    referral = factories.referral(status="allocated", needs=("loneliness",), risks=("dog", "smoking"))
    referral.risk_notes = "Large dog; ask for it to be shut away."
    db.session.commit()
    return factories.episode(officer, referral_=referral)


def _views(person_id) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "person.view", AuditEvent.subject_id == str(person_id)))


@pytest.mark.parametrize("role", [Role.GP_PRACTICE, Role.COMMISSIONER, Role.ADMIN])
def test_practice_commissioner_and_admin_cannot_open_a_support_record(client, sign_in, episode, role):
    kwargs = {"practice_": episode.person.practice} if role is Role.GP_PRACTICE else {}
    sign_in.as_role(role, **kwargs)
    response = client.get(f"/people/{episode.person_id}")
    assert response.status_code in (403, 404)
    assert episode.person.family_name not in response.get_data(as_text=True)
    assert _views(episode.person_id) == 0


def test_every_view_of_a_record_writes_an_audit_row_with_who_and_where(client, sign_in, officer, episode):
    sign_in.as_user(officer)
    client.get(f"/people/{episode.person_id}")
    client.get(f"/people/{episode.person_id}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.view")
                              .order_by(AuditEvent.id)).all()
    assert len(rows) == 2
    assert {row.actor_email for row in rows} == {officer.email}
    assert rows[1].remote_addr == "10.1.2.3"
    assert rows[0].subject_type == "person" and rows[0].subject_id == str(episode.person_id)


def test_allocated_officer_opening_the_record_ends_newly_allocated(client, sign_in, officer, episode):
    assert episode.officer_seen_at is None
    sign_in.as_user(officer)
    client.get(f"/people/{episode.person_id}")
    db.session.refresh(episode)
    assert episode.officer_seen_at is not None


def test_another_officer_may_view_but_does_not_mark_it_seen(client, sign_in, episode):
    sign_in.as_role(Role.LINK_OFFICER)
    response = client.get(f"/people/{episode.person_id}")
    assert response.status_code == 200
    db.session.refresh(episode)
    assert episode.officer_seen_at is None


def test_unknown_person_is_404(client, sign_in):
    sign_in.as_role(Role.MANAGER)
    assert client.get("/people/999999").status_code == 404


def test_record_shows_each_section(client, sign_in, officer, episode):
    needs.add(by=officer, episode=episode, area="loneliness", severity="high")
    needs.add(by=officer, episode=episode, area="heating", severity="medium", notes="Cold front room")
    goals.add(by=officer, episode=episode, description="Go to the lunch club", review_on=TODAY + timedelta(days=28),
              action="Phone the club", action_by="Link officer")
    contacts.record(by=officer, episode=episode, kind="phone", status="held", on=TODAY, duration_minutes=15,
                    notes="Agreed a visit")
    contacts.record(by=officer, episode=episode, kind="home_visit", status="planned", on=TODAY + timedelta(days=2))
    onward.create(by=officer, episode=episode, service_id=None, organisation_name="Warm Homes Dudley",
                  service_name="Energy advice", sector="social_enterprise", kind="linkage", need_areas=["heating"],
                  consent_to_share=False, consent_recorded_on=None)
    peer.record(by=officer, episode=episode, kind="peer_activity", started_on=TODAY, where="Knit and natter")
    measures.record(by=officer, episode=episode, instrument="ons4", stage="baseline", taken_on=TODAY,
                    scores={"life_satisfaction": 3, "worthwhile": 4, "happiness": 2, "anxiety": 8})
    sign_in.as_user(officer)
    html = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    for text in ("Dog or other animal in the home", "Large dog", "Found at home", "Heating and fuel",
                 "Go to the lunch club", "Phone the club", "Agreed a visit", "Warm Homes Dudley",
                 "Social enterprise sector", "Knit and natter", "Life satisfaction", "Discharge"):
        assert text in html, text
    # A screen reader reads the wellbeing column heading as one string: "Baseline 2/12/2026", not "Baseline2/…".
    assert re.search(r"Baseline <span[^>]*>\d\d/\d\d/\d{4}</span>", html)


def test_adding_a_need_found_at_home_is_one_post(client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    response = client.post(f"/people/{episode.person_id}/needs/new",
                           data={"area": "debt", "severity": "high", "notes": "Catalogue debts"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/people/{episode.person_id}#needs")
    need = db.session.scalar(select(Need).where(Need.episode_id == episode.id))
    assert (need.area, need.severity, need.from_referral) == ("debt", "high", False)


def test_missing_severity_keeps_what_was_typed_and_says_what_to_do(client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    response = client.post(f"/people/{episode.person_id}/needs/new", data={"area": "debt", "notes": "Keep me"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose how severe the need is" in html
    assert "Keep me" in html
    assert db.session.scalar(select(func.count(Need.id))) == 0


def test_second_officer_saving_a_stale_need_is_refused_and_keeps_their_text(client, sign_in, no_csrf, officer,
                                                                             episode):
    need = needs.add(by=officer, episode=episode, area="housing", severity="low")
    stale = need.version
    needs.update(by=officer, need=need, severity="high", status="being_addressed", notes="First officer's note",
                 version=stale)
    sign_in.as_role(Role.LINK_OFFICER)
    response = client.post(f"/people/{episode.person_id}/needs/{need.id}",
                           data={"status": "identified", "severity": "low", "notes": "Second officer's note",
                                 "version": stale})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else changed this need" in html
    assert "Second officer&#39;s note" in html or "Second officer's note" in html
    db.session.refresh(need)
    assert (need.notes, need.severity) == ("First officer's note", "high")


def test_stale_what_matters_is_refused_then_saves_after_reading(client, sign_in, no_csrf, officer, episode):
    stale = episode.version
    goals.set_what_matters(by=officer, episode=episode, text="Seeing my grandson", version=stale)
    sign_in.as_role(Role.LINK_OFFICER)
    url = f"/people/{episode.person_id}/what-matters"
    refused = client.post(url, data={"what_matters_to_me": "Getting out of the house", "version": stale})
    html = refused.get_data(as_text=True)
    assert "Someone else changed" in html and "Getting out of the house" in html and "Seeing my grandson" in html
    import re
    fresh = re.search(r'name="version"[^>]*value="(\d+)"', html) or re.search(r'value="(\d+)"[^>]*name="version"', html)
    saved = client.post(url, data={"what_matters_to_me": "Seeing my grandson; getting out", "version": fresh.group(1)})
    assert saved.status_code == 303
    db.session.refresh(episode)
    assert episode.what_matters_to_me == "Seeing my grandson; getting out"


def test_ons4_score_out_of_range_is_refused_next_to_the_field(client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    response = client.post(f"/people/{episode.person_id}/wellbeing/ons4/new", data={
        "stage": "baseline", "taken_on-day": TODAY.day, "taken_on-month": TODAY.month, "taken_on-year": TODAY.year,
        "life_satisfaction": 11, "worthwhile": 5, "happiness": 5, "anxiety": 5})
    assert response.status_code == 200
    assert "Enter a whole number from 0 to 10" in response.get_data(as_text=True)


def test_formal_referral_form_refused_without_consent_keeps_the_organisation(client, sign_in, no_csrf, officer,
                                                                          episode):
    sign_in.as_user(officer)
    data = {"organisation_name": "Citizens Advice Dudley", "sector": "voluntary", "kind": "formal_referral",
            "status": "made"}
    refused = client.post(f"/people/{episode.person_id}/onward/new", data=data)
    html = refused.get_data(as_text=True)
    assert "written consent" in html and "Citizens Advice Dudley" in html
    accepted = client.post(f"/people/{episode.person_id}/onward/new", data={
        **data, "consent_to_share": "y", "consent_recorded_on-day": TODAY.day,
        "consent_recorded_on-month": TODAY.month, "consent_recorded_on-year": TODAY.year})
    assert accepted.status_code == 303


def test_onward_form_prefills_from_a_directory_service_when_the_directory_exists(client, sign_in, officer, episode):
    pytest.importorskip("app.models.directory")
    from app.models.directory import Organization, Service

    org = Organization(id="4a1f7c9e-0000-4000-8000-0000000000aa", name="Dudley Mind", sector="voluntary")
    service = Service(id="4a1f7c9e-0000-4000-8000-000000000001", name="Wellbeing walks", organization=org)
    db.session.add_all([org, service])
    db.session.commit()
    sign_in.as_user(officer)
    html = client.get(f"/people/{episode.person_id}/onward/new?service_id={service.id}&kind=linkage").get_data(
        as_text=True)
    assert 'value="Dudley Mind"' in html and 'value="Wellbeing walks"' in html
    assert 'value="linkage" checked' in html or ('value="linkage"' in html and "checked" in html)
