"""The referral list a page at a time: a practice's own referrals, filters kept across pages,
counts from one query, what changed bounded and shown on the first page."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ReferralEvent
from app.models.base import uk_today, utcnow
from app.referrals import queries
from app.security import Role
from tests import factories
from tests.test_people_query_count import counting_queries

MEETING = uk_today() - timedelta(days=10)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 4)


def _names(html: str) -> list[str]:
    return re.findall(r">(?:Ref|Other)(\d+) Testperson", html)


def _referrals(practice, n: int, **kwargs) -> list:
    # Ref0 is the newest, so the list (newest first) reads Ref0, Ref1, ...
    return [factories.referral(practice, given_name=f"Ref{i}", received_days_ago=i + 1, **kwargs) for i in range(n)]


def test_practice_list_shows_a_page_of_its_own_referrals_newest_first(app, client, sign_in, small_pages):
    practice = factories.practice()
    _referrals(practice, 6)
    factories.referral(given_name="Other99")  # another practice's
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    first = client.get("/referrals/").get_data(as_text=True)
    assert _names(first) == ["0", "1", "2", "3"]
    assert "Showing 1 to 4 of 6 referrals (page 1 of 2)" in first
    second = client.get("/referrals/?page=2").get_data(as_text=True)
    assert _names(second) == ["4", "5"]
    assert "Showing 5 to 6 of 6 referrals (page 2 of 2)" in second


def test_referral_list_keeps_the_filters_in_every_page_link(app, client, sign_in, small_pages):
    practice = factories.practice()
    _referrals(practice, 9, mdt_meeting_date=MEETING)
    _referrals(practice, 3)  # another meeting: filtered out
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    html = client.get(f"/referrals/?status=received&meeting={MEETING.isoformat()}&page=2").get_data(as_text=True)
    assert "Showing 5 to 8 of 9 referrals (page 2 of 3)" in html
    links = set(re.findall(r'href="(/referrals/\?[^"]*page=\d[^"]*)"', html))
    assert links == {f"/referrals/?status=received&amp;meeting={MEETING.isoformat()}&amp;page={n}" for n in (1, 2, 3)}


def test_referral_list_page_beyond_the_end_shows_the_last_page(app, client, sign_in, small_pages):
    practice = factories.practice()
    _referrals(practice, 5)
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    response = client.get("/referrals/?page=7")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and _names(html) == ["4"]
    assert "There are only 2 pages, so this is the last one." in html


@pytest.mark.parametrize("page", ["abc", "0", "-3", "2.5", "1" * 30])
def test_referral_list_page_that_is_not_a_number_is_page_one(app, client, sign_in, small_pages, page):
    practice = factories.practice()
    _referrals(practice, 5)
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    response = client.get(f"/referrals/?page={page}")
    assert response.status_code == 200 and _names(response.get_data(as_text=True)) == ["0", "1", "2", "3"]


def test_referral_list_audits_only_the_page_shown(app, client, sign_in, small_pages):
    practice = factories.practice()
    made = _referrals(practice, 6)
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    client.get("/referrals/?page=2")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "referral.list")).one()
    assert event.detail == f"2 referrals: [referral:{made[4].id}][referral:{made[5].id}]"


def test_what_changed_is_bounded_newest_first_and_waits_for_the_first_page(app, client, sign_in, monkeypatch,
                                                                         small_pages):
    monkeypatch.setattr(queries, "CHANGES_SHOWN", 3)
    practice = factories.practice()
    made = _referrals(practice, 5)
    gp = sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    gp.referrals_seen_at = utcnow() - timedelta(hours=2)
    for minutes, referral in enumerate(made):  # made[4] changed last
        referral.status = "accepted"
        db.session.add(ReferralEvent(referral=referral, from_status="received", to_status="accepted",
                                     at=utcnow() - timedelta(minutes=60 - minutes)))
    db.session.commit()
    second = client.get("/referrals/?page=2").get_data(as_text=True)
    assert "What has changed" not in second  # later pages leave the changes to be seen
    first = client.get("/referrals/").get_data(as_text=True)
    card = first[first.index("What has changed"):first.index("</ul>", first.index("What has changed"))]
    assert re.findall(r">Ref(\d) Testperson", card) == ["4", "3", "2"]
    assert "The 3 most recent changes, newest first." in first
    third = client.get("/referrals/").get_data(as_text=True)
    assert "What has changed" not in third


def _query_count(client, url="/referrals/") -> int:
    with counting_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_referral_list_runs_the_same_number_of_queries_for_few_or_a_full_page(app, client, sign_in):
    practice = factories.practice()
    officers = [factories.user(Role.LINK_OFFICER) for _ in range(3)]

    def allocated(n: int) -> None:
        for i, referral in enumerate(_referrals(practice, n, needs=("debt", "housing"))):
            factories.episode(officers[i % 3], referral_=referral)

    allocated(2)
    sign_in.as_user(factories.user(Role.MANAGER))
    client.get("/referrals/")  # from now on there is a last look to compare with
    few = _query_count(client, "/referrals/?status=allocated")
    allocated(30)
    many = _query_count(client, "/referrals/?status=allocated")
    assert few == many
