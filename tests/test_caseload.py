"""The link officer's caseload: order, the facts on each row, flags, and a manager's view."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models.base import utcnow
from app.security import Role
from app.services import contacts, needs
from app.caseload.queries import working_days_between
from tests import factories

TODAY = date.today()


@pytest.fixture
def officer(app):
    return factories.user(role=Role.LINK_OFFICER)


def _episode(officer, name, *, allocated_days_ago=1, seen=True, first_contact_days_ago=None, risks=()):
    referral = factories.referral(status="allocated", given_name=name, family_name="Caseload", risks=risks)
    episode = factories.episode(officer, referral_=referral, seen=seen)
    episode.allocated_at = utcnow() - timedelta(days=allocated_days_ago)
    episode.opened_at = episode.allocated_at
    db.session.commit()
    if first_contact_days_ago is not None:
        contacts.record(by=officer, episode=episode, kind="phone", status="held",
                        on=TODAY - timedelta(days=first_contact_days_ago), duration_minutes=10)
    return episode


def _names_in_order(html: str) -> list[str]:
    return re.findall(r'class="hl-caseload__name"[^>]*>(\w+) Caseload<', html)


def test_newly_allocated_come_first_then_by_next_planned_contact(client, sign_in, officer):
    later = _episode(officer, "Later", first_contact_days_ago=3)
    sooner = _episode(officer, "Sooner", first_contact_days_ago=3)
    unplanned = _episode(officer, "Unplanned", first_contact_days_ago=3)
    _episode(officer, "Newcomer", seen=False)
    contacts.record(by=officer, episode=later, kind="phone", status="planned", on=TODAY + timedelta(days=9))
    contacts.record(by=officer, episode=sooner, kind="home_visit", status="planned", on=TODAY + timedelta(days=2))
    assert unplanned.first_contact_on is not None
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    assert _names_in_order(html) == ["Newcomer", "Sooner", "Later", "Unplanned"]
    assert "1 newly allocated" in html


def test_officer_sees_only_their_own_caseload(client, sign_in, officer):
    _episode(officer, "Mine")
    _episode(factories.user(role=Role.LINK_OFFICER), "Theirs")
    sign_in.as_user(officer)
    assert _names_in_order(client.get("/caseload/").get_data(as_text=True)) == ["Mine"]


def test_row_shows_last_contact_days_since_and_open_needs(client, sign_in, officer):
    episode = _episode(officer, "Row", first_contact_days_ago=6)
    needs.add(by=officer, episode=episode, area="debt", severity="high")
    met = needs.add(by=officer, episode=episode, area="food", severity="low")
    needs.update(by=officer, need=met, severity="low", status="met", notes="", version=met.version)
    needs.add(by=officer, episode=episode, area="housing", severity="low")
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    row = html.split("Row Caseload")[1].split("</li>")[0]
    assert "6 days ago" in row
    assert re.search(r'class="hl-case__needs">2<', row), "2 open needs: debt and housing (food is met)"


def test_no_contact_for_more_than_14_days_is_flagged(client, sign_in, officer):
    _episode(officer, "Quiet", allocated_days_ago=30, first_contact_days_ago=15)
    _episode(officer, "Recent", allocated_days_ago=30, first_contact_days_ago=14)
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    assert "No contact for 15 days" in html.split("Quiet Caseload")[1].split("</li>")[0]
    assert "No contact for" not in html.split("Recent Caseload")[1].split("</li>")[0]


def test_no_contact_flag_days_is_configurable(app, client, sign_in, officer):
    app.config["NO_CONTACT_FLAG_DAYS"] = 7
    _episode(officer, "Week", allocated_days_ago=30, first_contact_days_ago=8)
    sign_in.as_user(officer)
    assert "No contact for 8 days" in client.get("/caseload/").get_data(as_text=True)


def test_first_contact_not_made_after_five_working_days_is_flagged(client, sign_in, officer):
    _episode(officer, "Waiting", allocated_days_ago=10)
    _episode(officer, "Fresh", allocated_days_ago=0)
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    waiting = html.split("Waiting Caseload")[1].split("</li>")[0]
    assert "First contact not made" in waiting and "Waiting 10 days" in waiting
    assert "First contact not made" not in html.split("Fresh Caseload")[1].split("</li>")[0]


def test_working_days_skip_weekends():
    monday = date(2026, 3, 2)
    assert working_days_between(monday, date(2026, 3, 9)) == 5   # Tue–Fri + Mon
    assert working_days_between(monday, date(2026, 3, 10)) == 6
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1  # Friday to Monday


def test_risk_flags_show_on_the_caseload(client, sign_in, officer):
    _episode(officer, "Risky", risks=("dog",))
    sign_in.as_user(officer)
    assert "Dog or other animal in the home" in client.get("/caseload/").get_data(as_text=True)


def test_manager_chooses_an_officer_and_sees_their_caseload(client, sign_in, officer):
    _episode(officer, "Managed", seen=False)
    sign_in.as_role(Role.MANAGER)
    overview = client.get("/caseload/").get_data(as_text=True)
    assert officer.name in overview and f"?officer={officer.id}" in overview
    html = client.get(f"/caseload/?officer={officer.id}").get_data(as_text=True)
    assert _names_in_order(html) == ["Managed"]
    assert f"{officer.name}&#39;s caseload" in html or f"{officer.name}'s caseload" in html


def test_manager_asking_for_a_non_officer_gets_404(client, sign_in):
    manager = sign_in.as_role(Role.MANAGER)
    assert client.get(f"/caseload/?officer={manager.id}").status_code == 404


def test_discharged_people_leave_the_caseload(client, sign_in, officer):
    from app.services import discharge

    episode = _episode(officer, "Gone", first_contact_days_ago=2)
    discharge.discharge(by=officer, episode=episode, reason="moved_away", summary="Moved to Wales.", on=TODAY,
                        version=episode.version)
    sign_in.as_user(officer)
    assert _names_in_order(client.get("/caseload/").get_data(as_text=True)) == []
