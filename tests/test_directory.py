"""Directory pages: search, open now, the service page, add/edit, corrections, demand."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models.base import uk_today
from app.models.directory import Service
from app.models.directory_taxonomy import DirectoryCorrection
from app.models.onward import OnwardReferral
from app.security import Role
from app.services.directory_hours import LONDON, is_open, tokens_for
from app.services.directory_search import DirectoryQuery, search
from tests import factories


@pytest.fixture
def places():
    return factories.locality("Stourbridge"), factories.locality("Halesowen")


def _names(query: DirectoryQuery) -> list[str]:
    return [s.name for s in search(query).items]


def test_search_by_words_need_locality_and_sector(app, places):
    stourbridge, halesowen = places
    factories.directory_service("Debt advice clinic", organisation="Citizens Advice", need_areas=("debt",),
                                localities=[stourbridge])
    factories.directory_service("Money matters", organisation="Halesowen Debt Line", need_areas=("debt",),
                                localities=[halesowen], sector="social_enterprise")
    factories.directory_service("Walking for health", need_areas=("physical_activity",), localities=[stourbridge],
                                sector="statutory")
    assert _names(DirectoryQuery(words="debt")) == ["Debt advice clinic", "Money matters"]
    assert _names(DirectoryQuery(words="DEBT", locality_id=stourbridge.id)) == ["Debt advice clinic"]
    assert _names(DirectoryQuery(need_area="physical_activity")) == ["Walking for health"]
    assert _names(DirectoryQuery(sector="social_enterprise")) == ["Money matters"]
    assert _names(DirectoryQuery(words="debt walking")) == []
    assert _names(DirectoryQuery(words="100%_")) == []


def test_open_now_follows_weekly_and_monthly_schedules_in_london_time(app):
    factories.directory_service("Monday morning group", schedule="MO 10:00-12:00")
    factories.directory_service("Second Tuesday evening", schedule="2TU 18:00-20:00")
    factories.directory_service("Last Friday lunch", schedule="-1FR 12:00-14:00")
    monday_11 = datetime(2025, 3, 3, 11, 0, tzinfo=LONDON)  # a Monday
    assert _names(DirectoryQuery(open_now=True, at=monday_11)) == ["Monday morning group"]
    assert _names(DirectoryQuery(open_now=True, at=monday_11.replace(hour=12))) == []  # closes at 12:00
    second_tuesday = datetime(2025, 3, 11, 19, 30, tzinfo=LONDON)
    assert _names(DirectoryQuery(open_now=True, at=second_tuesday)) == ["Second Tuesday evening"]
    assert _names(DirectoryQuery(open_now=True, at=second_tuesday - timedelta(days=7))) == []
    last_friday = datetime(2025, 3, 28, 13, 0, tzinfo=LONDON)
    assert _names(DirectoryQuery(open_now=True, at=last_friday)) == ["Last Friday lunch"]
    # 11:00 UTC in British Summer Time is 12:00 in London: the Monday group has closed.
    from datetime import UTC
    summer_monday_utc = datetime(2025, 7, 7, 11, 0, tzinfo=UTC)
    assert _names(DirectoryQuery(open_now=True, at=summer_monday_utc)) == []
    assert _names(DirectoryQuery(open_now=True, at=summer_monday_utc - timedelta(hours=1))) == ["Monday morning group"]
    service = db.session.scalar(select(Service).where(Service.name == "Second Tuesday evening"))
    assert is_open(service.schedules, second_tuesday) and not is_open(service.schedules, monday_11)


def test_day_tokens_name_the_nth_and_last_weekday():
    assert tokens_for(date(2025, 3, 31)).monthly == ("MO", "5MO", "-1MO")
    assert tokens_for(date(2025, 3, 3)).monthly == ("MO", "1MO", "-5MO")


def test_officer_searches_and_sees_results_page(app, client, sign_in, places):
    stourbridge, _ = places
    factories.directory_service("Debt advice clinic", need_areas=("debt",), localities=[stourbridge])
    factories.directory_service("Knit and natter", need_areas=("loneliness",))
    sign_in.as_role(Role.LINK_OFFICER)
    page = client.get(f"/directory/?q=debt&locality={stourbridge.id}").get_data(as_text=True)
    assert "1 service found" in page and "Debt advice clinic" in page and "Knit and natter" not in page


def test_service_page_has_what_an_officer_needs_on_a_doorstep(app, client, sign_in):
    service = factories.directory_service(
        "Debt advice clinic", organisation="Citizens Advice", need_areas=("debt",), schedule="MO,TH 10:00-12:00",
        phone="01384 816222", address_1="1 High Street", city="Stourbridge", postcode="DY8 1AA", cost="Free",
        who_it_is_for="Adults living in Dudley borough", access_routes=["self_referral", "formal_referral"],
        application_process="Phone to book")
    sign_in.as_role(Role.COMMISSIONER)
    page = client.get(f"/directory/services/{service.id}").get_data(as_text=True)
    for expected in ("Debt advice clinic", "Citizens Advice", "Adults living in Dudley borough", "Self-referral",
                     "Formal referral with consent", "Phone to book", "Mondays and Thursdays, 10:00 to 12:00",
                     "1 High Street, Stourbridge DY8 1AA", "Free", 'href="tel:01384816222"', "Debt and money"):
        assert expected in page, expected
    assert "Edit this service" not in page and "Propose a correction" not in page


def test_stale_entries_are_flagged_and_a_manager_marks_them_checked(app, client, sign_in, no_csrf):
    stale = factories.directory_service("Old entry", checked_on=uk_today() - timedelta(days=400))
    fresh = factories.directory_service("New entry", checked_on=uk_today() - timedelta(days=30))
    assert stale.is_stale() and not fresh.is_stale()
    sign_in.as_role(Role.MANAGER)
    page = client.get("/directory/?review=y").get_data(as_text=True)
    assert "Old entry" in page and "New entry" not in page and "Due for checking" in page
    client.post(f"/directory/services/{stale.id}/checked")
    assert db.session.get(Service, stale.id).last_checked_on == uk_today()


def test_manager_adds_a_service_and_errors_keep_what_was_typed(app, client, sign_in, no_csrf, places):
    stourbridge, _ = places
    sign_in.as_role(Role.MANAGER)
    form = {"name": "Warm space", "organisation_name": "St Mary's Church", "sector": "faith", "status": "active",
            "need_areas": ["heating", "loneliness"], "locality_ids": [str(stourbridge.id)],
            "schedule": "Tuesdays 10-12", "phone": "01384 123456"}
    page = client.post("/directory/services/new", data=form).get_data(as_text=True)
    assert "should look like MO,TH 10:00-12:00" in page and 'value="St Mary&#39;s Church"' in page
    response = client.post("/directory/services/new", data=form | {"schedule": "TU,WE 10:00-12:00"})
    assert response.status_code == 303
    saved = db.session.scalar(select(Service).where(Service.name == "Warm space"))
    assert saved.organization.sector == "faith" and saved.need_area_values == ["heating", "loneliness"]
    assert saved.locality_names == ["Stourbridge"] and saved.schedules[0].byday == "TU,WE"


def test_two_managers_editing_never_overwrite_each_other(app, client, sign_in, no_csrf):
    service = factories.directory_service("Lunch club", need_areas=("food",))
    sign_in.as_role(Role.MANAGER)
    form = {"name": "Lunch club (Fridays)", "organisation_name": service.organization.name, "sector": "voluntary",
            "status": "active", "need_areas": ["food"], "version": str(service.version)}
    assert client.post(f"/directory/services/{service.id}/edit", data=form).status_code == 303
    page = client.post(f"/directory/services/{service.id}/edit", data=form | {"name": "Lunch club (Mondays)"})
    assert "Someone else changed this service" in page.get_data(as_text=True)
    assert db.session.get(Service, service.id).name == "Lunch club (Fridays)"


def test_link_officer_cannot_edit_but_proposes_a_correction_a_manager_accepts(app, client, sign_in, no_csrf):
    service = factories.directory_service("Carers group", need_areas=("carer_support",), phone="01384 000111")
    officer = sign_in.as_role(Role.LINK_OFFICER)
    assert client.get(f"/directory/services/{service.id}/edit").status_code == 403
    client.post(f"/directory/services/{service.id}/correction",
                data={"field": "phone", "proposed_value": "01384 999888", "reason": "I rang them"})
    correction = db.session.scalar(select(DirectoryCorrection))
    assert (correction.proposed_by_id, correction.status) == (officer.id, "pending")
    assert db.session.get(Service, service.id).phones[0].number == "01384 000111"
    sign_in.out()
    sign_in.as_role(Role.MANAGER)
    assert "01384 999888" in client.get("/directory/corrections").get_data(as_text=True)
    client.post(f"/directory/corrections/{correction.id}/accept", data={})
    assert db.session.get(Service, service.id).phones[0].number == "01384 999888"
    assert db.session.get(DirectoryCorrection, correction.id).status == "accepted"


def test_manager_rejects_a_correction_and_nothing_changes(app, client, sign_in, no_csrf):
    service = factories.directory_service("Carers group", need_areas=("carer_support",))
    factories.user(Role.LINK_OFFICER)
    db.session.add(DirectoryCorrection(service_id=service.id, field="description", proposed_value="Closed"))
    db.session.commit()
    sign_in.as_role(Role.MANAGER)
    correction = db.session.scalar(select(DirectoryCorrection))
    client.post(f"/directory/corrections/{correction.id}/reject", data={"note": "Still running"})
    assert db.session.get(DirectoryCorrection, correction.id).status == "rejected"
    assert db.session.get(Service, service.id).description == ""


@pytest.mark.parametrize("role,status", [(Role.LINK_OFFICER, 200), (Role.GP_PRACTICE, 200), (Role.COMMISSIONER, 200),
                                         (Role.ADMIN, 200), (Role.MANAGER, 200)])
def test_every_staff_role_can_open_the_directory(app, client, sign_in, role, status):
    sign_in.as_role(role)
    assert client.get("/directory/").status_code == status
    assert client.get("/directory/demand").status_code == (200 if role is Role.MANAGER else 403)


def _onward(episode, service, status, sector, made_on):
    item = OnwardReferral(episode=episode, service_id=service.id, organisation_name=service.organization.name,
                          service_name=service.name, sector=sector, kind="linkage", status=status, made_on=made_on)
    db.session.add(item)
    db.session.commit()


def test_demand_page_counts_referrals_outcomes_and_the_voluntary_share(app, client, sign_in):
    officer = factories.user(Role.LINK_OFFICER)
    episode = factories.episode(officer)
    debt = factories.directory_service("Debt clinic", organisation="Citizens Advice")
    council = factories.directory_service("Council housing team", organisation="Dudley Council", sector="statutory")
    day = date(2025, 2, 10)
    for status in ("attending", "completed", "declined"):
        _onward(episode, debt, status, "voluntary", day)
    _onward(episode, council, "did_not_attend", "statutory", day)
    _onward(episode, council, "made", "statutory", date(2024, 1, 1))  # outside the period
    sign_in.as_role(Role.MANAGER)
    page = client.get("/directory/demand?start=2025-01-01&end=2025-03-31").get_data(as_text=True)
    assert "75.0% of 4 onward referrals went to the voluntary and community sector" in page
    assert "above the 70%" in page
    row = page.split("Citizens Advice</td>")[1].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[2:8]] == ["3", "1", "1", "1", "0", "0"]


def test_open_now_includes_fortnightly_schedules_in_their_running_weeks(app):
    import uuid

    from app.models.directory_places import Schedule

    service = factories.directory_service("Fortnightly cuppa club")
    db.session.add(Schedule(id=str(uuid.uuid4()), service_id=service.id, owner_service_id=service.id,
                            freq="WEEKLY", interval=2, byday="MO,TH", dtstart=date(2025, 3, 6),  # a Thursday
                            opens_at="10:00", closes_at="12:00"))
    db.session.commit()
    at = lambda day: datetime(day.year, day.month, day.day, 10, 30, tzinfo=LONDON)  # noqa: E731
    # Weeks counted in whole weeks from Thursday 6 March: 6–12 March runs, 13–19 March does not, 20–26 runs.
    assert _names(DirectoryQuery(open_now=True, at=at(date(2025, 3, 6)))) == ["Fortnightly cuppa club"]
    assert _names(DirectoryQuery(open_now=True, at=at(date(2025, 3, 10)))) == ["Fortnightly cuppa club"]
    assert _names(DirectoryQuery(open_now=True, at=at(date(2025, 3, 13)))) == []
    assert _names(DirectoryQuery(open_now=True, at=at(date(2025, 3, 17)))) == []
    assert _names(DirectoryQuery(open_now=True, at=at(date(2025, 3, 20)))) == ["Fortnightly cuppa club"]


def test_open_now_in_sql_agrees_with_the_service_page_day_by_day(app):
    """Every-N-weeks schedules, days before and after their start: the SQL filter and runs_on agree."""
    import uuid

    from app.models.directory_places import Schedule

    schedules = []
    for interval in (1, 2, 3, 4):
        for start in (date(2025, 1, 6), date(2025, 1, 9), None):  # a Monday, a Thursday, no start at all
            service = factories.directory_service(f"Every {interval} weeks from {start}")
            item = Schedule(id=str(uuid.uuid4()), service_id=service.id, owner_service_id=service.id,
                            freq="WEEKLY", interval=interval, byday="MO,TH,SU", dtstart=start,
                            opens_at="09:00", closes_at="17:00")
            db.session.add(item)
            schedules.append((service.name, item))
    db.session.commit()
    day = date(2024, 12, 1)
    while day <= date(2025, 3, 31):
        moment = datetime(day.year, day.month, day.day, 12, 0, tzinfo=LONDON)
        expected = sorted(name for name, item in schedules if is_open([item], moment))
        assert _names(DirectoryQuery(open_now=True, at=moment)) == expected, day
        day += timedelta(days=1)


def test_search_finds_other_forms_of_a_word(app):
    factories.directory_service("Carer support group", description="For anyone caring for a family member")
    factories.directory_service("Walks for wellbeing", description="Gentle walking in the park")
    factories.directory_service("Sunday brunch club", description="Food and company")
    assert _names(DirectoryQuery(words="carers")) == ["Carer support group"]
    assert _names(DirectoryQuery(words="families")) == ["Carer support group"]  # famili -> family
    assert _names(DirectoryQuery(words="walking")) == ["Walks for wellbeing"]
    assert _names(DirectoryQuery(words="walked")) == ["Walks for wellbeing"]
    # A stem matches at the start of a word only: "running" (run) does not find "brunch".
    assert _names(DirectoryQuery(words="running")) == []
    assert _names(DirectoryQuery(words="carers walking")) == []


@given(word=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14))
def test_a_words_stems_are_never_shorter_than_three_letters_and_the_word_itself_is_kept(word):
    from app.services.directory_search import word_forms

    whole, stems = word_forms(word)
    assert whole == word and word not in stems
    assert all(len(stem) >= 3 for stem in stems)
