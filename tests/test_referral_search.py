"""Finding a referral on the referral list by the person's name or NHS number (app/name_search.py)."""
from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.audit_log.routes import MARKERS
from app.extensions import db
from app.models import AuditEvent
from app import name_search as search
from app.referrals import queries
from app.security import Role
from tests import factories


def names_listed(page: str) -> list[str]:
    return re.findall(r'<a href="/referrals/\d+">([^<]+)</a>', page)


def latest_list_event() -> AuditEvent:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "referral.list")
                              .order_by(AuditEvent.id.desc())).first()


def test_a_practice_finds_a_referral_by_any_part_of_a_name_whatever_its_case(app, client, sign_in):
    practice = factories.practice()
    factories.referral(practice, given_name="Mary", family_name="Field")
    factories.referral(practice, given_name="Mary", family_name="Smith")
    factories.referral(practice, given_name="Billy", family_name="O'Brien")
    factories.referral(practice, given_name="Anne", family_name="Fielding")
    factories.referral(practice, given_name="Łukasz", family_name="Öztürk")
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)

    def found(q: str) -> list[str]:
        return sorted(names_listed(client.get("/referrals/", query_string={"q": q}).get_data(as_text=True)))

    assert found("FIELD") == ["Anne Fielding", "Mary Field"]
    assert found("  mary   field ") == ["Mary Field"]  # every word, in the first or the last name
    assert found("mary") == ["Mary Field", "Mary Smith"]
    assert found("o'bri") == ["Billy O&#39;Brien"]
    assert found("o\u2019bri") == ["Billy O&#39;Brien"]  # as a tablet's keyboard types it
    assert found("ÖZTÜRK") == found("łukasz") == ["Łukasz Öztürk"]  # any alphabet, on SQLite too
    assert found("ary ith") == ["Mary Smith"]
    assert found("nobody") == []
    page = client.get("/referrals/", query_string={"q": "Mary Field"}).get_data(as_text=True)
    assert "Referrals matching the name “Mary Field”: <strong>1</strong>" in page
    assert 'value="Mary Field"' in page  # what was typed stays in the box
    assert "No referrals match this search." in client.get("/referrals/?q=nobody").get_data(as_text=True)


def test_like_wildcards_are_matched_as_the_characters_typed(app, client, sign_in):
    practice = factories.practice()
    factories.referral(practice, given_name="Ada", family_name="Lovelace")
    factories.referral(practice, given_name="Per%cy", family_name="Under_score")
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    assert names_listed(client.get("/referrals/?q=%25").get_data(as_text=True)) == ["Per%cy Under_score"]
    assert names_listed(client.get("/referrals/?q=_").get_data(as_text=True)) == ["Per%cy Under_score"]
    assert names_listed(client.get("/referrals/?q=a_a").get_data(as_text=True)) == []


def test_a_whole_nhs_number_finds_only_this_practices_referral_for_it(app, client, sign_in):
    mine, theirs = factories.practice(), factories.practice()
    number = factories.nhs_number(41)
    factories.referral(mine, given_name="Winifred", nhs=number)
    factories.referral(mine, given_name="Someone")
    factories.referral(theirs, given_name="Elsewhere", nhs=factories.nhs_number(42))
    sign_in.as_role(Role.GP_PRACTICE, practice_=mine)
    spaced = f"{number[:3]} {number[3:6]}-{number[6:]}"
    page = client.get("/referrals/", query_string={"q": spaced}).get_data(as_text=True)
    assert [name.split()[0] for name in names_listed(page)] == ["Winifred"]
    assert (f'Referrals for NHS number <span class="hl-nowrap">{number[:3]} {number[3:6]} {number[6:]}</span>: '
            "<strong>1</strong>") in page
    elsewhere = factories.nhs_number(42)
    assert names_listed(client.get("/referrals/", query_string={"q": elsewhere}).get_data(as_text=True)) == []


def test_part_of_an_nhs_number_or_a_name_with_digits_is_refused_beside_the_field(app, client, sign_in):
    practice = factories.practice()
    factories.referral(practice, given_name="Listed")
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    for typed, message in (("999 123", "NHS number must be 10 digits, like 999 123 4560"),
                           ("9991234561", "Enter a valid NHS number – the check digit does not match"),
                           ("Mary 2", "Enter a name, or a whole NHS number of 10 digits"),
                           ("[person:1]", "Enter a name, or a whole NHS number of 10 digits"),
                           ("x" * 101, "Enter no more than 100 characters")):
        page = client.get("/referrals/", query_string={"q": typed}).get_data(as_text=True)
        error = re.search(r'<span class="nhsuk-error-message" id="q-error"\s*>\s*<span class="nhsuk-u-visually-hidden">'
                          r'Error: </span>([^<]+)</span>', page)
        assert error and error.group(1).strip().startswith(message), typed
        assert 'aria-describedby="q-hint q-error"' in page
        assert f'value="{typed}"' in page.replace("&#39;", "'")
        assert "<title>Error: Referrals – Hearthlink</title>" in page
        assert names_listed(page) == [] and "Correct the search to see referrals." in page


def test_typed_text_is_escaped_where_it_is_shown(app, client, sign_in):
    sign_in.as_role(Role.GP_PRACTICE, practice_=factories.practice())
    page = client.get("/referrals/", query_string={"q": '<b>"x"'}).get_data(as_text=True)
    assert "<b>" not in page and 'value="&lt;b&gt;&#34;x&#34;"' in page
    assert "matching the name “&lt;b&gt;&#34;x&#34;”" in page


def test_the_manager_searches_every_practice_and_the_pages_keep_the_search(app, client, sign_in, monkeypatch):
    first, second = factories.practice(), factories.practice()
    for practice, first_name in ((first, "Alma"), (second, "Alys"), (second, "Aled"), (first, "Bryn")):
        factories.referral(practice, given_name=first_name, family_name="Jones")
    factories.referral(second, given_name="Other", family_name="Person")
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    sign_in.as_role(Role.MANAGER)
    page = client.get("/referrals/?q=jones").get_data(as_text=True)
    assert len(names_listed(page)) == 2 and "of 4 referrals" in page
    assert re.search(r'href="/referrals/\?(?:[^"]*&amp;)?q=jones[^"]*page=2"', page)
    second_page = client.get("/referrals/?q=jones&page=2").get_data(as_text=True)
    assert sorted(names_listed(page) + names_listed(second_page)) == ["Aled Jones", "Alma Jones", "Alys Jones",
                                                                      "Bryn Jones"]
    only_second = client.get(f"/referrals/?q=al&practice={second.id}").get_data(as_text=True)
    assert sorted(names_listed(only_second)) == ["Aled Jones", "Alys Jones"]


def test_the_search_is_in_the_audit_event_with_whom_it_found(app, client, sign_in):
    practice = factories.practice()
    found = factories.referral(practice, given_name="Harriet", nhs=factories.nhs_number(43))
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    client.get("/referrals/", query_string={"q": "HARRIET"})
    assert latest_list_event().detail == f"searched for name harriet; 1 referral: [referral:{found.id}]"
    client.get("/referrals/", query_string={"q": factories.nhs_number(44)})
    assert latest_list_event().detail == f"searched for NHS number {factories.nhs_number(44)}; nobody shown"
    client.get("/referrals/", query_string={"q": "[referral:1]"})  # refused: recorded as no search
    assert latest_list_event().detail == "nobody shown"


_NAME_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Nd", "No", "Nl")), min_size=1, max_size=100)


@given(_NAME_TEXT)
def test_a_name_search_is_its_words_in_lower_case_and_never_reads_as_an_audit_marker(text):
    """Text with no digit is a name: its distinct words, lower-cased, in order (apostrophes plain), and its audit
    description can never hold a [person:N] marker, whatever was typed."""
    if any(character.isdigit() for character in text):  # digits outside Nd/No/Nl, if any
        return
    wanted = search.parse(text)
    if not text.strip():
        assert wanted is None
        return
    assert wanted.nhs_number is None
    plain = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")  # typographic apostrophes
    assert wanted.words == tuple(dict.fromkeys(w.lower() for w in plain.split()))
    assert not MARKERS.search(wanted.described())


@given(st.integers(min_value=0, max_value=600), st.lists(st.sampled_from([" ", "-", "  "]), min_size=9, max_size=9))
def test_an_nhs_number_is_found_however_it_is_spaced(index, separators):
    number = factories.nhs_number(index)
    typed = "".join(digit + (separators[i] if i < 9 and i % 3 == 2 else "") for i, digit in enumerate(number))
    assert search.parse(typed) == search.Search(nhs_number=number)


def test_the_manager_goes_from_a_found_referral_to_the_persons_support_record(app, client, sign_in):
    """A manager who finds someone's referral can open their support record from it; a practice
    never sees the link (it may not open support records), nor is it there before acceptance."""
    practice = factories.practice()
    supported = factories.episode(factories.user(Role.LINK_OFFICER),
                                  referral_=factories.referral(practice, given_name="Edna"))
    waiting = factories.referral(practice, given_name="Waiting")
    link = f'<a href="/people/{supported.person_id}">Support record for Edna '
    sign_in.as_role(Role.MANAGER)
    assert link in client.get(f"/referrals/{supported.referral_id}").get_data(as_text=True)
    assert "Support record for" not in client.get(f"/referrals/{waiting.id}").get_data(as_text=True)
    sign_in.out()
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    page = client.get(f"/referrals/{supported.referral_id}").get_data(as_text=True)
    assert "Edna" in page and "Support record for" not in page


def test_back_to_referrals_returns_to_the_list_as_it_was_left(app, client, sign_in):
    """From a searched, filtered, paged list, "Back to referrals" goes back to that list; from
    anywhere else (or from another site, or with no Referer) to the list itself."""
    practice = factories.practice()
    referral = factories.referral(practice, given_name="Edith", family_name="Cole")
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)

    def back_link(referer: str | None) -> str:
        headers = {"Referer": referer} if referer else {}
        page = client.get(f"/referrals/{referral.id}", headers=headers).get_data(as_text=True)
        return re.search(r'<a class="nhsuk-back-link" href="([^"]*)">Back to referrals</a>', page).group(1)

    assert back_link("http://localhost/referrals/?q=cole&status=received&page=2") == \
        "/referrals/?q=cole&amp;status=received&amp;page=2"
    assert back_link("http://localhost/referrals/?q=%3Cb%3E%22") == "/referrals/?q=%3Cb%3E%22"
    assert back_link("http://localhost/referrals/") == "/referrals/"
    assert back_link("http://localhost/caseload/?q=cole") == "/referrals/"
    assert back_link("https://elsewhere.example/referrals/?q=cole") == "/referrals/"
    assert back_link("javascript:alert(1)//localhost/referrals/?q=x") == "/referrals/"
    assert back_link(None) == "/referrals/"
