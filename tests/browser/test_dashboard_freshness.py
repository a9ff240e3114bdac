"""A commissioner opens the dashboard just after records changed: the older figures say how old they
are, and the page shows the up-to-date ones by itself when they are ready (or keeps its link without
JavaScript)."""
from __future__ import annotations

from datetime import date, timedelta

from app.security import Role
from tests import factories
from tests.browser.conftest import DESKTOP, screenshot, sign_in


def _service_with_a_change(live_app):
    practice = factories.practice("M81001", name="Oak Surgery", locality_=factories.locality("North"))
    for day in range(6):
        factories.supported_person(practice, referred_on=date(2024, 1, 8) + timedelta(days=day))
    live_app.config["DASHBOARD_BACKGROUND_REFRESH"] = True
    return practice, factories.user(Role.COMMISSIONER)


def test_dashboard_shows_new_figures_by_itself_when_they_are_ready(live_app, new_page):
    from playwright.sync_api import expect

    from app.analytics import refresh

    practice, commissioner = _service_with_a_change(live_app)
    page = new_page(DESKTOP)
    sign_in(page, commissioner.email, factories.PASSWORD)
    page.goto("/dashboard/")  # calculated while the commissioner waits: nothing older to show
    assert page.locator('[data-figure="referred"]').inner_text() == "6"
    factories.supported_person(practice, referred_on=date(2024, 2, 1))

    page.goto("/dashboard/")
    note = page.locator("#stale-note")
    assert "These figures were calculated less than a minute ago." in note.inner_text()
    assert page.locator('[data-figure="referred"]').inner_text() == "6"
    screenshot(page, "dashboard-stale-note-1280")
    assert refresh.wait(timeout=60)
    # The script asks every 4 seconds, says the figures are ready, and reloads the view.
    page.wait_for_selector("#stale-note", state="detached", timeout=20_000)
    assert page.locator('[data-figure="referred"]').inner_text() == "7"
    expect(page.locator("#dashboard-updated")).to_have_text("The figures have been updated.")


def test_without_javascript_the_older_figures_keep_their_reload_link(live_app, browser, base_url):
    from app.analytics import refresh

    practice, commissioner = _service_with_a_change(live_app)
    context = browser.new_context(viewport=DESKTOP, base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, commissioner.email, factories.PASSWORD)
        page.goto("/dashboard/")
        factories.supported_person(practice, referred_on=date(2024, 2, 1))
        page.goto("/dashboard/")
        assert refresh.wait(timeout=60)
        page.wait_for_timeout(5_000)  # longer than the script's first ask: nothing reloads by itself
        assert page.locator('[data-figure="referred"]').inner_text() == "6"
        page.click("#stale-note >> text=reload this view")
        page.wait_for_load_state()
        assert page.locator('[data-figure="referred"]').inner_text() == "7"
        assert page.locator("#stale-note").count() == 0
    finally:
        context.close()
