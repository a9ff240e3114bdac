"""The administrator's list of user accounts in a real browser: on a desktop no name or address is
broken, and at 320 px an address breaks only after its @, with no sideways scrolling.
Screenshots go to screenshots/admin-users-*.png."""
from __future__ import annotations

import pytest

from app.security import Role
from tests import factories
from tests.browser.conftest import DESKTOP, screenshot, sign_in

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 640}

# For each user's row: [name, address, how many lines each word of the name takes, how many lines the
# address takes, how many lines its domain takes]. A word on two lines was broken inside it.
_ROWS = """() => [...document.querySelectorAll('table tbody tr')].map(row => {
  const cell = row.querySelector('td');
  const email = cell.querySelector('.hl-email');
  const nameNode = cell.querySelector(':scope > span:not(.nhsuk-table-responsive__heading)').firstChild;
  const lines = (node, start, end) => { const range = document.createRange(); range.setStart(node, start);
    range.setEnd(node, end); return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size; };
  const name = nameNode.textContent.trim();
  const offset = nameNode.textContent.indexOf(name);
  const words = []; let at = offset;
  for (const word of name.split(' ')) { words.push(lines(nameNode, at, at + word.length)); at += word.length + 1; }
  const domain = email.querySelector('.hl-email__domain');
  return [name, email.textContent, words, lines(email, 0, email.childNodes.length),
          lines(domain.firstChild, 0, domain.firstChild.length)];
})"""


def _users() -> None:
    factories.user(Role.ADMIN, name="Megan Martin", email="admin@hearthlink.example")
    factories.user(Role.GP_PRACTICE, name="Jacqueline Montgomery-Kaur", email="gp.m85166@hearthlink.example",
                   practice_=factories.practice("M85166", name="Saunders Family Practice"))
    factories.user(Role.COMMISSIONER, name="Norman Johnson", email="commissioner@hearthlink.example")
    factories.user(Role.LINK_OFFICER, name="Bartholomew Featherstonehaugh",
                   email="bartholomew.featherstonehaugh@hearthlink.example")


def test_on_a_desktop_no_name_or_address_in_the_user_list_is_broken(live_app, new_page):
    _users()
    page = new_page(DESKTOP)
    sign_in(page, "admin@hearthlink.example", factories.PASSWORD)
    page.goto("/admin/")
    rows = page.evaluate(_ROWS)
    assert len(rows) == 4
    for name, email, words, email_lines, _ in rows:
        assert set(words) == {1}, f"{name}: a word broken across lines"
        assert email_lines == 1, f"{email} takes {email_lines} lines"
    screenshot(page, "admin-users-1280")


def test_at_320px_an_address_breaks_only_after_its_at_sign(live_app, new_page):
    _users()
    page = new_page(NARROW)
    sign_in(page, "admin@hearthlink.example", factories.PASSWORD)
    page.goto("/admin/")
    rows = {name: (email_lines, domain_lines) for name, _, _, email_lines, domain_lines in page.evaluate(_ROWS)}
    assert rows["Norman Johnson"] == (2, 1)  # "commissioner@", then "hearthlink.example" whole
    assert all(domain_lines == 1 for _, domain_lines in rows.values())  # a domain is never broken
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "admin-users-320")
