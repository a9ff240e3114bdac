"""A manager searches the audit log by person, user, action and date."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.extensions import db
from app.models import AuditEvent
from app.models.base import uk_today
from app.security import Role
from app.services import needs
from tests import factories


@pytest.fixture
def officer(app):
    return factories.user(role=Role.LINK_OFFICER, email="olive@example.nhs.uk")


@pytest.fixture
def two_people(officer):
    return [factories.episode(officer, referral_=factories.referral(status="allocated")) for _ in range(2)]


def _rows(html: str) -> int:
    return html.count('<tr role="row" class="nhsuk-table__row">')


def test_manager_finds_who_viewed_a_persons_record(client, sign_in, officer, two_people):
    first, second = two_people
    sign_in.as_user(officer)
    client.get(f"/people/{first.person_id}")
    client.get(f"/people/{first.person_id}")
    client.get(f"/people/{second.person_id}")
    sign_in.out()
    sign_in.as_role(Role.MANAGER)
    html = client.get(f"/audit/?person={first.person.nhs_number}&action=person.view").get_data(as_text=True)
    assert _rows(html) == 2
    assert "olive@example.nhs.uk" in html and "2 events" in html


def test_search_by_user_and_by_action(client, sign_in, officer, two_people):
    needs.add(by=officer, episode=two_people[0], area="debt", severity="low")
    other = factories.user(role=Role.LINK_OFFICER, email="other@example.nhs.uk")
    needs.add(by=other, episode=two_people[1], area="food", severity="low")
    sign_in.as_role(Role.MANAGER)
    html = client.get("/audit/?user=olive&action=need.create").get_data(as_text=True)
    assert _rows(html) == 1 and "debt" in html and "food (low)" not in html


def test_search_by_date_excludes_other_days(client, sign_in, officer, two_people):
    needs.add(by=officer, episode=two_people[0], area="debt", severity="low")
    sign_in.as_role(Role.MANAGER)
    yesterday = uk_today() - timedelta(days=2)
    html = client.get(f"/audit/?action=need.create&until-day={yesterday.day}&until-month={yesterday.month}"
                      f"&until-year={yesterday.year}").get_data(as_text=True)
    assert "0 events" in html


def test_times_and_searched_days_are_the_uks(client, sign_in):
    """23:30 UTC on 30 June is 00:30 on 1 July in British Summer Time: shown so, and found by a
    search for 1 July, not 30 June."""
    db.session.add(AuditEvent(at=datetime(2026, 6, 30, 23, 30, 5), actor_email="night@example.nhs.uk",
                              action="need.create", subject_type="episode", subject_id="1"))
    db.session.commit()
    sign_in.as_role(Role.MANAGER)

    def search(day: date) -> str:
        return client.get(f"/audit/?user=night&since-day={day.day}&since-month={day.month}&since-year={day.year}"
                          f"&until-day={day.day}&until-month={day.month}&until-year={day.year}").get_data(as_text=True)

    first_of_july = search(date(2026, 7, 1))
    assert _rows(first_of_july) == 1 and "01/07/2026 00:30:05" in first_of_july
    assert "Times are UK time." in first_of_july
    assert _rows(search(date(2026, 6, 30))) == 0


@pytest.mark.parametrize("role", [Role.LINK_OFFICER, Role.GP_PRACTICE, Role.COMMISSIONER])
def test_only_managers_search_the_audit_log(client, sign_in, role):
    sign_in.as_role(role)
    assert client.get("/audit/").status_code == 403
