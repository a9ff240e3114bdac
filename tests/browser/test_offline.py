"""The browser tests never wait on the network: a request leaving the machine is refused at
once by the test's own browser context (tests/browser/conftest.py, OfflineBrowser: a proxy that
is not there), while the app on 127.0.0.1 is served as usual, and the browser keeps its cache."""
from __future__ import annotations

from tests.browser.conftest import DESKTOP

REFUSED = "net::ERR_PROXY_CONNECTION_FAILED"  # the dead proxy; no network says ERR_NAME_NOT_RESOLVED


def test_the_nhs_font_is_refused_by_the_context_and_the_page_still_loads(live_app, new_page):
    page = new_page(DESKTOP)
    failed = []
    page.on("requestfailed", lambda request: failed.append((request.url, request.failure)))
    response = page.goto("/login")
    page.wait_for_load_state("load")
    assert response.status == 200 and page.locator("#email").is_visible()
    fonts = [(url, failure) for url, failure in failed if url.startswith("https://assets.nhs.uk/fonts/")]
    assert fonts, "nhsuk-frontend's CSS asked for no font"
    assert {failure for _, failure in fonts} == {REFUSED}, fonts
    assert [url for url, _ in failed if url.startswith(live_app.config["LIVE_URL"])] == []


def test_the_browser_keeps_the_stylesheets_and_scripts_it_was_given(live_app, new_page):
    """The versioned assets (app/asset_versions.py) come from the server once per browser: opening
    the next page asks for none of them again (a context that intercepted requests kept no cache)."""
    from flask import request

    asked = []

    @live_app.after_request
    def note(response):
        asked.append((request.path, request.query_string.decode()))
        return response

    page = new_page(DESKTOP)
    page.goto("/login")
    page.wait_for_load_state("load")
    first = [(path, query) for path, query in asked if query.startswith("v=")]
    assert {path for path, _ in first} >= {"/assets/nhsuk-frontend.min.css", "/static/hearthlink.css",
                                           "/static/js/hearthlink.js"}, asked
    asked.clear()
    page.goto("/login")
    page.wait_for_load_state("load")
    assert "/login" in [path for path, _ in asked]
    assert [(path, query) for path, query in asked if query.startswith("v=")] == []
    # The frontend's module, which our script imports by its plain address, is fetched once a page
    # (a "not modified" check), preloaded by the page beside our script rather than after it.
    assert [path for path, _ in asked if path.endswith(".js")] == ["/assets/nhsuk-frontend.min.js"], asked
    assert page.locator("link[rel=modulepreload]").get_attribute("href") == "/assets/nhsuk-frontend.min.js"
