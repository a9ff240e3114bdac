"""WCAG 2.2 AA on every page for every role (issue 13): axe-core in Chromium, at 1280×800 and 320×640.

Each role opens every page it may use (built from the app's URL map and one of everything made through
the services), then submits every form empty so the error state is audited too. A critical or serious
axe violation, a page wider than the 320 px viewport, a stacked table cell at 320 px whose value is
split into pieces side by side, or a table that scrolls sideways at 1280 px fails the test and names the page, width, rule and elements; moderate
ones and best practice are printed (run with -s to read them).

axe-core comes from npm (package.json, `npm ci`), so no network is needed.
"""
from __future__ import annotations

import logging
import re
import threading
from itertools import product
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from werkzeug.serving import make_server

from app.auth import mfa
from app.extensions import db
from app.security import PUBLIC, Role, declared_access
from tests import factories
from tests.browser.conftest import SCROLLING_TABLES
from tests.conftest import SignIn, make_app

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDE, NARROW = {"width": 1280, "height": 800}, {"width": 320, "height": 640}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING = {"critical", "serious"}
# A page about one referral or person is opened for each of them (a referral looks different in each
# state); the record's sections and the rest are opened once, with the first value of each variable.
EVERY_VALUE = {"referral_id", "person_id"}
# Not pages: sign-out, the health check, and the overdue-visit alert's fragment (the part of every
# manager's page the page's script fetches again; audited there, in place).
NOT_PAGES = {"auth.logout", "main.healthz", "visits.alert"}
# Known and accepted findings, each with its reason; printed with the moderate ones, never silently
# dropped. None today: the activity upload uses a plain file input (see templates/activity/upload.html).
ACCEPTED: set[tuple[str, str]] = set()


def ordinary(tag: str, limit: int = 10_000, start: int = 0) -> str:
    """The hostile world's shape with the words people type: "[contact-notes]" becomes "Contact notes"."""
    return tag.replace("-", " ").capitalize()[:limit]


@pytest.fixture(scope="module")
def audited_app(tmp_path_factory, browser):
    from tests import test_security_escaping as shapes

    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci` (make assets)")
    application = make_app(f"sqlite:///{tmp_path_factory.mktemp('a11y') / 'a11y.db'}", WTF_CSRF_ENABLED=True)
    ctx = application.app_context()
    ctx.push()
    db.create_all()
    hostile, shapes.hostile = shapes.hostile, ordinary
    try:
        world = shapes.build_hostile_world()
    finally:
        shapes.hostile = hostile
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # hundreds of requests, one line each
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    application.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    try:
        yield application, world
    finally:
        db.session.remove()
        ctx.pop()
        server.shutdown()
        thread.join(timeout=5)


def _pages(app, role: Role | None, values: dict) -> list[str]:
    """Every HTML page `role` may open (None: signed out), first values only except EVERY_VALUE."""
    client = app.test_client()
    if role is not None:
        SignIn(client).as_user(values["_user"])
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.endpoint.endswith("static") or rule.endpoint in NOT_PAGES:
            continue
        allowed = declared_access(app.view_functions[rule.endpoint])
        if not (allowed == PUBLIC or (role is not None and role in allowed)):
            continue
        names = sorted(rule.arguments)
        every = len(names) == 1 and names[0] in EVERY_VALUE
        choices = [values.get(name, [])[:None if every else 1] for name in names]
        for combination in product(*choices):
            url = rule.build(dict(zip(names, combination)), append_unknown=False)[1]
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                urls.append(url)
    return urls


class Audit:
    """One browser context (one signed-in person), auditing pages at both widths."""

    def __init__(self, context, label: str):
        self.page = context.new_page()
        # axe-core is given to each document as it starts, from one copy sent to the browser here:
        # added to each page after it loaded, its 500 KB crossed from Python to the browser each time
        # (a tenth of a second a page, about an eighth of a role's walk).
        self.page.add_init_script(path=str(AXE))
        self.label = label
        self.failures: list[str] = []
        self.moderate: set[str] = set()
        self.audited = 0

    def check(self, name: str, load=None):
        """Audit the page now open (after `load()` when given) at the width the last page ended
        at, then at the other: 1280 px narrowed to 320, or 320 widened to 1280. Each resize lays
        the page out afresh, so the page is loaded at the width already set rather than at one
        fixed width (which took two resizes a page)."""
        if load:
            load()
        first = self.page.viewport_size if self.page.viewport_size in (WIDE, NARROW) else WIDE
        for viewport in (first, NARROW if first == WIDE else WIDE):
            self._resize(viewport)
            self._settle()
            self._axe(name, viewport["width"])
            self.audited += 1
            if viewport == WIDE:
                for table in self.page.evaluate(SCROLLING_TABLES):
                    self.failures.append(f"{self.label} {name} @1280: a table scrolls sideways on a desktop: {table}")
            if viewport == NARROW:
                width = self.page.evaluate("document.documentElement.scrollWidth")
                if width > NARROW["width"]:
                    wide = self.page.evaluate(_WIDEST)
                    self.failures.append(f"{self.label} {name} @320: page is {width}px wide; widest: {wide}")
                for cell in self.page.evaluate(_SPLIT_CELLS):
                    self.failures.append(f"{self.label} {name} @320: a stacked table cell shows {cell}")

    def _resize(self, viewport: dict):
        """A width already set is not set again: each change lays the page out afresh."""
        if self.page.viewport_size != viewport:
            self.page.set_viewport_size(viewport)

    def _settle(self):
        """Wait until the page has been laid out at its new width. The header moves its links into
        "More" as the resize event arrives, so two animation frames are enough; Plotly redraws
        its charts 100 ms after the last resize, so pages with charts wait for that as well."""
        if self.page.locator(".hl-chart").count():
            self.page.wait_for_timeout(200)
            self.page.wait_for_function(
                "[...document.querySelectorAll('.hl-chart')].every(chart => chart.querySelector('.main-svg'))")
        self.page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")

    def _axe(self, name: str, width: int):
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):  # content set, not navigated to
            self.page.add_script_tag(path=str(AXE))
        violations = self.page.evaluate(_AXE_VIOLATIONS, TAGS)
        for violation in violations:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]][:5]
            line = f"{self.label} {name} @{width}: {violation['impact']} {violation['id']} {targets}"
            best_practice_only = "best-practice" in violation["tags"] and not any(
                tag.startswith("wcag") for tag in violation["tags"])
            # axe marks some rules experimental (still prone to false positives): listed, not failing.
            accepted = all((violation["id"], target) in ACCEPTED for target in targets)
            if violation["impact"] in FAILING and not (best_practice_only or accepted
                                                       or "experimental" in violation["tags"]):
                self.failures.append(line)
            else:
                self.moderate.add(re.sub(r" @\d+", "", line))

    def visit(self, url: str):
        self.check(url, load=lambda: self.page.goto(url))
        self.submit_empty(url)

    def submit_empty(self, url: str):
        """Each form in the page's main landmark that asks for something, sent as it stands."""
        forms = self.page.locator("main form[method=post], main form[method=POST]")
        for index in range(forms.count()):
            if index:
                self.page.goto(url)
            form = self.page.locator("main form[method=post], main form[method=POST]").nth(index)
            asks = form.locator("input[type=text], input:not([type]), input[type=email], input[type=password],"
                                " input[type=file], textarea, select, input[type=radio]")
            if not asks.count() or not form.locator("button[type=submit], button:not([type])").count():
                continue
            for box in form.locator("input[type=text], input:not([type]), input[type=email], textarea").all():
                if box.is_visible() and box.is_editable():
                    box.fill("")
            form.locator("button[type=submit], button:not([type])").first.click()
            self.page.wait_for_load_state()
            if self.page.locator(".nhsuk-error-summary").count():
                self.check(f"{url} (form {index + 1} sent empty)")


# axe's whole result lists every rule it ran (passes, inapplicable...) with its help text; only the
# violations' rule, impact, tags and elements are read, so only they cross back from the browser
# (parsing the whole result in Python was about a tenth of a role's walk).
_AXE_VIOLATIONS = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(results => results.violations.map(violation => ({
    id: violation.id, impact: violation.impact, tags: violation.tags,
    nodes: violation.nodes.map(node => ({target: node.target})),
  })))"""


_WIDEST = """(() => {
  let widest = null;
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (box.right > 321 && (!widest || box.right > widest[1])) widest = [element, box.right];
  }
  if (!widest) return '';
  const [element, right] = widest;
  return element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') +
         (element.className && element.className.baseVal === undefined ? '.' + element.className.trim().split(/\\s+/).join('.') : '') +
         ' right edge ' + Math.round(right) + 'px';
})()"""


# A table that stacks at 320 px (nhsuk-table-responsive) lays each cell out as a flex row: its column's
# heading on the left, its value on the right. A value of several pieces side by side (a date, a <br>,
# a line of detail) is spread across the row, and the <br> does nothing, so a long piece is squeezed
# into a column a word wide; a value of more than one piece is wrapped in one element.
_SPLIT_CELLS = """(() => {
  const split = [];
  for (const cell of document.querySelectorAll('.nhsuk-table-responsive .nhsuk-table__body .nhsuk-table__cell')) {
    if (getComputedStyle(cell).display !== 'flex') continue;
    const pieces = [...cell.childNodes].filter(node =>
      node.nodeType === Node.ELEMENT_NODE ? !node.classList.contains('nhsuk-table-responsive__heading')
                                          : node.nodeType === Node.TEXT_NODE && node.textContent.trim());
    if (pieces.length > 1) {
      const heading = cell.querySelector('.nhsuk-table-responsive__heading');
      split.push(`${pieces.length} pieces side by side under "${heading ? heading.textContent.trim() : '?'}": ` +
                 cell.textContent.replace(/\\s+/g, ' ').trim().slice(0, 80));
    }
  }
  return split;
})()"""


def _found(page, url: str) -> None:
    """Open a search that must list somebody (so the list itself is audited)."""
    page.goto(url)
    assert page.locator("main li.hl-contact").count() > 0, f"{url} listed nobody"


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def _context(browser, app):
    # axe is injected as an inline script, which our Content-Security-Policy (script-src 'self')
    # rightly refuses; the audit's own context alone bypasses the policy to inject it.
    context = browser.new_context(viewport=WIDE, base_url=app.config["LIVE_URL"], bypass_csp=True)
    context.set_default_timeout(15_000)
    return context


def _report(audit: Audit) -> None:
    print(f"{audit.label}: {audit.audited} page views audited")
    for line in sorted(audit.moderate):
        print("moderate/best practice:", line)
    assert not audit.failures, "\n".join(audit.failures)


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_every_page_a_role_can_open_passes_axe_and_reflows_at_320px(browser, audited_app, role):
    app, world = audited_app
    user = world["users"][role]
    context = _context(browser, app)
    try:
        audit = Audit(context, role.value)
        _sign_in(audit.page, user.email)
        for url in _pages(app, role, {**world["values"], "_user": user}):
            audit.visit(url)
        if role in (Role.GP_PRACTICE, Role.MANAGER):  # a search refused beside its field (a GET form)
            audit.check("/referrals/ (search refused)", load=lambda: audit.page.goto("/referrals/?q=999+123"))
        if role in (Role.LINK_OFFICER, Role.MANAGER):  # people found (every given name is "... given"), and refused
            audit.check("/people/find (people found)", load=lambda: _found(audit.page, "/people/find?q=given"))
            audit.check("/people/find (search refused)", load=lambda: audit.page.goto("/people/find?q=999+123"))
        if role is Role.LINK_OFFICER:  # a colleague's caseload, opened to cover their leave
            colleague = factories.user(role=Role.LINK_OFFICER)
            audit.check("/caseload/?officer= (a colleague's)",
                        load=lambda: audit.page.goto(f"/caseload/?officer={colleague.id}"))
        audit.check("404 page", load=lambda: audit.page.goto("/no-such-page"))
        forbidden = "/admin/" if role is not Role.ADMIN else "/caseload/"
        audit.check(f"403 page ({forbidden})", load=lambda: audit.page.goto(forbidden))
    finally:
        context.close()
    _report(audit)


def test_sign_in_and_two_step_pages_pass_axe_and_reflow_at_320px(browser, audited_app):
    app, _ = audited_app
    context = _context(browser, app)
    try:
        audit = Audit(context, "signed out")
        for url in _pages(app, None, {}):
            audit.visit(url)
        audit.check("404 page", load=lambda: audit.page.goto("/no-such-page"))

        # A person with two-step verification is asked for a code, or one of their recovery codes.
        enrolled = factories.user(role=Role.MANAGER)
        secret = mfa.enrolment_secret(enrolled)
        mfa.confirm_enrolment(user=enrolled, code=pyotp.TOTP(secret).now())
        for step in ("/login/code", "/login/recovery-code"):
            _sign_in(audit.page, enrolled.email)
            audit.visit(step)
        context.clear_cookies()

        # A person without it is asked to set it up at sign-in when the installation requires it.
        app.config["REQUIRE_MFA"] = True
        try:
            _sign_in(audit.page, factories.user(role=Role.LINK_OFFICER).email)
            audit.visit(urlsplit(audit.page.url).path)
        finally:
            app.config["REQUIRE_MFA"] = False
    finally:
        context.close()
    _report(audit)


def test_the_walks_axe_check_names_a_serious_violation_and_where_it_is(browser):
    """The check itself: a page with an unlabelled text box and an image without a text
    alternative fails, naming the rule and the element, at both widths, whether the page was
    navigated to (as the walk opens pages: axe comes with the document) or had its content set."""
    broken = ('<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>'
              '<h1>Broken</h1><img id="photo" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
              '<input id="nameless" type="text"></main></body></html>')
    context = browser.new_context(viewport=WIDE, bypass_csp=True)
    context.route("http://probe.invalid/broken", lambda route: route.fulfill(body=broken, content_type="text/html"))
    try:
        audit = Audit(context, "probe")
        audit.check("opened page", load=lambda: audit.page.goto("http://probe.invalid/broken"))
        audit.check("set page", load=lambda: audit.page.set_content(broken))
    finally:
        context.close()
    assert audit.audited == 4
    for name, width in product(("opened page", "set page"), (1280, 320)):
        assert f"probe {name} @{width}: critical image-alt ['#photo']" in audit.failures, audit.failures
        assert any(line.startswith(f"probe {name} @{width}: critical label ['#nameless']")
                   for line in audit.failures), audit.failures


def _check_on(browser, viewport: dict, content: str, check: str):
    """One of the walk's page checks (a script), run on `content` at `viewport`."""
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.set_content(content)
        return page.evaluate(check)
    finally:
        context.close()


def test_the_walks_stacked_cell_check_names_a_value_split_into_pieces(browser):
    """The check itself: at 320 px, a stacked cell whose value is a date, a line break and a line of
    detail side by side is named with its column's heading; the same value wrapped in one element,
    and a cell of one piece, pass."""
    stacked = ("<style>.nhsuk-table-responsive .nhsuk-table__body .nhsuk-table__cell { display: flex; }</style>"
               '<table class="nhsuk-table-responsive"><tbody class="nhsuk-table__body"><tr>'
               '<td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading">Referred </span>'
               "6 December 2026<br><span>From a voluntary organisation</span></td>"
               '<td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading">Received </span>'
               "<span>5 December 2026<br><span>From the practice</span></span></td>"
               '<td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading">Status </span>'
               "<strong>Accepted</strong></td></tr></tbody></table>")
    split = _check_on(browser, NARROW, stacked, _SPLIT_CELLS)
    assert split == ['3 pieces side by side under "Referred": Referred 6 December 2026From a voluntary organisation']


def test_the_walks_desktop_table_check_names_a_table_that_scrolls_sideways(browser):
    """The check itself: at 1280 px, a table wider than its scrolling box is named; one that fits,
    and one as wide but inside a closed "Show as table", pass."""
    wide_table = '<table style="width: 1400px"><tr><td>Many columns</td></tr></table>'
    content = (f'<div class="hl-table-scroll" aria-label="Demand" style="overflow-x: auto">{wide_table}</div>'
               '<div class="hl-table-scroll" aria-label="Fits" style="overflow-x: auto"><table><tr><td>1</td></tr>'
               '</table></div>'
               f'<details><summary>Show as table</summary><div class="hl-table-scroll" aria-label="Closed" '
               f'style="overflow-x: auto">{wide_table}</div></details>')
    scrolling = _check_on(browser, WIDE, content, SCROLLING_TABLES)
    assert scrolling == ["Demand (1400px in 1264px)"]  # the page's 8 px margins either side
