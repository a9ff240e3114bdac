"""The manager's audit log on a desktop: who, the action, the record and the address it came from
each read whole ("manager@hearthli/nk.exampl/e", "triage.l/ist", "referral_lis/t" and "127./0.0.1"
had been broken mid-word), and the moment breaks only between its date and its time. Screenshot: screenshots/audit-log-1280.png."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import AuditEvent
from app.models.base import utcnow
from app.security import Role
from tests import factories
from tests.browser.conftest import DESKTOP, screenshot, sign_in

pytestmark = pytest.mark.browser

# Each row's cells but the detail: [text, lines it takes, its runs of letters and
# digits that are split across two lines]. A break at a space, "@", "." or "-" splits no run.
_CELLS = """() => {
  const lines = range => { const tops = [...range.getClientRects()].map(r => r.top).sort((a, b) => a - b);
    return tops.filter((top, i) => i === 0 || top - tops[i - 1] > 8).length; };
  return [...document.querySelectorAll('table.hl-audit tbody tr')].map(row => [0, 1, 2, 3, 5].map(index => {
    const cell = row.cells[index];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT, {acceptNode: node =>
      node.parentElement.closest('.nhsuk-table-responsive__heading')
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    const whole = document.createRange(); const split = []; let first = null, last = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      first = first || node; last = node;
      for (const run of node.textContent.matchAll(/[A-Za-z0-9]+/g)) {
        const range = document.createRange();
        range.setStart(node, run.index); range.setEnd(node, run.index + run[0].length);
        if (lines(range) > 1) split.push(run[0]);
      }
    }
    whole.setStart(first, 0); whole.setEnd(last, last.textContent.length);
    return [whole.toString().trim(), lines(whole), split];
  }));
}"""


def test_on_a_desktop_each_audit_entry_reads_whole(live_app, new_page):
    manager = factories.user(Role.MANAGER, email="service.manager@dudley-link-service.example")
    detail = "25200 postcodes read: 25200 new, 0 changed, 0 already held. " * 3
    for minutes, (email, action) in enumerate([
            ("service.manager@dudley-link-service.example", "triage.list"),
            ("officer.with.a.long.name@dudley-link-service.example", "safeguarding.raise"),
            (None, "deprivation.import"), ("gp.m85166@nhs.net", "auth.session_expired")]):
        db.session.add(AuditEvent(at=utcnow() - timedelta(minutes=10 + minutes), actor_email=email, action=action,
                                  subject_type="referral_list", subject_id="practice 12",
                                  detail=detail, remote_addr="203.0.113.254"))
    db.session.commit()
    page = new_page(DESKTOP)
    sign_in(page, manager.email, factories.PASSWORD)
    page.goto("/audit/")
    rows = page.evaluate(_CELLS)
    assert len(rows) >= 4
    for when, who, action, record, address in rows:
        assert when[1] <= 2 and when[2] == [], when  # the date, then the time under it at most
        assert action[1] == 1 and address[1] == 1, (action, address)
        assert who[2] == [], who  # a long address may break at its "@", "." or "-", never inside a word
        assert record[2] == [], record  # "Referral list practice 12": words, never split inside one
    assert sum(record[0] == "Referral list practice 12" for _, _, _, record, _ in rows) == 4
    assert any(who[0] == "gp.m85166@nhs.net" and who[1] == 1 for _, who, _, _, _ in rows)  # a usual one: a line
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "audit-log-1280")
