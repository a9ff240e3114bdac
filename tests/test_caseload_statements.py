"""The caseload's statements carry the officer's id in their text, not as a parameter, so that
PostgreSQL keeps one plan per officer instead of planning the caseload again on every request
(app/caseload/queries.py, `_officer_id`); and each officer still sees only their own people."""
from __future__ import annotations

import re

from app.security import Role
from tests import factories
from tests.test_people_query_count import counting_queries


def _caseload(client, sign_in, officer) -> tuple[str, list[str]]:
    sign_in.as_user(officer)
    with counting_queries() as statements:
        page = client.get("/caseload/")
    assert page.status_code == 200
    sign_in.out()
    return page.get_data(as_text=True), [s for s in statements if "FROM episode" in s]


def test_each_officers_caseload_statements_name_that_officer_and_show_only_their_people(client, sign_in):
    first, second = factories.user(role=Role.LINK_OFFICER), factories.user(role=Role.LINK_OFFICER)
    ours = factories.episode(first, seen=True)
    theirs = factories.episode(second, seen=True)
    for officer, own, other in ((first, ours, theirs), (second, theirs, ours)):
        html, statements = _caseload(client, sign_in, officer)
        assert f"/people/{own.person_id}\"" in html and f"/people/{other.person_id}\"" not in html
        # The page of cards with the counts above it, in one statement, the officer's id written in.
        assert len(statements) == 1
        for statement in statements:
            assert re.search(rf"episode\.officer_id = {officer.id}\b", statement), statement
            assert "officer_id)s" not in statement and "officer_id =?" not in statement.replace(" ", "")


def test_a_manager_opening_an_officers_caseload_gets_that_officer_in_the_text(client, sign_in):
    officer = factories.user(role=Role.LINK_OFFICER)
    episode = factories.episode(officer, seen=True)
    sign_in.as_role(Role.MANAGER)
    with counting_queries() as statements:
        html = client.get(f"/caseload/?officer={officer.id}").get_data(as_text=True)
    assert f"/people/{episode.person_id}\"" in html
    assert all(re.search(rf"officer_id = {officer.id}\b", s) for s in statements if "FROM episode" in s)
