"""Find a person (/people/find): an officer covering a colleague, or the manager, finds anyone with a
support record by name or NHS number (app/people/finding.py, app/name_search.py)."""
from __future__ import annotations

import re
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import name_search
from app.extensions import db
from app.models import AuditEvent, Episode
from app.models.base import uk_today, utcnow
from app.security import Role
from tests import factories
from tests.conftest import SignIn

ROW = re.compile(r'<a href="/people/(\d+)"><strong>([^<]+)</strong></a>')


def found(client, q: str, **args) -> list[str]:
    page = client.get("/people/find", query_string={"q": q, **args}).get_data(as_text=True)
    return [name for _, name in ROW.findall(page)]


def person_called(given: str, family: str, *, officer=None, nhs: str | None = None, discharged_days_ago=None):
    episode = factories.episode(officer, referral_=factories.referral(given_name=given, family_name=family, nhs=nhs))
    if discharged_days_ago is not None:
        episode.discharged_on, episode.discharge_reason = uk_today() - timedelta(days=discharged_days_ago), "goals_met"
        db.session.commit()
    return episode


def search_events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.search")
                                   .order_by(AuditEvent.id)))


def test_an_officer_finds_anyone_with_a_support_record_on_any_caseload(app, client, sign_in):
    me = factories.user(Role.LINK_OFFICER, name="Harriet Smith")
    colleague = factories.user(Role.LINK_OFFICER, name="Tracey Davies")
    person_called("Mary", "Field", officer=colleague)
    person_called("Anne", "Fielding", officer=me)
    person_called("Tom", "Fieldhouse", officer=None)
    person_called("Joan", "Afield", officer=colleague, discharged_days_ago=40)
    person_called("Mary", "Smith", officer=colleague)
    factories.referral(given_name="Rose", family_name="Field")  # referred, not accepted: no record
    sign_in.as_user(me)

    assert found(client, "FIELD") == ["Joan Afield", "Mary Field", "Tom Fieldhouse", "Anne Fielding"]
    assert found(client, "  mary   field ") == ["Mary Field"]  # every word, in the first or the last name
    assert found(client, "mary") == ["Mary Field", "Mary Smith"]
    assert found(client, "nobody") == []

    page = client.get("/people/find?q=field").get_data(as_text=True)
    assert "People matching the name “field”: 4" in page
    assert 'value="field"' in page  # what was typed stays in the box
    lines = {name: page[page.index(f"<strong>{name}</strong>"):].split("</li>")[0] for name in  # each line alone
             ("Mary Field", "Anne Fielding", "Tom Fieldhouse", "Joan Afield")}
    assert "In support" in lines["Mary Field"]
    assert (f'with <a href="/caseload/?officer={colleague.id}">Tracey Davies'  # her caseload, to cover it
            '<span class="nhsuk-u-visually-hidden">\'s caseload</span></a>') in lines["Mary Field"]
    assert "on your caseload" in lines["Anne Fielding"] and "Tracey" not in lines["Anne Fielding"]
    assert "Waiting for an officer" in lines["Tom Fieldhouse"] and "not yet allocated" in lines["Tom Fieldhouse"]
    discharged = uk_today() - timedelta(days=40)
    assert "Discharged" in lines["Joan Afield"] and "In support" not in lines["Joan Afield"]
    assert f"discharged on <span class=\"hl-nowrap\">{discharged.day} {discharged:%B %Y}</span>" in lines["Joan Afield"]
    nobody = client.get("/people/find?q=rose").get_data(as_text=True)
    assert "Nobody with a support record matches" in nobody and "/referrals/" not in nobody  # not an officer's list


def test_a_manager_who_finds_nobody_is_offered_the_same_search_of_the_referrals(app, client, sign_in):
    factories.referral(status="received", given_name="Rose", family_name="O'Hara")  # referred, not accepted
    sign_in.as_role(Role.MANAGER)
    html = client.get("/people/find?q=+O'Hara+").get_data(as_text=True)
    assert '<a href="/referrals/?q=O&#39;Hara">search the referrals for “O&#39;Hara”</a>' in html
    assert "Rose" in client.get("/referrals/?q=O%27Hara").get_data(as_text=True)


def test_a_whole_nhs_number_finds_its_person_however_it_is_typed(app, client, sign_in):
    number = factories.nhs_number(41)
    episode = person_called("Mary", "Field", nhs=number)
    person_called("Mary", "Fielding")
    sign_in.as_role(Role.MANAGER)
    for typed in (number, f"{number[:3]} {number[3:6]} {number[6:]}", f"{number[:3]}-{number[3:6]}-{number[6:]}"):
        page = client.get("/people/find", query_string={"q": typed}).get_data(as_text=True)
        assert ROW.findall(page) == [(str(episode.person_id), "Mary Field")], typed
        assert f"People with NHS number <span class=\"hl-nowrap\">{number[:3]} {number[3:6]} {number[6:]}</span>: 1" \
            in page


def test_a_refused_search_is_explained_by_its_field_and_lists_nobody(app, client, sign_in):
    person_called("Ada", "Field")
    sign_in.as_role(Role.LINK_OFFICER)
    for typed, message in (("999 123", "NHS number must be 10 digits, like 999 123 4560"),
                           ("9991234561", "Enter a valid NHS number – the check digit does not match"),
                           ("Ada 2", "Enter a name, or a whole NHS number of 10 digits"),
                           ("[person:1]", "Enter a name, or a whole NHS number of 10 digits"),
                           ("x" * 101, "Enter no more than 100 characters")):
        page = client.get("/people/find", query_string={"q": typed}).get_data(as_text=True)
        error = re.search(r'<span class="nhsuk-error-message" id="q-error"\s*>\s*<span class="nhsuk-u-visually-hidden">'
                          r'Error: </span>([^<]+)</span>', page)
        assert error and error.group(1).strip().startswith(message), typed
        assert 'aria-describedby="q-hint q-error"' in page
        assert f'value="{typed}"' in page
        assert "<title>Error: Find a person – Hearthlink</title>" in page
        assert ROW.findall(page) == [] and "Correct the search to find a person." in page, typed
    assert search_events() == []  # nobody shown, nothing searched for that could be recorded


def test_the_page_lists_nobody_until_something_is_searched_for_and_records_each_search(app, client, sign_in):
    episode = person_called("Ada", "Lovelace")
    other = person_called("Ada", "Byron")
    officer = sign_in.as_role(Role.LINK_OFFICER)
    page = client.get("/people/find").get_data(as_text=True)
    assert ROW.findall(page) == [] and "People matching" not in page
    assert client.get("/people/find?q=+++").status_code == 200 and search_events() == []

    client.get("/people/find?q=ADA")
    client.get("/people/find?q=nobody")
    first, second = search_events()
    assert (first.actor_id, first.subject_type, first.subject_id) == (officer.id, "person_search", "all")
    assert first.detail == (f"searched for name ada; 2 people: [person:{other.person_id}][person:{episode.person_id}]")
    assert second.detail == "searched for name nobody; nobody shown"


def test_a_returning_person_is_listed_once_with_their_latest_support(app, client, sign_in):
    before = factories.user(Role.LINK_OFFICER, name="Officer Before")
    now = factories.user(Role.LINK_OFFICER, name="Officer Now")
    first = person_called("Ada", "Returning", officer=before, discharged_days_ago=200)
    again = factories.referral(given_name="Ada", family_name="Returning", nhs=first.person.nhs_number)
    again.person = first.person
    db.session.add(Episode(person=first.person, referral=again, officer=now, allocated_at=utcnow(),
                           opened_at=utcnow()))
    db.session.commit()
    sign_in.as_role(Role.MANAGER)
    page = client.get("/people/find?q=returning").get_data(as_text=True)
    assert ROW.findall(page) == [(str(first.person_id), "Ada Returning")]
    assert f'with <a href="/caseload/?officer={now.id}">Officer Now<' in page
    assert "Officer Before" not in page and "Discharged" not in page


def test_typographic_apostrophes_match_plain_ones_both_ways(app, client, sign_in):
    person_called("Billy", "O'Brien")
    person_called("Sean", "O\u2019Neill")
    sign_in.as_role(Role.LINK_OFFICER)
    assert found(client, "o\u2019bri") == ["Billy O&#39;Brien"]
    assert found(client, "o'neill") == ["Sean O\u2019Neill"]
    assert found(client, "O\u2018NEILL") == ["Sean O\u2019Neill"]


def test_many_found_are_shown_a_page_at_a_time_keeping_the_search(app, client, sign_in):
    for index in range(27):
        person_called("Ada", f"Pager{chr(ord('a') + index % 26)}{'z' if index >= 26 else ''}")
    sign_in.as_role(Role.LINK_OFFICER)
    first = client.get("/people/find?q=pager").get_data(as_text=True)
    assert len(ROW.findall(first)) == 25 and "People matching the name “pager”: 27" in first
    assert "Showing 1 to 25 of 27 people (page 1 of 2)" in first
    assert 'href="/people/find?q=pager&amp;page=2"' in first
    assert found(client, "pager", page=2) == ["Ada Pagery", "Ada Pagerz"]  # pagera, pageraz, pagerb ... pagerz


def test_a_record_opened_from_the_search_goes_back_to_it(app, client, sign_in):
    episode = person_called("Ada", "Field")
    sign_in.as_role(Role.LINK_OFFICER)
    record = f"/people/{episode.person_id}"

    def back(referrer: str | None) -> tuple[str, str]:
        headers = {"Referer": referrer} if referrer else {}
        page = client.get(record, headers=headers).get_data(as_text=True)
        link = re.search(r'<a class="nhsuk-back-link"[^>]*href="([^"]+)"[^>]*>\s*(?:<svg.*?</svg>)?\s*([^<]+)', page, re.S)
        return link.group(1), link.group(2).strip()

    assert back("http://localhost/people/find?q=field&page=1") == ("/people/find?q=field&amp;page=1",
                                                                   "Back to search results")
    assert back("http://localhost/people/find?q=%3Cb%3E") == ("/people/find?q=%3Cb%3E", "Back to search results")
    for elsewhere in (None, "http://localhost/caseload/", "https://elsewhere.example/people/find?q=field"):
        assert back(elsewhere) == ("/caseload/", "Back to caseload"), elsewhere


def test_practices_commissioners_and_admins_may_not_find_people(app):
    person_called("Ada", "Field")
    for role in (Role.GP_PRACTICE, Role.COMMISSIONER, Role.ADMIN):
        client = app.test_client()
        SignIn(client).as_role(role)
        assert client.get("/people/find?q=field").status_code == 403, role
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "person.search")) == 0


@given(st.text(alphabet="abc'\u2019\u2018\u02bc ", min_size=1, max_size=20))
def test_any_apostrophe_typed_is_searched_for_as_a_plain_one(text):
    plain = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")
    assert name_search.parse(text) == name_search.parse(plain)
    searched = name_search.parse(text)
    assert searched is None or all(not set(word) & {"\u2019", "\u2018", "\u02bc"} for word in searched.words)


def test_names_in_any_alphabet_are_found_whatever_their_case(app, client, sign_in):
    """SQLite's own lower() folds only A to Z: "Öztürk" could not be found by typing it there."""
    person_called("Łukasz", "Öztürk")
    person_called("Émile", "Zoë")
    person_called("Anna", "Smith")
    sign_in.as_role(Role.LINK_OFFICER)
    for typed in ("ÖZTÜRK", "öztürk", "Öz", "łukasz", "ŁUKASZ öztürk"):
        assert found(client, typed) == ["Łukasz Öztürk"], typed
    for typed in ("émile", "ÉMILE ZOË", "zoë"):
        assert found(client, typed) == ["Émile Zoë"], typed
    assert found(client, "ozturk") == []  # letters, not their look-alikes
