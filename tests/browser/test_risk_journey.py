"""The risk record in a browser: the officer records "no known risks" for one person and a dog for
another, then ends the dog risk; the record (risks first) and the check-in page show the right
thing each time; a safeguarding concern reaches the manager's list. Screenshots: the risk section
at 768×1024, the forms at 320, the safeguarding list at 1280."""
from __future__ import annotations

from app.models.base import uk_today
from app.security import Role
from tests import factories
from tests.browser.conftest import DESKTOP, SCREENSHOTS, TABLET, go, screenshot, sign_in

PHONE_320 = {"width": 320, "height": 720}



def _section_shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.locator("#risks").screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url


def _today() -> str:
    today = uk_today()
    return f"{today.day} {today:%B %Y}"


def _world():
    locality = factories.locality("Halesowen")
    practice = factories.practice(ods_code="M87010", name="Lye Health Centre", locality_=locality)
    officer = factories.user(role=Role.LINK_OFFICER, name="Olive Adeyemi", locality_=locality)
    manager = factories.user(role=Role.MANAGER, name="Maria Kowalski")
    nora = factories.episode(officer, referral_=factories.referral(practice, status="allocated", given_name="Nora",
                                                                   family_name="Price"), seen=True)
    dev = factories.episode(officer, referral_=factories.referral(practice, status="allocated", given_name="Dev",
                                                                  family_name="Mistry"), seen=True)
    return officer, manager, nora.person_id, dev.person_id


def test_officer_records_no_known_risks_and_a_dog_then_ends_it(new_page, live_app):
    officer, manager, nora, dev = _world()
    page = new_page(TABLET)
    sign_in(page, officer.email, factories.PASSWORD)

    # Nora: nothing recorded yet, so the record says so first, then "no known risks" with its date.
    page.goto(f"/people/{nora}")
    first_section = page.locator(".hl-record-section").first
    assert first_section.get_attribute("id") == "risks"
    assert "Risks not yet assessed" in first_section.inner_text()
    go(page, "#risks a:has-text('Record no known risks')")
    go(page, "button:has-text('Record no known risks')")
    risks = page.locator("#risks").inner_text()
    assert f"No known risks (recorded {_today()} by Olive Adeyemi)" in risks
    assert "Risks not yet assessed" not in risks
    _section_shot(page, "risks-none-known-768")
    page.goto(f"/people/{nora}/visits/check-in")
    assert f"No known risks (recorded {_today()} by Olive Adeyemi)" in page.locator("main").inner_text()

    # Dev: a dog, added on a 320 px phone.
    phone = new_page(PHONE_320)
    sign_in(phone, officer.email, factories.PASSWORD)
    phone.goto(f"/people/{dev}/risks/new")
    go(phone, "button:has-text('Add risk')")
    assert "Choose the risk, or choose another risk and describe it" in phone.locator(".nhsuk-error-summary").inner_text()
    screenshot(phone, "risk-new-error-320")
    _no_sideways_scroll(phone)
    phone.check("input[name='risk'][value='dog']")
    phone.fill("#detail", "Large dog; ask for it to be shut in the kitchen before going in.")
    screenshot(phone, "risk-new-320")
    _no_sideways_scroll(phone)
    go(phone, "button:has-text('Add risk')")
    assert "Risk recorded: Dog or other animal in the home" in phone.locator(".nhsuk-notification-banner").inner_text()

    page.goto(f"/people/{dev}")
    callout = page.locator("#risks .nhsuk-card--warning")
    assert "Dog or other animal in the home" in callout.inner_text() and "shut in the kitchen" in callout.inner_text()
    assert f"Recorded {_today()} by Olive Adeyemi" in callout.inner_text()
    _section_shot(page, "risks-dog-768")
    page.goto(f"/people/{dev}/visits/check-in")
    check_in = page.locator(".nhsuk-card--warning").first
    assert "Before you go in: risks for this visit" in check_in.inner_text()
    assert "Dog or other animal in the home" in check_in.inner_text()
    assert check_in.bounding_box()["y"] < page.locator("button:has-text('Check in')").bounding_box()["y"]

    # The dog is rehomed: the officer ends the risk, on the phone.
    phone.goto(f"/people/{dev}")
    go(phone, "#risks a:has-text('End')")
    go(phone, "button:has-text('End this risk')")
    assert "Say why this risk no longer applies" in phone.locator(".nhsuk-error-summary").inner_text()
    phone.fill("#reason", "The dog was rehomed with his sister.")
    screenshot(phone, "risk-end-320")
    _no_sideways_scroll(phone)
    go(phone, "button:has-text('End this risk')")

    page.goto(f"/people/{dev}")
    risks = page.locator("#risks")
    assert "Risks not yet assessed" in risks.inner_text()
    assert risks.locator(".nhsuk-card--warning").inner_text().count("Dog or other animal") == 0
    page.click("#risks summary:has-text('Ended risks (1)')")
    assert "The dog was rehomed with his sister." in risks.inner_text()
    _section_shot(page, "risks-ended-768")
    page.goto(f"/people/{dev}/visits/check-in")
    main = page.locator("main").inner_text()
    assert "Before you go in: risks not yet assessed" in main and "Dog or other animal" not in main

    # A safeguarding concern, recorded on the phone, reaches the manager's list.
    phone.goto(f"/people/{dev}/safeguarding/new")
    phone.fill("#concern", "Says his nephew keeps his bank card.")
    phone.fill("#action_taken", "Told Maria; referred to the council's adult safeguarding team, ref AS-1042.")
    screenshot(phone, "concern-new-320")
    _no_sideways_scroll(phone)
    go(phone, "button:has-text('Record concern')")
    manager_page = new_page(DESKTOP)
    sign_in(manager_page, manager.email, factories.PASSWORD)
    manager_page.goto("/triage/")
    go(manager_page, "header a:has-text('Safeguarding')")
    listed = manager_page.locator("main").inner_text()
    assert "Dev Mistry" in listed and "nephew keeps his bank card" in listed and "AS-1042" in listed
    assert "Nora Price" not in listed
    screenshot(manager_page, "safeguarding-list-1280")
    phone.goto(f"/people/{dev}")
    go(phone, "#risks a:has-text('Close')")
    screenshot(phone, "concern-close-320")
    _no_sideways_scroll(phone)
