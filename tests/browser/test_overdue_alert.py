"""A manager who leaves a page open learns that a home visit has become overdue, and that it has
been resolved, without reloading: the page asks for the alert again (static/js/hearthlink.js)."""
from __future__ import annotations

import re
from datetime import timedelta

from app.models.base import utcnow
from app.security import Role
from app.services import visits
from tests import factories
from tests.browser.conftest import DESKTOP, screenshot, sign_in


def _manager_with_an_officer_out(live_app, new_page, path: str):
    """A manager's page at `path` asking every second, and an officer with a person to visit."""
    live_app.config["OVERDUE_ALERT_POLL_SECONDS"] = 1
    officer = factories.user(role=Role.LINK_OFFICER, name="Olive Officer")
    episode = factories.episode(officer)
    page = new_page(DESKTOP)
    sign_in(page, factories.user(role=Role.MANAGER).email, factories.PASSWORD)
    page.goto(path)
    return page, officer, episode


def test_the_alert_appears_and_goes_on_a_page_left_open(live_app, new_page):
    from playwright.sync_api import expect

    page, officer, episode = _manager_with_an_officer_out(live_app, new_page, "/triage/")
    banner = page.locator(".hl-overdue-alert")
    news = page.locator("#hl-overdue-news")
    assert banner.count() == 0 and news.inner_text() == ""
    page.evaluate("window.leftOpen = true")  # gone if anything reloaded the page

    now = utcnow()
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=20),
                            now=now - timedelta(hours=1))
    expect(banner).to_be_visible(timeout=15_000)
    assert "Olive Officer has not checked out of a home visit" in banner.inner_text()
    expect(news).to_have_text(re.compile(r"^1 overdue home visit\. Olive Officer has not checked out of a home visit"
                                         r" due to end at \d\d:\d\d \(\d+ min ago\)\.$"))
    assert page.evaluate("window.leftOpen === true")  # the same page: nothing reloaded it
    screenshot(page, "overdue-alert-arrives-1280")

    page.evaluate("document.getElementById('hl-overdue-news').textContent = ''")
    page.wait_for_timeout(2_500)  # a few more asks: the minutes may change, the visits do not
    assert news.inner_text() == "" and banner.count() == 1

    visits.check_out(by=officer, visit=visit)
    expect(banner).to_have_count(0, timeout=15_000)
    expect(news).to_have_text("No home visits are overdue now.")


def test_a_page_left_open_past_the_idle_timeout_goes_to_the_sign_in_page(live_app, new_page):
    """The alert's ask does not keep the session open; once the session has ended, the page goes
    where the ask was sent, the sign-in page saying why, and no longer shows the records."""
    from playwright.sync_api import expect
    from sqlalchemy import select

    from app.extensions import db
    from app.models import StaffSession

    live_app.config["OVERDUE_ALERT_POLL_SECONDS"] = 1
    manager = factories.user(role=Role.MANAGER)
    page = new_page(DESKTOP)
    sign_in(page, manager.email, factories.PASSWORD)
    page.goto("/triage/")
    record = db.session.scalars(select(StaffSession).where(StaffSession.user_id == manager.id)).one()
    record.last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    expect(page).to_have_url(re.compile(r"/login\?next=%2Ftriage%2F$|/login\?next=/triage/$"), timeout=15_000)
    main = page.locator("main").inner_text()
    assert "You were signed out because you had not used Hearthlink for 30 minutes" in main
    assert "Sign in to continue." not in main and "Triage" not in page.title()


def test_the_visits_page_left_open_opens_itself_again_when_the_overdue_visits_change(live_app, new_page):
    """The Visits page lists the overdue visits itself (no banner): a manager keeping it open on a
    second screen sees a visit move into the overdue list without reloading, and hears that it did."""
    from playwright.sync_api import expect

    page, officer, episode = _manager_with_an_officer_out(live_app, new_page, "/visits/")
    assert "No overdue visits" in page.locator("main").inner_text()
    page.evaluate("window.leftOpen = true")
    page.wait_for_timeout(2_500)  # asks that find nothing new change nothing
    assert page.evaluate("window.leftOpen === true")
    now = utcnow()
    visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=20), now=now - timedelta(hours=1))
    expect(page.locator("main")).to_contain_text("1 overdue visit", timeout=15_000)
    assert page.evaluate("window.leftOpen === undefined")  # opened again
    assert page.locator(".hl-overdue-alert").count() == 0
    expect(page.locator("#hl-overdue-news")).to_have_text("The overdue home visits have changed.")


def test_the_visits_page_left_open_opens_itself_again_when_a_visit_starts_or_ends(live_app, new_page):
    """Its "In progress" list stays current too: a visit started on time, then ended, each opens the
    page again (and says so); asks that find the same visits under way leave it alone."""
    from playwright.sync_api import expect

    page, officer, episode = _manager_with_an_officer_out(live_app, new_page, "/visits/")
    assert "No other visits in progress" in page.locator("main").inner_text()
    page.evaluate("window.leftOpen = true")
    now = utcnow()
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=now + timedelta(hours=1), now=now)
    in_progress = page.locator("main").get_by_role("heading", name="In progress").locator("xpath=following-sibling::*[1]")
    expect(in_progress).to_contain_text("Olive Officer", timeout=15_000)
    assert page.evaluate("window.leftOpen === undefined")  # opened again
    expect(page.locator("#hl-overdue-news")).to_have_text("A home visit has started or ended.")
    assert "No overdue visits" in page.locator("main").inner_text()  # on time: not listed as overdue
    page.evaluate("window.leftOpen = true")
    page.wait_for_timeout(2_500)  # the same visit under way: left alone
    assert page.evaluate("window.leftOpen === true")
    visits.check_out(by=officer, visit=visit)
    expect(page.locator("main")).to_contain_text("No other visits in progress", timeout=15_000)
    assert page.evaluate("window.leftOpen === undefined")


def test_the_visits_page_keeps_an_officer_half_chosen_and_says_what_changed(live_app, new_page):
    """A manager who has picked an officer in the history's filter but not yet pressed "Show visits"
    loses nothing: the page is not opened again under them; it says, once, what changed and that
    its lists are from before, and "Show visits" shows the chosen officer's visits and the new one."""
    from playwright.sync_api import expect

    live_app.config["OVERDUE_ALERT_POLL_SECONDS"] = 1
    now = utcnow()
    officers = [factories.user(role=Role.LINK_OFFICER, name=name) for name in ("Olive Officer", "Peter Officer")]
    for officer in officers:  # each with a visit finished yesterday, so the filter offers both
        visit = visits.check_in(by=officer, episode=factories.episode(officer), now=now - timedelta(days=1),
                                expected_end_at=now - timedelta(days=1) + timedelta(hours=1))
        visits.check_out(by=officer, visit=visit, now=now - timedelta(days=1) + timedelta(minutes=50))
    page = new_page(DESKTOP)
    sign_in(page, factories.user(role=Role.MANAGER).email, factories.PASSWORD)
    page.goto("/visits/")
    page.select_option("#officer", label="Peter Officer")  # chosen, not yet shown
    page.evaluate("window.leftOpen = true")

    visits.check_in(by=officers[0], episode=factories.episode(officers[0]), now=now,
                    expected_end_at=now + timedelta(hours=1))
    notice = page.locator(".hl-stale-notice")
    expect(notice).to_have_text("A home visit has started or ended. The lists below are from before. Press"
                                " \u201cShow visits\u201d, or open this page again, to see them as they are now.",
                                timeout=15_000)
    expect(page.locator("#hl-overdue-news")).to_have_text(notice.inner_text())
    assert page.evaluate("window.leftOpen === true")  # not opened again under the manager
    assert page.locator("#officer option:checked").inner_text() == "Peter Officer"
    assert "No other visits in progress" in page.locator("main").inner_text()  # as it was
    page.wait_for_timeout(2_500)  # further asks finding the same visits say nothing more
    assert notice.count() == 1 and page.evaluate("window.leftOpen === true")
    screenshot(page, "visits-half-chosen-filter-kept-1280")

    page.get_by_role("button", name="Show visits").click()
    main = page.locator("main").inner_text()
    assert "1 visit by Peter Officer finished in the last 14 days" in main
    in_progress = page.locator("main").get_by_role("heading", name="In progress").locator("xpath=following-sibling::*[1]")
    assert "Olive Officer" in in_progress.inner_text() and page.locator(".hl-stale-notice").count() == 0
