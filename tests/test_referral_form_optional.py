"""The referral form keeps its optional parts folded away, but never hides an error or what was typed."""
from __future__ import annotations

from html.parser import HTMLParser

from app.security import Role
from tests.test_referrals import referral_form


class _Details(HTMLParser):
    """Which fields sit inside which <details>, and whether each is open."""

    def __init__(self):
        super().__init__()
        self.open: dict[str, bool] = {}
        self.inside: dict[str, list[str]] = {}
        self.outside: list[str] = []
        self._current: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "details":
            self._current = attributes.get("id", "")
            self.open[self._current] = "open" in attributes
            self.inside[self._current] = []
        elif tag in ("input", "textarea") and attributes.get("name"):
            (self.inside[self._current] if self._current else self.outside).append(attributes["name"])

    def handle_endtag(self, tag):
        if tag == "details":
            self._current = None


def _details(html: str) -> _Details:
    parser = _Details()
    parser.feed(html)
    return parser


def test_practice_sees_required_questions_and_risk_ticks_with_optional_parts_folded(app, client, sign_in):
    sign_in.as_role(Role.GP_PRACTICE)
    html = client.get("/referrals/new").get_data(as_text=True)
    page = _details(html)
    assert page.open == {"risk-detail": False, "more-detail": False, "equality-detail": False}
    assert page.inside == {"risk-detail": ["risk_notes"],
                           "more-detail": ["contact_times", "interpreter_needed", "preferred_language",
                                           "reasonable_adjustments_flag", "reasonable_adjustments",
                                           "accessibility_needs"],
                           "equality-detail": ["sex"] * 4 + ["carer"] * 3}
    for required in ("given_name", "date_of_birth-day", "need_areas", "concerns", "risks", "referrer_name",
                     "mdt_meeting_date-year", "consent_to_referral", "consent_to_share"):
        assert required in page.outside
    assert "It takes about 3 minutes." in html


def test_too_long_contact_times_opens_its_details_with_the_error_and_typed_text(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    typed = "Mornings " * 23  # 207 characters, over the 200 allowed
    response = client.post("/referrals/new", data=referral_form(contact_times=typed))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _details(html).open == {"risk-detail": False, "more-detail": True, "equality-detail": False}
    assert 'id="contact_times-error"' in html
    assert typed.strip() in html


def test_typed_risk_note_stays_visible_when_another_field_has_an_error(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    response = client.post("/referrals/new", data=referral_form(family_name="", contact_times="",
                                                             risk_notes="Ring twice; the bell is broken"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _details(html).open == {"risk-detail": True, "more-detail": False, "equality-detail": False}
    assert "Ring twice; the bell is broken" in html
