"""Each role signs in through a real browser and sees its own navigation."""
from __future__ import annotations

from playwright.sync_api import expect

import pytest

from app.security import Role
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in

EXPECTED_NAVIGATION = {
    Role.ADMIN: {"Administration"},
    Role.MANAGER: {"Triage", "Caseloads", "Dashboard"},
    Role.LINK_OFFICER: {"My caseload"},
    Role.GP_PRACTICE: {"Referrals", "Refer someone"},
    Role.COMMISSIONER: {"Dashboard"},
}
NOT_FOR = {
    Role.GP_PRACTICE: {"Triage", "Administration", "Dashboard", "My caseload"},
    Role.COMMISSIONER: {"Triage", "Referrals", "Administration", "My caseload"},
    Role.LINK_OFFICER: {"Triage", "Administration", "Dashboard"},
    Role.MANAGER: {"Administration"},
    Role.ADMIN: {"Triage", "Dashboard"},
}


def test_sign_in_page_is_an_nhs_service_page(new_page, live_app):
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = new_page(viewport)
        page.goto("/login")
        assert page.locator("header.nhsuk-header").is_visible()
        assert page.locator("h1").inner_text() == "Sign in to Hearthlink"
        screenshot(page, f"login-{name}")


def test_wrong_password_keeps_the_email_and_says_what_to_do(new_page, live_app):
    user = factories.user(role=Role.MANAGER)
    page = new_page()
    sign_in(page, user.email, "wrong password")
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()  # waits for the answer to the post
    assert page.input_value("#email") == user.email


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_sees_its_own_navigation(new_page, live_app, role):
    user = factories.user(role=role)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = new_page(viewport)
        sign_in(page, user.email, factories.PASSWORD)
        links = set(page.locator(".nhsuk-header__navigation-link").all_inner_texts())
        links = {text.strip() for text in links}
        missing = {item for item in EXPECTED_NAVIGATION[role] if item not in links and _registered(live_app, item)}
        assert not missing, f"{role} navigation lacks {missing}: {links}"
        assert not (links & NOT_FOR[role]), f"{role} sees {links & NOT_FOR[role]}"
        assert user.name in page.locator(".nhsuk-header__account").inner_text()
        screenshot(page, f"home-{role.value}-{name}")


def _registered(app, label: str) -> bool:
    from app.navigation import NAVIGATION

    return any(text == label and endpoint in app.view_functions
               for items in NAVIGATION.values() for text, endpoint in items)
