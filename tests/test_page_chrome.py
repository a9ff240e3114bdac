"""The page header and footer are rendered once per distinct set of values and kept
(app/page_chrome.py): what is kept must never show one person another's header, a stale
name or navigation, or a sign-out token that is not their own request's."""
from __future__ import annotations

import re

import pytest
from markupsafe import escape

from app.extensions import db
from app.security import Role
from tests import factories
from tests.conftest import SignIn

TOKEN = re.compile(r'nhsuk-header__account-form" action="/logout" method="post">'
                   r'<input type="hidden" name="csrf_token" value="([^"]+)">')
ACCOUNT = re.compile(r'href="/account/"[^>]*>.*?<span[^>]*>([^<]*)</span>', re.S)


def _header(html: str) -> str:
    return html[html.index("<header"):html.index("</header>")]


def _current(html: str) -> list[str]:
    """The navigation items marked as the current page."""
    return re.findall(r'nhsuk-header__navigation-item--current"[^>]*>\s*<a[^>]*href="([^"]+)"', _header(html))


def test_each_page_marks_its_own_navigation_item_current(app, client, sign_in):
    sign_in.as_role(Role.MANAGER)
    assert _current(client.get("/triage/").get_data(as_text=True)) == ["/triage/"]
    assert _current(client.get("/caseload/").get_data(as_text=True)) == ["/caseload/"]
    assert _current(client.get("/triage/").get_data(as_text=True)) == ["/triage/"]  # kept, and still right


def test_an_officer_covering_a_colleague_is_not_marked_on_my_caseload(app, client, sign_in):
    """The address is under /caseload/, but the page is a colleague's caseload (or the way to one):
    "My caseload" is current only on the officer's own."""
    colleague = factories.user(role=Role.LINK_OFFICER, name="Tracey Davies")
    me = sign_in.as_role(Role.LINK_OFFICER)
    assert _current(client.get("/caseload/").get_data(as_text=True)) == ["/caseload/"]
    assert _current(client.get(f"/caseload/?officer={me.id}").get_data(as_text=True)) == ["/caseload/"]
    covering = client.get(f"/caseload/?officer={colleague.id}").get_data(as_text=True)
    assert "Tracey Davies" in covering and _current(covering) == []
    assert _current(client.get("/caseload/colleagues").get_data(as_text=True)) == []
    assert _current(client.get("/people/find").get_data(as_text=True)) == ["/people/find"]  # kept, still by address


def test_two_people_with_the_same_role_each_see_their_own_name(app, client, sign_in):
    sign_in.as_user(factories.user(role=Role.MANAGER, name="Amira Okafor"))
    assert "Amira Okafor" in _header(client.get("/triage/").get_data(as_text=True))
    sign_in.out()
    sign_in.as_user(factories.user(role=Role.MANAGER, name="Bryn Davies"))
    header = _header(client.get("/triage/").get_data(as_text=True))
    assert "Bryn Davies" in header and "Amira Okafor" not in header


def test_a_renamed_person_sees_the_new_name_at_once(app, client, sign_in):
    user = sign_in.as_role(Role.LINK_OFFICER, name="Carys Evans")
    assert "Carys Evans" in _header(client.get("/caseload/").get_data(as_text=True))
    user.name = "Carys Evans-Pugh"
    db.session.commit()
    header = _header(client.get("/caseload/").get_data(as_text=True))
    assert "Carys Evans-Pugh" in header and "Carys Evans ·" not in header


def test_a_typed_name_is_escaped_in_the_kept_header(app, client, sign_in):
    sign_in.as_role(Role.LINK_OFFICER, name='<b>Dai</b> "Jones" & co')
    header = _header(client.get("/caseload/").get_data(as_text=True))
    assert "<b>Dai</b>" not in header
    assert "&lt;b&gt;Dai&lt;/b&gt; &#34;Jones&#34; &amp; co" in header


@pytest.mark.parametrize("name", ["<hl-csrf-token>", "hl-csrf-token-placeholder", "&lt;hl-csrf-token&gt;"])
def test_a_name_like_the_token_placeholder_is_shown_as_typed_not_replaced(app, client, sign_in, name):
    sign_in.as_role(Role.LINK_OFFICER, name=name)
    page = client.get("/caseload/").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    header = _header(page)
    assert escape(name) in header and token not in header.replace(f'value="{token}"', "")
    assert "<hl-csrf-token>" not in page


def test_the_sign_out_form_carries_this_sessions_token_and_signs_out(app, client, sign_in):
    sign_in.as_role(Role.LINK_OFFICER)
    first = TOKEN.search(client.get("/caseload/").get_data(as_text=True)).group(1)
    page = client.get("/directory/").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    assert "placeholder" not in page
    assert first and token
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code in (302, 303)
    assert client.get("/caseload/").status_code in (302, 303)  # signed out: sent to sign in


def test_another_session_gets_its_own_token_not_a_kept_one(app):
    tokens = []
    for name in ("Eleri Hughes", "Ffion Price"):
        client = app.test_client()
        SignIn(client).as_user(factories.user(role=Role.LINK_OFFICER, name=name))
        tokens.append(TOKEN.search(client.get("/caseload/").get_data(as_text=True)).group(1))
    assert tokens[0] != tokens[1]


def test_signed_out_pages_have_the_plain_header_and_the_statement_in_the_footer(client):
    page = client.get("/login").get_data(as_text=True)
    assert "/account/" not in _header(page) and "Sign out" not in _header(page)
    footer = page[page.index("<footer"):]
    assert 'href="/accessibility"' in footer and 'href="/login"' in footer


def _nhs_skip_link_block(app) -> str:
    """The skip link the NHS.UK page template prints by itself (base.html's skipLink block prints
    a kept copy instead)."""
    page = app.jinja_env.get_template("nhsuk/template.jinja").render()
    return re.search(r"<a\b[^>]*nhsuk-skip-link.*?</a>", page, re.S).group(0)


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_starts_with_the_nhs_templates_own_skip_link_to_its_main_content(app, client, sign_in, signed_in):
    if signed_in:
        sign_in.as_role(Role.LINK_OFFICER)
    with app.test_request_context():
        expected = _nhs_skip_link_block(app)
    assert 'href="#maincontent"' in expected and "Skip to main content" in expected
    for path in (["/caseload/", "/directory/", "/account/"] if signed_in else ["/login", "/accessibility"]):
        page = client.get(path).get_data(as_text=True)
        assert page.count(expected) == 1, path
        assert page.index("<body") < page.index(expected) < page.index("<header"), path  # first in the body
        assert 'id="maincontent"' in page and "nhsuk-skip-link" not in page.replace(expected, ""), path
