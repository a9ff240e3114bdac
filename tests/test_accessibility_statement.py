"""The accessibility statement: open to anyone, linked from every page's footer, in the model
statement's sections, honest about what has and has not been tested."""
from __future__ import annotations

import re

from app.security import Role
from tests import factories


def _footer(html: str) -> str:
    return html[html.index("<footer"):]


def test_anyone_can_read_the_accessibility_statement_without_signing_in(client):
    response = client.get("/accessibility")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for heading in ("How accessible Hearthlink is", "What to do if you cannot use parts of Hearthlink",
                    "Reporting accessibility problems", "Enforcement procedure",
                    "Technical information about Hearthlink’s accessibility", "Compliance status",
                    "How we tested Hearthlink", "Preparation of this accessibility statement"):
        assert f">{heading}</h" in html, heading
    assert "<strong>partially compliant</strong>" in html and "2.2" in html
    assert "Equality Advisory and Support Service (EASS)" in html and "(EHRC)" in html


def test_the_statement_describes_the_screen_reader_pass_that_was_done_and_what_it_found(client):
    html = client.get("/accessibility").get_data(as_text=True)
    assert "Manual screen-reader pass, 2 December 2026." in html
    assert "planned, not yet done" not in html and "not yet been checked by hand" not in html
    assert "Orca screen reader (version 43.1) with Chromium (version 156)" in html
    # What the pass found is listed as known issues, and what it did not cover is said.
    assert "announces only the page title and" in html
    assert "Baseline12/11/2026" not in html  # found by the pass and fixed since (tests/test_people.py)
    assert "We did not cover triaging and allocating a referral" in html
    assert "1280 by 800" in html and "320 by 640" in html


def test_the_contact_for_problems_comes_from_the_settings(app, client):
    app.config.update(ACCESSIBILITY_CONTACT_EMAIL="access@dudley.example.nhs.uk",
                      ACCESSIBILITY_CONTACT_PHONE="01384 000 999", SERVICE_OPERATOR="Dudley Integrated Plus")
    html = client.get("/accessibility").get_data(as_text=True)
    assert 'href="mailto:access@dudley.example.nhs.uk"' in html
    assert "call 01384 000 999" in html
    assert "Hearthlink is run by Dudley Integrated Plus." in html


def test_every_page_footer_links_to_the_statement_signed_in_or_not(client, sign_in):
    link = re.compile(r'<a [^>]*href="/accessibility"[^>]*>\s*Accessibility statement\s*</a>')
    for page in ("/login", "/accessibility", "/no-such-page"):
        assert link.search(_footer(client.get(page).get_data(as_text=True))), page
    sign_in.as_user(factories.user(Role.GP_PRACTICE))
    for page in ("/referrals/", "/referrals/new", "/account/"):
        assert link.search(_footer(client.get(page).get_data(as_text=True))), page
