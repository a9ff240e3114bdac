"""Browser tests: a real server thread, Debian's Chromium driven by Playwright.

Skipped with a one-line reason when Chromium is absent (CI installs it and sets
HEARTHLINK_REQUIRE_BROWSER=1, which turns the skip into a failure).
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests.conftest import make_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

# A table in a sideways-scrolling box (.hl-table-scroll) may scroll on a phone, never on a desktop:
# at 1280 px a reader should see every column. A box inside a closed "Show as table" is not shown.
SCROLLING_TABLES = """[...document.querySelectorAll('.hl-table-scroll')]
  .filter(region => region.checkVisibility() && region.scrollWidth > region.clientWidth + 1)
  .map(region => `${region.getAttribute('aria-label') || '?'} (${region.scrollWidth}px in ${region.clientWidth}px)`)"""


def _require_chromium():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("HEARTHLINK_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required in CI but /usr/bin/chromium is missing")
        pytest.skip("Chromium not installed at /usr/bin/chromium")


#: A proxy that is never there: port 9 (discard) on this machine, where nothing listens, so Chromium's
#: connection to it is refused at once. The app's own address goes straight to the app.
DEAD_PROXY = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"}


class OfflineBrowser:
    """The browser, each of whose contexts refuses at once any request that would leave the
    machine. The only such request is for the NHS Frutiger font, which nhsuk-frontend's CSS loads
    from assets.nhs.uk; with no network (as in CI), Chromium waited 5 s for its fallback file
    now and then before the page's load event, about two thirds of the accessibility walk's
    time. Refused, the page falls back to Arial as it would on a network that blocks the font
    (the accessibility statement says so). The app itself is served over http from 127.0.0.1.

    The refusal is a proxy that does not exist, not Playwright's request interception: while a
    context intercepts requests Chromium keeps no HTTP cache, so every page fetched the
    stylesheets and scripts again in full from the test's server (in the accessibility walk,
    about four of them a page)."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        return self._browser.new_context(proxy=DEAD_PROXY, **options)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield OfflineBrowser(instance)
        instance.close()


@pytest.fixture
def live_app(tmp_path, sqlite_template):
    """The app on a file SQLite database (a copy of the worker's empty one), served from a
    thread on a free port."""
    shutil.copyfile(sqlite_template, tmp_path / "browser.db")
    application = make_app(f"sqlite:///{tmp_path / 'browser.db'}", WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    application.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    ctx = application.app_context()
    ctx.push()
    try:
        yield application
    finally:
        db.session.remove()
        ctx.pop()
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def base_url(live_app):
    return live_app.config["LIVE_URL"]


@pytest.fixture
def new_page(browser, base_url):
    """Open a fresh browser context (its own cookies) at a given viewport size."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=base_url)
        # 30 s, not 10: in CI both cores also run the other worker's Chromium and axe, and twice a page
        # that did arrive took over 10 s to load. Only waiting is longer; no check is weaker.
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def go(page, selector: str) -> None:
    """Click something that loads a new page and wait until its document is parsed, so the old
    page is never read by mistake. Not until every font and script has loaded too: on a busy
    machine that once took over the 10 s limit after the page itself had arrived."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click(selector)


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def screenshot(page, name: str) -> None:
    """Keep a full-page screenshot for people to look at (screenshots/ is not committed)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
