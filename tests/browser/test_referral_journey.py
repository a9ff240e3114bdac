"""The referral journey across four people: practice → manager → officer → practice."""
from __future__ import annotations

from datetime import date, timedelta

from app.models.base import uk_today
from app.security import Role
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, TABLET, screenshot, sign_in


def _fill_date(page, name: str, day: date) -> None:
    page.fill(f"input[name='{name}-day']", str(day.day))
    page.fill(f"input[name='{name}-month']", str(day.month))
    page.fill(f"input[name='{name}-year']", str(day.year))


def _fill_referral(page, *, given: str, family: str, nhs: str, meeting: date | None = None) -> None:
    page.fill("#given_name", given)
    page.fill("#family_name", family)
    _fill_date(page, "date_of_birth", date(1948, 3, 27))
    page.fill("#nhs_number", nhs)
    page.fill("#address", "12 Canal Street\nBrierley Hill")
    page.fill("#postcode", "dy5 3ab")
    page.fill("#phone", "01384 456789")
    page.check("input[name='contact_method'][value='phone']")
    page.check("input[name='need_areas'][value='loneliness']")
    page.check("input[name='need_areas'][value='debt']")
    page.fill("#concerns", "Sees the GP weekly since her husband died; worried about money.")
    page.check("input[name='risks'][value='dog']")
    if meeting:
        page.fill("#referrer_name", "Dr Priya Shah")
        page.fill("#referrer_role", "GP partner")
        _fill_date(page, "mdt_meeting_date", meeting)
    page.check("#consent_to_referral")
    page.check("#consent_to_share")


def test_practice_refers_manager_allocates_officer_sees_practice_follows(new_page, live_app):
    from playwright.sync_api import expect

    locality = factories.locality("Brierley Hill")
    practice = factories.practice(ods_code="M87001", name="Canal Street Surgery", locality_=locality)
    gp = factories.user(Role.GP_PRACTICE, practice_=practice)
    manager = factories.user(Role.MANAGER)
    officer = factories.user(Role.LINK_OFFICER, name="Olu Adeyemi", locality_=locality)
    meeting = uk_today() - timedelta(days=1)
    first_nhs, second_nhs = factories.nhs_number(101), factories.nhs_number(102)

    # The practice: a bad NHS number is refused beside the field, and nothing typed is lost.
    page = new_page(DESKTOP)
    sign_in(page, gp.email, factories.PASSWORD)
    page.goto("/referrals/new")
    _fill_referral(page, given="Maureen", family="Hollis", nhs="999 000 0019", meeting=meeting)
    page.click("button:has-text('Send referral')")
    expect(page.locator("#nhs_number-error")).to_be_visible()  # waits for the answer to the post
    assert "check digit" in page.locator("#nhs_number-error").inner_text()
    assert page.input_value("#given_name") == "Maureen"
    assert page.input_value("#concerns").startswith("Sees the GP weekly")
    assert page.is_checked("input[name='need_areas'][value='debt']")
    assert page.input_value("input[name='mdt_meeting_date-day']") == str(meeting.day)
    screenshot(page, "referral-form-errors-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "referral-form-errors-phone")
    page.set_viewport_size(DESKTOP)

    page.fill("#nhs_number", first_nhs[:3] + "-" + first_nhs[3:6] + "-" + first_nhs[6:])
    page.click("button:has-text('Send and refer another')")
    assert "Referral for Maureen Hollis sent" in page.locator(".nhsuk-notification-banner").inner_text()
    # The meeting and referrer are carried over for the next person from the same meeting.
    assert page.input_value("#referrer_name") == "Dr Priya Shah"
    assert page.input_value("input[name='mdt_meeting_date-year']") == str(meeting.year)
    _fill_referral(page, given="Stanley", family="Cope", nhs=second_nhs)
    page.click("button:has-text('Send referral')")
    assert page.locator("h1").inner_text() == "Stanley Cope"
    page.click("text=2 referrals from this meeting")
    # The click only waits for the list to start loading: wait for its rows, not a count taken mid-parse.
    expect(page.locator("table tbody tr")).to_have_count(2)
    screenshot(page, "referral-list-desktop")

    # The manager: the oldest waiting referral first; accept and allocate in one step.
    manager_page = new_page(DESKTOP)
    sign_in(manager_page, manager.email, factories.PASSWORD)
    assert manager_page.url.endswith("/triage/")
    rows = manager_page.locator("#waiting-referrals tbody tr")
    assert rows.count() == 2 and "Maureen Hollis" in rows.nth(0).inner_text()
    screenshot(manager_page, "triage-desktop")
    manager_page.set_viewport_size(PHONE)
    screenshot(manager_page, "triage-phone")
    manager_page.set_viewport_size(DESKTOP)
    manager_page.click("text=Maureen Hollis")
    option = manager_page.locator("#accept-officer_id option", has_text="Olu Adeyemi")
    assert "Brierley Hill" in option.inner_text() and "0 open" in option.inner_text()
    manager_page.select_option("#accept-officer_id", label=option.inner_text())
    manager_page.click("button:has-text('Accept referral')")
    assert "allocated to Olu Adeyemi" in manager_page.locator(".nhsuk-notification-banner").inner_text()

    # The officer: the new person is at the top of the caseload.
    officer_page = new_page(TABLET)
    sign_in(officer_page, officer.email, factories.PASSWORD)
    assert officer_page.url.endswith("/caseload/")
    first_row = officer_page.locator("main").inner_text()
    assert "Maureen Hollis" in first_row
    screenshot(officer_page, "caseload-after-allocation-tablet")

    # The practice sees the new status, and what changed since it last looked.
    page.goto("/referrals/")
    assert "What has changed since you last looked" in page.locator("main").inner_text()
    row = page.locator("tr", has_text="Maureen Hollis")
    assert "Allocated to a link officer" in row.inner_text()
    assert "Olu Adeyemi" in row.inner_text()
    page.click("text=Maureen Hollis")
    assert "Allocated to Olu Adeyemi" in page.locator(".hl-timeline").inner_text()
    screenshot(page, "referral-detail-desktop")

    # Months later someone asks after her: the practice finds her by her surname.
    page.goto("/referrals/")
    page.fill("input[name=q]", "HOLLIS")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/referrals/?q=HOLLIS*")
    assert "Referrals matching the name “HOLLIS”: 1" in page.locator("main").inner_text()
    assert page.locator("tbody tr").count() == 1 and "Maureen Hollis" in page.locator("tbody tr").inner_text()
    page.click("text=Maureen Hollis")
    page.click("a.nhsuk-back-link:has-text('Back to referrals')")  # back to the search, not the whole list
    page.wait_for_url("**/referrals/?q=HOLLIS*")
    assert page.input_value("input[name=q]") == "HOLLIS" and page.locator("tbody tr").count() == 1
