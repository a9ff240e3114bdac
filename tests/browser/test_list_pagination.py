"""The long lists in a browser: a middle page of triage, the practice's referrals, the audit log
and the directory, at 1280 and 320 px, shows the NHS.UK numbered pagination, fits the screen
without sideways scrolling, and its links keep the filters. Screenshots go to screenshots/."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models.base import utcnow
from app.security import Role
from app.services import audit
from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_accessibility import AXE, Audit

WIDTHS = {"1280": {"width": 1280, "height": 900}, "320": {"width": 320, "height": 720}}


def _world() -> dict:
    practice = factories.practice(name="Northfield Surgery")
    for i in range(60):  # two full triage pages and a third, and three pages of the practice's list
        factories.referral(practice, given_name=f"Person{i:02d}", received_days_ago=90 - i,
                           needs=("debt", "loneliness", "housing"))
    for i in range(30):
        factories.referral(practice, given_name=f"Accepted{i:02d}", status="accepted", received_days_ago=40 - i)
    for i in range(130):
        event = audit.record(by=None, action="person.view", subject_type="person", subject_id=i + 1,
                             detail=f"a very long detail that wraps on a phone screen {i}")
        event.at = utcnow() - timedelta(minutes=i)
    for i in range(45):
        factories.directory_service(f"Walking group {i:02d}", organisation=f"Walkers {i:02d}",
                                    need_areas=("physical_activity",))
    db.session.commit()
    return {"gp": factories.user(Role.GP_PRACTICE, practice_=practice), "manager": factories.user(Role.MANAGER),
            "officer": factories.user(Role.LINK_OFFICER)}


PAGES = [
    ("manager", "/triage/?page=2", "triage"),
    ("gp", "/referrals/?status=received&page=2", "referrals"),
    ("manager", "/audit/?action=person.view&page=2", "audit-log"),
    ("officer", "/directory/?need=physical_activity&page=2", "directory"),
]


@pytest.mark.parametrize("width", WIDTHS)
def test_each_list_pages_with_numbers_and_fits_the_screen(browser, live_app, width):
    people = _world()
    SCREENSHOTS.mkdir(exist_ok=True)
    for who, url, name in PAGES:
        context = browser.new_context(viewport=WIDTHS[width], base_url=live_app.config["LIVE_URL"],
                                      bypass_csp=True)  # lets the check inject axe-core
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", people[who].email)
        page.fill("#password", factories.PASSWORD)
        page.click("button:has-text('Sign in')")
        page.wait_for_load_state()
        page.goto(url)
        nav = page.locator("nav.nhsuk-pagination").first
        assert nav.is_visible(), url
        assert nav.locator("[aria-current=page]").inner_text().strip() == "2", url
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), f"{url} at {width}"
        query = "&".join(part for part in url.split("?", 1)[1].split("&") if not part.startswith("page="))
        for href in nav.locator("a.nhsuk-pagination__link").evaluate_all("links => links.map(l => l.href)"):
            assert query in href, (url, href)
        page.screenshot(path=str(SCREENSHOTS / f"list-{name}-page2-{width}.png"), full_page=True)
        if width == "1280" and AXE.exists():  # axe-core on the paginated page, at 1280 and 320 px
            checker = Audit(context, who)
            checker.check(url, load=lambda: checker.page.goto(url))
            assert not checker.failures, checker.failures
        context.close()
