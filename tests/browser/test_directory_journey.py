"""An officer searches the directory for debt help in one locality, opens a service, then goes to a
person with a debt need, finds that service among the suggestions and makes a formal referral."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.base import uk_today
from app.models.onward import OnwardReferral
from app.security import Role
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, SCROLLING_TABLES, screenshot, sign_in


@pytest.fixture
def world(live_app):
    stourbridge, halesowen = factories.locality("Stourbridge"), factories.locality("Halesowen")
    officer = factories.user(Role.LINK_OFFICER, locality_=stourbridge)
    clinic = factories.directory_service(
        "Money and debt advice clinic", organisation="Stourbridge Citizens Advice", need_areas=("debt", "benefits"),
        localities=[stourbridge], schedule="MO,TH 09:30-12:30", phone="01384 816222", cost="Free",
        address_1="1 High Street", city="Stourbridge", postcode="DY8 1AA", access_routes=["self_referral", "formal_referral"],
        who_it_is_for="Anyone living in Dudley borough", application_process="Phone to book, or a link officer refers.",
        description="Free, confidential help with debts, budgeting and dealing with creditors.")
    factories.directory_service("Halesowen debt line", organisation="Halesowen Money Advice", need_areas=("debt",),
                                localities=[halesowen])
    factories.directory_service("Stourbridge walking group", organisation="Healthy Walks", need_areas=("physical_activity",),
                                localities=[stourbridge], schedule="TU 10:00-11:30")
    practice = factories.practice(locality_=stourbridge)
    episode = factories.episode(officer, referral_=factories.referral(practice, needs=("debt",)), seen=True)
    try:
        from app.models.support import Need
    except ImportError:
        Need = None
    if Need is not None:
        db.session.add(Need(episode_id=episode.id, area="debt", severity="high", status="identified",
                            identified_on=uk_today(), from_referral=True))
        db.session.commit()
    return {"officer": officer, "clinic": clinic, "episode": episode, "stourbridge": stourbridge}


def _search_for_debt_in_stourbridge(page, world) -> None:
    page.goto("/directory/")
    page.fill("#q", "debt")
    page.select_option("#locality", str(world["stourbridge"].id))
    page.click("button:has-text('Search')")
    page.wait_for_load_state()
    assert page.locator("#result-count").inner_text().strip() == "1 service found"
    assert page.locator(".hl-service-card").count() == 1


def test_officer_searches_the_directory_and_opens_a_service(new_page, world):
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = new_page(viewport)
        sign_in(page, world["officer"].email, factories.PASSWORD)
        _search_for_debt_in_stourbridge(page, world)
        assert "Money and debt advice clinic" in page.locator(".hl-service-card").inner_text()
        screenshot(page, f"directory-search-{name}")
        page.click("a:has-text('Money and debt advice clinic')")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Money and debt advice clinic"
        body = page.locator("main").inner_text()
        for expected in ("Anyone living in Dudley borough", "Formal referral with consent",
                         "Mondays and Thursdays, 09:30 to 12:30", "1 High Street, Stourbridge DY8 1AA", "Free"):
            assert expected in body, expected
        assert page.locator("a[href='tel:01384816222']").first.is_visible()
        screenshot(page, f"directory-service-{name}")


def test_officer_turns_a_suggestion_into_a_formal_referral(new_page, world, live_app):
    page = new_page(DESKTOP)
    sign_in(page, world["officer"].email, factories.PASSWORD)
    _search_for_debt_in_stourbridge(page, world)
    page.click("a:has-text('Money and debt advice clinic')")
    page.wait_for_load_state()

    episode, clinic = world["episode"], world["clinic"]
    page.goto(f"/people/{episode.person_id}")
    suggestion = page.locator(f".hl-suggestion[data-service-id='{clinic.id}']")
    assert suggestion.count() == 1
    assert "Halesowen debt line" in page.locator(".hl-suggestions").inner_text()  # matched, but ranked after
    first = page.locator(".hl-suggestion").first
    assert first.get_attribute("data-service-id") == clinic.id
    screenshot(page, "directory-suggestions-desktop")
    # Follow the suggestion's own link (the tab panel's visibility belongs to the support record).
    page.goto(suggestion.locator("a:has-text('Make a formal referral')").get_attribute("href"))
    page.wait_for_load_state()
    assert page.input_value("#organisation_name") == "Stourbridge Citizens Advice"
    page.check("#consent_to_share")
    today = uk_today()
    page.fill("input[name='consent_recorded_on-day']", str(today.day))
    page.fill("#consent_recorded_on-month", str(today.month))
    page.fill("#consent_recorded_on-year", str(today.year))
    page.click("button:has-text('Save')")
    page.wait_for_load_state()
    db.session.expire_all()
    made = db.session.scalars(select(OnwardReferral).where(OnwardReferral.episode_id == episode.id)).all()
    assert [(m.service_id, m.kind, m.consent_to_share) for m in made] == [(clinic.id, "formal_referral", True)]
    assert "Stourbridge Citizens Advice" in page.locator("main").inner_text()


def test_the_demand_table_shows_every_column_on_a_desktop(live_app, new_page):
    """A manager reads the demand on each organisation's services at 1280 px: nine columns, long
    names of organisations and services, and no scrolling sideways to reach "In progress"."""
    officer = factories.user(Role.LINK_OFFICER)
    episode = factories.episode(officer)
    names = [("Black Country Healthcare NHS Foundation Trust", "Diabetes self-management education course"),
             ("Dudley Council for Voluntary Service", "Volunteer befriending by telephone (Halesowen)"),
             ("Citizens Advice Dudley and Wolverhampton", "Benefits check and form filling (Stourbridge)")]
    for organisation, service_name in names:
        service = factories.directory_service(service_name, organisation=organisation)
        db.session.add(OnwardReferral(episode=episode, service_id=service.id, organisation_name=organisation,
                                      service_name=service_name, sector="social_enterprise", kind="linkage",
                                      status="did_not_attend", made_on=uk_today()))
    db.session.commit()
    page = new_page(DESKTOP)
    sign_in(page, factories.user(Role.MANAGER).email, factories.PASSWORD)
    page.goto("/directory/demand")
    assert page.locator(".hl-table-scroll tbody tr").count() == 4  # three services and "All"
    assert page.evaluate(SCROLLING_TABLES) == []
    assert page.get_by_role("columnheader", name="In progress").is_visible()
    screenshot(page, "directory-demand-1280")
