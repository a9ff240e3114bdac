"""The link officer's day at 768×1024: a newly allocated person, a checked-in home visit, the
holistic assessment, goals, wellbeing baselines, onward support, check-out; then the manager's
visits panel, discharge, and the practice reading the summary."""
from __future__ import annotations

from datetime import date, timedelta

from app.extensions import db
from app.models import ReferralEvent
from app.models.base import uk_local, uk_today, utcnow
from app.security import Role
from app.services import contacts
from tests import factories
from tests.browser.conftest import DESKTOP, SCREENSHOTS, TABLET, go, screenshot, sign_in

SECTIONS = [("About", "about"), ("Needs", "needs"), ("Goals", "goals"), ("Contacts", "contacts"),
            ("Home visits", "safety"), ("Onward support", "onward"), ("Peer support", "peer"),
            ("Wellbeing", "wellbeing"), ("Discharge", "discharge")]


def _fill_date(page, name: str, day: date) -> None:
    page.fill(f"input[name='{name}-day']", str(day.day))
    page.fill(f"input[name='{name}-month']", str(day.month))
    page.fill(f"input[name='{name}-year']", str(day.year))



def _tab(page, label: str) -> None:
    page.click(f".hl-record-nav a:text-is('{label}')")


def _section_shot(page, anchor: str, name: str) -> None:
    """Each section of the record on its own, for people to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.wait_for_load_state("networkidle")
    page.locator(f"#{anchor}").screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _world():
    locality = factories.locality("Brierley Hill")
    practice = factories.practice(ods_code="M87002", name="Canal Street Surgery", locality_=locality)
    officer = factories.user(role=Role.LINK_OFFICER, name="Olive Adeyemi", locality_=locality)
    manager = factories.user(role=Role.MANAGER, name="Maria Kowalski")
    gp = factories.user(role=Role.GP_PRACTICE, practice_=practice, name="Priya Shah")
    # Two people already in support, seen, with contacts: the new one must come first.
    for name, days in (("Arthur", 3), ("Beryl", 20)):
        ongoing = factories.episode(officer, referral_=factories.referral(practice, status="allocated",
                                                                          given_name=name, family_name="Green"),
                                    seen=True)
        contacts.record(by=officer, episode=ongoing, kind="phone", status="held",
                        on=uk_today() - timedelta(days=days), duration_minutes=20)
    referral = factories.referral(practice, status="allocated", given_name="Edna", family_name="Whitehouse",
                                  needs=("loneliness",), risks=("dog",))
    referral.risk_notes = "Two dogs; ask for them to be shut in the kitchen."
    db.session.commit()
    episode = factories.episode(officer, referral_=referral, seen=False)
    return officer, manager, gp, episode


def test_officer_visits_assesses_links_and_discharges_and_practice_sees_summary(new_page, live_app):
    officer, manager, gp, episode = _world()
    person_id, referral_id = episode.person_id, episode.referral_id
    end_local = uk_local(utcnow() + timedelta(hours=1))  # after 23:00 UK time, tomorrow's

    page = new_page(TABLET)
    sign_in(page, officer.email, factories.PASSWORD)
    page.goto("/caseload/")
    first_row = page.locator(".hl-case:not(.hl-case--head)").first
    assert "Edna Whitehouse" in first_row.inner_text() and "New" in first_row.inner_text()
    assert "Dog or other animal" in first_row.inner_text()
    screenshot(page, "caseload-768")
    go(page, "text=Edna Whitehouse")

    # Home visit: the risks come before the check-in button.
    _tab(page, "Home visits")
    go(page, "text=Start a home visit")
    callout = page.locator(".nhsuk-card--warning").first
    assert "Dog or other animal in the home" in callout.inner_text() and "Two dogs" in callout.inner_text()
    assert callout.bounding_box()["y"] < page.locator("button:has-text('Check in')").bounding_box()["y"]
    screenshot(page, "check-in-768")
    page.check("#risks_read")
    page.fill("#expected_end", end_local.strftime("%H:%M"))
    go(page, "button:has-text('Check in')")
    assert "Checked in" in page.locator(".nhsuk-notification-banner").inner_text()

    # Two needs: loneliness from the referral, heating found at home.
    _tab(page, "Needs")
    go(page, "text=Record loneliness and isolation")
    page.check("input[name='severity'][value='high']")
    go(page, "button:has-text('Add need')")
    go(page, "a:has-text('Add a need')")
    page.select_option("#area", "heating")
    page.check("input[name='severity'][value='medium']")
    page.fill("#notes", "Only the front room is heated; bills unopened.")
    go(page, "button:has-text('Add need')")
    needs_panel = page.locator("#needs")
    assert needs_panel.locator(".hl-need").count() == 2
    assert "Found at home" in needs_panel.locator(".hl-need", has_text="Heating and fuel").inner_text()
    assert "Found at home" not in needs_panel.locator(".hl-need", has_text="Loneliness").inner_text()

    # A goal with its first action.
    _tab(page, "Goals")
    go(page, "a:has-text('Add a goal')")
    page.fill("#description", "Get to the Thursday lunch club")
    page.select_option("#need_area", "loneliness")
    _fill_date(page, "review_on", uk_today() + timedelta(days=28))
    page.fill("#action", "Go along together the first time")
    page.fill("#action_by", "Link officer")
    go(page, "button:has-text('Add goal')")
    assert "Get to the Thursday lunch club" in page.locator("#goals").inner_text()

    # ONS4 and UCLA baselines.
    _tab(page, "Wellbeing")
    go(page, "text=Record ONS4 wellbeing")
    assert page.is_checked("input[name='stage'][value='baseline']")
    for name, value in (("life_satisfaction", "3"), ("worthwhile", "4"), ("happiness", "2"), ("anxiety", "8")):
        page.fill(f"#{name}", value)
    go(page, "button:has-text('Save scores')")
    go(page, "text=Record UCLA loneliness")
    for name in ("ucla_companionship", "ucla_left_out", "ucla_isolated"):
        page.check(f"input[name='{name}'][value='3']")
    go(page, "button:has-text('Save scores')")
    wellbeing = page.locator("#wellbeing").inner_text()
    assert "Life satisfaction" in wellbeing and "Total (3 to 9)" in wellbeing and "9" in wellbeing

    # A formal referral is refused without consent, then made with it; then a linkage.
    _tab(page, "Onward support")
    go(page, "text=Link or refer to an organisation")
    page.fill("#organisation_name", "Citizens Advice Dudley")
    page.fill("#service_name", "Energy debt advice")
    page.check("input[name='sector'][value='voluntary']")
    page.check("input[name='kind'][value='formal_referral']")
    page.check("input[name='need_areas'][value='heating']")
    go(page, "button:has-text('Save')")
    assert "written consent" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.input_value("#organisation_name") == "Citizens Advice Dudley"
    screenshot(page, "onward-refused-768")
    page.check("#consent_to_share")
    _fill_date(page, "consent_recorded_on", uk_today())
    go(page, "button:has-text('Save')")
    go(page, "text=Link or refer to an organisation")
    page.fill("#organisation_name", "St Thomas's Church")
    page.fill("#service_name", "Thursday lunch club")
    page.check("input[name='sector'][value='faith']")
    page.check("input[name='kind'][value='linkage']")
    page.check("#accompanied")
    go(page, "button:has-text('Save')")
    onward_panel = page.locator("#onward").inner_text()
    assert "Citizens Advice Dudley" in onward_panel and "Formal referral" in onward_panel
    assert "Linkage, accompanied" in onward_panel

    # Check out: the visit is logged as a contact.
    _tab(page, "Home visits")
    go(page, "#safety a:has-text('Check out')")
    page.fill("#notes", "Long chat about her late husband; keen on the lunch club.")
    go(page, "button:has-text('Check out')")
    _tab(page, "Contacts")
    assert "Home visit" in page.locator("#contacts").inner_text()
    screenshot(page, "record-768")
    for label, anchor in SECTIONS:
        _section_shot(page, anchor, f"record-{anchor}-768")

    # The manager sees the visit in the history and nothing overdue.
    manager_page = new_page(TABLET)
    sign_in(manager_page, manager.email, factories.PASSWORD)
    manager_page.goto("/visits/")
    assert "No overdue visits" in manager_page.inner_text("main")
    history = manager_page.inner_text("main").split("Visit history")[1]
    assert "Olive Adeyemi" in history and "Edna Whitehouse" in history
    screenshot(manager_page, "visits-768")

    # Discharge, with a summary for the practice.
    page.goto(f"/people/{person_id}#discharge")
    go(page, "a:has-text('Discharge Edna')")
    page.check("input[name='reason'][value='goals_met']")
    summary = "Edna now goes to the Thursday lunch club and has energy debt advice from Citizens Advice."
    page.fill("#summary", summary)
    go(page, "button:has-text('Discharge from support')")
    assert summary in page.locator("#discharge").inner_text()
    screenshot(page, "record-discharged-768")

    # The practice sees the summary on its referral.
    practice_page = new_page(TABLET)
    sign_in(practice_page, gp.email, factories.PASSWORD)
    practice_page.goto(f"/referrals/{referral_id}")
    assert summary in practice_page.inner_text("main")
    screenshot(practice_page, "practice-referral-discharged-768")
    last = db.session.query(ReferralEvent).filter_by(referral_id=referral_id).order_by(ReferralEvent.id.desc()).first()
    assert (last.to_status, last.note) == ("discharged", summary)


def test_caseload_and_record_sections_at_desktop_width(new_page, live_app):
    officer, manager, gp, episode = _world()
    contacts.record(by=officer, episode=episode, kind="home_visit", status="planned",
                    on=uk_today() + timedelta(days=3))
    page = new_page(DESKTOP)
    sign_in(page, officer.email, factories.PASSWORD)
    page.goto("/caseload/")
    screenshot(page, "caseload-1280")
    page.goto(f"/people/{episode.person_id}")
    screenshot(page, "record-1280")
    for label, anchor in SECTIONS:
        _section_shot(page, anchor, f"record-{anchor}-1280")
    manager_page = new_page(DESKTOP)
    sign_in(manager_page, manager.email, factories.PASSWORD)
    manager_page.goto("/caseload/")
    assert "Olive Adeyemi" in manager_page.inner_text("main")
    screenshot(manager_page, "caseloads-manager-1280")
    manager_page.goto("/audit/")
    assert "person.view" in manager_page.inner_text("main")
    screenshot(manager_page, "audit-1280")


def test_an_officer_covering_a_colleague_finds_their_person_and_comes_back_to_the_search(new_page, live_app):
    """Olive is on leave and Edna Whitehouse rings the office: a colleague finds her record on the
    tablet from the header's "Find a person", by her surname, and returns to the search."""
    officer, manager, gp, episode = _world()
    colleague = factories.user(role=Role.LINK_OFFICER, name="Sam Okafor")
    page = new_page(TABLET)
    sign_in(page, colleague.email, factories.PASSWORD)
    assert "Edna" not in page.inner_text("main")  # not on the colleague's own caseload
    page.click("header a:text-is('Find a person')")
    page.fill("input[name=q]", "whiteHOUSE")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/people/find?q=whiteHOUSE")
    found = page.locator("main li.hl-contact")
    assert found.count() == 1
    assert "Edna Whitehouse" in found.inner_text() and "with Olive Adeyemi" in found.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    screenshot(page, "find-person-768")
    page.click("text=Edna Whitehouse")
    page.wait_for_url(f"**/people/{episode.person_id}")
    page.click("a.nhsuk-back-link:has-text('Back to search results')")
    page.wait_for_url("**/people/find?q=whiteHOUSE")
    assert page.input_value("input[name=q]") == "whiteHOUSE" and page.locator("main li.hl-contact").count() == 1
    # Covering the whole leave: from the search to Olive's caseload, and back to the colleague's own.
    page.click("main li.hl-contact a:has-text('Olive Adeyemi')")
    page.wait_for_url(f"**/caseload/?officer={officer.id}")
    assert page.locator("h1").inner_text() == "Olive Adeyemi's caseload"
    assert "Edna Whitehouse" in page.inner_text("main") and "Arthur Green" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    screenshot(page, "colleagues-caseload-768")
    page.click("a.nhsuk-back-link:has-text('Back to my caseload')")
    page.wait_for_url("**/caseload/")
    page.click("text=Covering for a colleague? Open their caseload")  # the same caseload from one's own page
    page.wait_for_url("**/caseload/colleagues")
    page.click("main a:has-text('Olive Adeyemi')")
    page.wait_for_url(f"**/caseload/?officer={officer.id}")
