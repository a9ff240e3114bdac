"""Keyboard only (WCAG 2.1.1, 2.4.7, 2.4.11): a practice sends a referral, and a commissioner changes a
dashboard filter, with Tab, Shift+Tab, arrow keys, Space and Enter alone.

Fields are found by their id as focus reaches them, never by counting tab stops, so the walk holds when
the form's order or its optional sections change. At every stop the focused element must show the NHS
yellow focus style and be on screen, not covered by anything (a sticky header, for one).
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Referral
from app.models.base import uk_today
from app.security import Role
from tests import factories
from tests.browser.conftest import DESKTOP, sign_in

MAX_TABS = 200
NHS_YELLOW = "rgb(255, 235, 59)"  # #ffeb3b, the NHS.UK focus colour

# Where the focus style of the focused element is drawn: on the element, its pseudo-elements, its
# children (a details summary colours its text), or, for the visually hidden radio and checkbox
# inputs, on their label's ::before box.
FOCUS_STYLE = """(yellow) => {
  const el = document.activeElement;
  const sources = [el, ...el.querySelectorAll('*')];
  if (el.labels) sources.push(...el.labels);
  const painted = (style) => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                               && style.outlineColor === yellow)
                             || style.boxShadow.includes(yellow) || style.backgroundColor === yellow;
  return sources.some((node) => [null, '::before', '::after']
                      .some((pseudo) => painted(getComputedStyle(node, pseudo))));
}"""

# The focused element (or the label drawn for a hidden radio or checkbox) is inside the viewport and
# is what the user would hit at its centre.
ON_SCREEN = """() => {
  const el = document.activeElement;
  const labels = [...(el.labels || [])];
  // A link that wraps has one box per line: its centre may fall between them, so test each box.
  const boxes = [el, ...labels].flatMap((node) => [...node.getClientRects()])
    .filter((r) => r.width > 0 && r.height > 0);
  return boxes.some((r) => {
    // Half a pixel of slack: Chromium may scroll a box to a fractional edge (bottom 900.33 of 900).
    if (r.top < -0.5 || r.left < -0.5 || r.bottom > window.innerHeight + 0.5 || r.right > window.innerWidth + 0.5) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (el.contains(hit) || labels.some((label) => label.contains(hit)));
  });
}"""

DESCRIBE = "() => { const el = document.activeElement; return el.tagName + '#' + el.id + ' ' + " \
           "(el.getAttribute('name') || '') + ' ' + (el.value || el.textContent || '').trim().slice(0, 40); }"


class Keyboard:
    """Moves focus with the keyboard and checks every stop it passes."""

    def __init__(self, page):
        self.page = page
        self.stops = 0

    def check_focus(self) -> None:
        where = self.page.evaluate(DESCRIBE)
        assert self.page.evaluate(FOCUS_STYLE, NHS_YELLOW), f"no visible NHS yellow focus on {where}"
        assert self.page.evaluate(ON_SCREEN), f"focused element off screen or covered: {where}"
        self.stops += 1

    def focused_matches(self, selector: str) -> bool:
        return self.page.evaluate("(s) => document.activeElement.matches(s)", selector)

    def tab_to(self, selector: str, *, backwards: bool = False) -> None:
        """Press Tab (or Shift+Tab) until the element matching `selector` has focus."""
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            if self.page.evaluate("() => document.activeElement === document.body"):
                continue  # past the end of the page: the browser's own stop
            self.check_focus()
            if self.focused_matches(selector):
                return
        raise AssertionError(f"{selector} never took focus within {MAX_TABS} tab stops")

    def type_into(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        for number, line in enumerate(text.split("\n")):
            if number:
                self.page.keyboard.press("Enter")  # a new line in a textarea
            self.page.keyboard.type(line)

    def tick(self, selector: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.press("Space")
        assert self.page.evaluate("() => document.activeElement.checked"), f"Space did not tick {selector}"

    def choose_radio(self, name: str, value: str) -> None:
        """Arrow keys move through a radio group and choose as they go; Tab only enters the group."""
        self.tab_to(f"input[type=radio][name='{name}']")
        self.page.keyboard.press("Space")
        for _ in range(20):
            if self.focused_matches(f"[value='{value}']:checked"):
                return
            self.page.keyboard.press("ArrowDown")
            self.check_focus()
        raise AssertionError(f"could not choose {value} in {name} with the arrow keys")


def _type_date(keys: Keyboard, field: str, day: date) -> None:
    keys.type_into(f"#{field}-day", str(day.day))
    keys.type_into(f"#{field}-month", str(day.month))
    keys.type_into(f"#{field}-year", str(day.year))


def test_practice_sends_a_referral_with_the_keyboard_alone(live_app, new_page):
    practice = factories.practice(ods_code="M87002", name="Keyboard Lane Surgery")
    factories.user(Role.GP_PRACTICE, email="gp-keys@example.nhs.uk", practice_=practice)
    page = new_page(DESKTOP)
    sign_in(page, "gp-keys@example.nhs.uk", factories.PASSWORD)
    page.goto("/referrals/new")
    keys = Keyboard(page)

    keys.type_into("#given_name", "Maureen")
    keys.type_into("#family_name", "Hollis")
    # Shift+Tab goes back to correct a field, and Tab comes forward again.
    keys.tab_to("#given_name", backwards=True)
    page.keyboard.press("End")
    page.keyboard.type("a")
    keys.tab_to("#family_name")
    _type_date(keys, "date_of_birth", date(1948, 3, 27))
    keys.type_into("#nhs_number", "999 000 0018")
    keys.type_into("#address", "12 Canal Street\nBrierley Hill")
    keys.type_into("#postcode", "DY5 3AB")
    keys.choose_radio("contact_method", "text")
    keys.tick("input[name='need_areas'][value='loneliness']")
    keys.tick("input[name='need_areas'][value='debt']")
    keys.type_into("#concerns", "Sees the GP weekly since her husband died.")
    keys.tick("input[name='risks'][value='dog']")
    keys.type_into("#referrer_name", "Dr Priya Shah")
    keys.type_into("#referrer_role", "GP partner")
    _type_date(keys, "mdt_meeting_date", uk_today() - timedelta(days=1))
    keys.tick("#consent_to_referral")
    keys.tick("#consent_to_share")
    keys.tab_to("form button[type='submit']:not([name='another'])")  # Send referral
    with page.expect_navigation():
        page.keyboard.press("Enter")

    referral = db.session.scalars(select(Referral)).one()
    assert (referral.given_name, referral.family_name, referral.contact_method) == ("Maureena", "Hollis", "text")
    assert referral.address == "12 Canal Street\nBrierley Hill"
    assert sorted(referral.need_areas) == ["debt", "loneliness"] and referral.risk_flags == ["dog"]
    assert page.url.endswith(f"/referrals/{referral.id}")
    assert keys.stops > 25


def test_commissioner_changes_a_dashboard_filter_with_the_keyboard_alone(live_app, new_page):
    from seed.demo import load

    load(people=60, seed=11)
    page = new_page(DESKTOP)
    sign_in(page, "commissioner@hearthlink.example", "hearthlink-demo")
    page.goto("/dashboard/")
    keys = Keyboard(page)
    keys.tab_to("#locality")
    # A closed select changes its value with the arrow keys, without opening the list.
    for _ in range(20):
        page.keyboard.press("ArrowDown")
        if page.evaluate("() => document.activeElement.value") == "Stourbridge":
            break
    else:
        raise AssertionError("the arrow keys never reached Stourbridge in the locality list")
    keys.tab_to("#dashboard-filters button[type='submit']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "locality=Stourbridge" in page.url
    assert page.locator("#dashboard-scope").inner_text().endswith("Stourbridge")
    # Keep going past the filters: every stop on the page (charts' tables, downloads) shows its focus.
    keys.tab_to("footer a[href='/accessibility']")


def test_the_focus_checks_catch_a_hidden_focus_style_and_a_covering_header(live_app, new_page):
    page = new_page(DESKTOP)
    page.goto("/accessibility")
    keys = Keyboard(page)
    keys.tab_to("footer a[href='/accessibility']")  # the page as built passes
    # A style that removes the focus ring fails the walk...
    page.evaluate("""() => { const sheet = new CSSStyleSheet();  // not an inline style: the CSP allows it
        sheet.replaceSync('*, *::before, *::after { outline: none !important; box-shadow: none !important;'
                          + ' background: none !important; }');
        document.adoptedStyleSheets = [sheet]; }""")
    try:
        keys.check_focus()
    except AssertionError as error:
        assert "no visible NHS yellow focus" in str(error)
    else:
        raise AssertionError("a page without focus styles passed the check")
    # ...and so does a sticky bar drawn over the focused link.
    page.evaluate("""() => { const bar = document.createElement('div');
        bar.style.cssText = 'position:fixed;left:0;top:0;width:100vw;height:100vh;z-index:99';
        document.body.appendChild(bar); }""")
    assert page.evaluate(ON_SCREEN) is False
