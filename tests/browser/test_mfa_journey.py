"""A member of staff sets up two-step verification at first sign-in, then signs in with a code."""
from __future__ import annotations

import time

import pyotp

from app.security import Role
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in


def test_staff_enrol_at_first_sign_in_then_sign_in_with_a_code(new_page, live_app):
    from playwright.sync_api import expect

    live_app.config["REQUIRE_MFA"] = True
    user = factories.user(role=Role.MANAGER)
    page = new_page(PHONE)
    sign_in(page, user.email, factories.PASSWORD)
    assert page.locator("h1").inner_text() == "Set up two-step verification"
    qr_code = page.locator("img.hl-qr-code")
    assert qr_code.is_visible()
    assert qr_code.evaluate("image => image.complete && image.naturalWidth > 100")
    assert "QR code" in qr_code.get_attribute("alt")
    screenshot(page, "mfa-enrol-phone")

    page.click("text=I cannot scan the QR code")
    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button:has-text('Turn on two-step verification')")
    assert page.locator("h1").inner_text() == "Save your recovery codes"
    expect(page.locator(".hl-recovery-codes li")).to_have_count(10)
    page.click("text=I have saved my codes")
    assert page.url.endswith("/triage/")

    page.click("button:has-text('Sign out')")
    page = new_page(DESKTOP)
    sign_in(page, user.email, factories.PASSWORD)
    assert page.locator("h1").inner_text() == "Enter the code from your authenticator app"
    assert page.get_attribute("#code", "autocomplete") == "one-time-code"
    screenshot(page, "mfa-code-desktop")
    # Enrolment used this 30-second step's code; the next step's code is accepted too.
    page.fill("#code", pyotp.TOTP(secret).at(int(time.time()) + 30))
    page.click("button:has-text('Continue')")
    assert page.url.endswith("/triage/")
    assert user.name in page.locator(".nhsuk-header__account").inner_text()
