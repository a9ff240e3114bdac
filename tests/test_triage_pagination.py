"""Triage shows each queue a page at a time, with totals from one query and no per-row queries."""
from __future__ import annotations

import re

import pytest

from app.security import Role
from app.services import triage
from tests import factories
from tests.test_people_query_count import counting_queries


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(triage, "QUEUE_PAGE_SIZE", 3)


def _names(html: str) -> list[str]:
    return re.findall(r">(Wait\d+|Acc\d+) Testperson", html)


def _queues(waiting: int, accepted: int) -> None:
    practice = factories.practice()
    for i in range(waiting):  # Wait0 is the oldest
        factories.referral(practice, given_name=f"Wait{i}", received_days_ago=100 - i, needs=("debt", "housing"))
    for i in range(accepted):
        factories.referral(practice, given_name=f"Acc{i}", status="accepted", received_days_ago=50 - i)


def test_triage_shows_one_page_of_each_queue_oldest_first(app, client, sign_in, small_pages):
    _queues(7, 4)
    sign_in.as_role(Role.MANAGER)
    html = client.get("/triage/").get_data(as_text=True)
    assert _names(html) == ["Wait0", "Wait1", "Wait2", "Acc0", "Acc1", "Acc2"]
    assert "Waiting for a decision <span class=\"hl-muted\">(7)</span>" in html
    assert "(4)</span>" in html
    assert "Showing 1 to 3 of 7 referrals (page 1 of 3)" in html
    assert "Showing 1 to 3 of 4 referrals (page 1 of 2)" in html


def test_triage_pages_each_queue_on_its_own_and_keeps_the_other(app, client, sign_in, small_pages):
    _queues(7, 4)
    sign_in.as_role(Role.MANAGER)
    html = client.get("/triage/?page=3&accepted_page=2").get_data(as_text=True)
    assert _names(html) == ["Wait6", "Acc3"]
    # the waiting queue's links keep the accepted queue's page, and the other way round
    assert 'href="/triage/?accepted_page=2&amp;page=2"' in html
    assert 'href="/triage/?page=3&amp;accepted_page=1#accepted"' in html
    assert 'aria-current="page"' in html


def test_triage_page_beyond_the_end_shows_the_last_page(app, client, sign_in, small_pages):
    _queues(7, 0)
    sign_in.as_role(Role.MANAGER)
    response = client.get("/triage/?page=40")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _names(html) == ["Wait6"]
    assert "There are only 3 pages, so this is the last one." in html


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1e3", "99999999999999999999", "٣"])
def test_triage_page_that_is_not_a_number_is_page_one(app, client, sign_in, small_pages, page):
    _queues(4, 0)
    sign_in.as_role(Role.MANAGER)
    response = client.get(f"/triage/?page={page}&accepted_page={page}")
    assert response.status_code == 200
    assert _names(response.get_data(as_text=True)) == ["Wait0", "Wait1", "Wait2"]


def test_triage_audits_only_the_referrals_shown(app, client, sign_in, small_pages):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AuditEvent

    _queues(5, 0)
    sign_in.as_role(Role.MANAGER)
    client.get("/triage/?page=2")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "triage.list")).one()
    assert event.detail.startswith("2 referrals:")


def _query_count(client) -> int:
    with counting_queries() as statements:
        assert client.get("/triage/").status_code == 200
    return len(statements)


def test_triage_runs_the_same_number_of_queries_for_a_short_or_full_page(app, client, sign_in):
    _queues(2, 1)
    sign_in.as_role(Role.MANAGER)
    few = _query_count(client)
    _queues(30, 30)
    many = _query_count(client)
    assert few == many
    assert many <= 14
