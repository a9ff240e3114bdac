"""Under the strict Content-Security-Policy the pages still work: nhsuk-frontend's JavaScript starts
from its own file, the dashboard's charts draw with Plotly's strict build, and the browser reports
no policy violation and no script error on the way."""
from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import PASSWORD, user

SHOTS = Path("/tmp/shots/h2")
FONT_HOST = "https://assets.nhs.uk"  # Frutiger: outside this test's reach, so its load may fail


def watch(page) -> dict[str, list[str]]:
    """Collect console errors, uncaught exceptions and CSP violations for the life of the page."""
    seen = {"errors": [], "violations": []}
    page.add_init_script("""
        window.__violations = [];
        document.addEventListener("securitypolicyviolation", function (event) {
          window.__violations.push(event.violatedDirective + " " + event.blockedURI);
        });""")

    def on_console(message):
        if message.type == "error" and not (message.location or {}).get("url", "").startswith(FONT_HOST):
            seen["errors"].append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    return seen


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_nhsuk_frontend_starts_and_no_script_is_refused_on_an_ordinary_page(live_app, new_page):
    manager = user(role="manager", email="manager@example.nhs.uk")
    page = new_page(PHONE)
    seen = watch(page)
    sign_in(page, manager.email, PASSWORD)
    page.goto("/")
    page.wait_for_selector("[data-nhsuk-header-init]", state="attached")
    classes = page.evaluate("document.body.className")
    assert "js-enabled" in classes and "nhsuk-frontend-supported" in classes
    # The header's menu is nhsuk-frontend's JavaScript at work: at phone width it opens on a tap.
    menu = page.locator(".nhsuk-header__menu-toggle")
    if menu.count() and menu.is_visible():
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true"
    shot(page, "home-manager-375")
    assert violations(page) == [] and seen["errors"] == []


def test_the_dashboard_draws_its_charts_under_the_strict_policy(live_app, new_page):
    from seed.demo import load

    load(people=120, seed=7)
    page = new_page(DESKTOP)
    seen = watch(page)
    sign_in(page, "commissioner@hearthlink.example", "hearthlink-demo")
    response = page.goto("/dashboard/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_function("document.querySelectorAll('.hl-chart .main-svg').length >= 4")
    assert page.locator("[data-nhsuk-header-init]").count() == 1
    chart = page.locator("#chart-needs .hl-chart")
    chart.scroll_into_view_if_needed()
    box = chart.locator(".bars path").first.bounding_box()  # Plotly's hover label is styled inline
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#chart-needs .hoverlayer .hovertext", state="attached")
    SHOTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(SHOTS / "dashboard-needs-chart-hover.png"))
    shot(page, "dashboard-commissioner-1280")
    assert violations(page) == []

    page.click("text=Printable report")
    page.wait_for_load_state()
    page.evaluate("window.print = function () { window.__printed = true; }")
    page.click("button:has-text('Print this report')")
    assert page.evaluate("window.__printed") is True
    shot(page, "dashboard-report-1280")
    assert violations(page) == [] and seen["errors"] == []
