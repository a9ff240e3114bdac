"""The browser tests never wait on the network: a request leaving the machine is refused at
once by the test's own browser context (tests/browser/conftest.py, OfflineBrowser), while the
app on 127.0.0.1 is served as usual."""
from __future__ import annotations

from tests.browser.conftest import DESKTOP

REFUSED = "net::ERR_INTERNET_DISCONNECTED"  # the context's refusal; no network says ERR_NAME_NOT_RESOLVED


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
