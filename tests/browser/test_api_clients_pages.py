"""The administrator's API-client pages in a real browser: register a sending system, copy its
token from the page that shows it once, revoke it; at 1280 px and at 320 px with no sideways
scrolling. Screenshots go to screenshots/api-clients-*.png."""
from __future__ import annotations

from playwright.sync_api import expect

import pytest

from app.security import Role
from app.services import api_clients
from tests import factories
from tests.browser.conftest import DESKTOP, screenshot, sign_in

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 640}


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


@pytest.mark.parametrize("viewport,name", [(DESKTOP, "1280"), (NARROW, "320")])
def test_an_admin_registers_a_sending_system_and_revokes_another(live_app, new_page, viewport, name):
    practice = factories.practice("M87001", name="Netherton Health Centre")
    factories.practice("M87002", name="Brierley Hill Medical Practice")
    old, _ = api_clients.create(by=None, name="Old integration engine (replaced 2026)", practice_ods="M87002",
                                endpoint="https://integration.dudley-gp-federation.example/fhir/r4")
    admin = factories.user(Role.ADMIN)
    page = new_page(viewport)
    sign_in(page, admin.email, factories.PASSWORD)
    page.goto("/admin/")
    page.click("text=API clients")
    page.wait_for_load_state()
    screenshot(page, f"api-clients-list-{name}")
    _no_sideways_scroll(page)

    page.click("text=Register an API client")
    page.click("button:has-text('Register client')")  # empty: every error next to its field
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()  # waits for the answer to the post
    screenshot(page, f"api-clients-new-errors-{name}")
    _no_sideways_scroll(page)
    page.fill("#name", "EMIS Web at Netherton")
    page.select_option("#practice", "M87001")
    page.fill("#endpoint", "https://emis.netherton.example/fhir")
    page.click("button:has-text('Register client')")
    token = page.locator("#api-token").inner_text()
    assert api_clients.authenticate(token).practice_id == practice.id
    screenshot(page, f"api-clients-token-{name}")
    _no_sideways_scroll(page)

    page.click("text=Done")
    page.click("button:has-text('Revoke Old integration engine')")
    page.wait_for_load_state()
    assert "Old integration engine (replaced 2026) is revoked" in page.content()
    assert api_clients.named(old.name).revoked_at is not None
    screenshot(page, f"api-clients-after-revoke-{name}")
    _no_sideways_scroll(page)
