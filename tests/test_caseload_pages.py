"""The caseload a page at a time: counts of the whole caseload from one query, the flags counted
in SQL agreeing with the rows' own, the kept last-contact date, and the manager's summary."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.caseload import queries
from app.caseload.flags import FlagRules, latest_flagged_allocation, working_days_between
from app.extensions import db
from app.models import AuditEvent
from app.models.base import uk_today, utcnow
from app.security import Role
from app.services import contacts, visits
from tests import factories

TODAY = uk_today()


@pytest.fixture
def officer(app):
    return factories.user(role=Role.LINK_OFFICER)


def _episode(officer, name, *, allocated_days_ago=1, seen=True, contact_days_ago=None):
    referral = factories.referral(status="allocated", given_name=name, family_name="Paged")
    episode = factories.episode(officer, referral_=referral, seen=seen)
    episode.allocated_at = utcnow() - timedelta(days=allocated_days_ago)
    episode.opened_at = episode.allocated_at
    db.session.commit()
    if contact_days_ago is not None:
        contacts.record(by=officer, episode=episode, kind="phone", status="held",
                        on=TODAY - timedelta(days=contact_days_ago), duration_minutes=10)
    return episode


def _names(html: str) -> list[str]:
    return re.findall(r'class="hl-caseload__name"[^>]*>(\w+) Paged<', html)


def test_caseload_shows_a_page_at_a_time_with_counts_of_the_whole_caseload(client, sign_in, officer, monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 3)
    for i, name in enumerate(["Ann", "Ben", "Cat", "Dan", "Eve"]):
        _episode(officer, name, allocated_days_ago=20 - i, seen=name != "Eve", contact_days_ago=2)
    _episode(officer, "Fay", allocated_days_ago=30, contact_days_ago=20)  # no contact for 20 days: flagged
    sign_in.as_user(officer)
    first = client.get("/caseload/").get_data(as_text=True)
    assert "6 people in support, <strong>1 newly allocated</strong>, 1 overdue for contact." in first
    assert _names(first) == ["Eve", "Fay", "Ann"]  # new first, then by allocation (none planned)
    assert "Showing 1 to 3 of 6 people (page 1 of 2)" in first
    assert 'href="/caseload/?page=2"' in first and "nhsuk-pagination" in first
    second = client.get("/caseload/?page=2").get_data(as_text=True)
    assert _names(second) == ["Ben", "Cat", "Dan"]
    assert "6 people in support" in second


def test_caseload_later_page_shows_each_rows_own_open_needs(client, sign_in, officer, monkeypatch):
    from app.services import needs

    monkeypatch.setattr(queries, "PER_PAGE", 2)
    people = [_episode(officer, name, allocated_days_ago=9 - i) for i, name in enumerate(["Ann", "Ben", "Cat", "Dan"])]
    for count, episode in zip((1, 0, 3, 2), people):
        for area in ("debt", "food", "housing")[:count]:
            needs.add(by=officer, episode=episode, area=area, severity="low")
    sign_in.as_user(officer)
    html = client.get("/caseload/?page=2").get_data(as_text=True)
    assert _names(html) == ["Cat", "Dan"]
    assert re.findall(r'class="hl-case__needs">(\d+)<', html) == ["3", "2"]


def test_caseload_page_beyond_the_end_shows_the_last_and_nonsense_shows_the_first(client, sign_in, officer,
                                                                                   monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 2)
    for name in ["Ann", "Ben", "Cat"]:
        _episode(officer, name)
    sign_in.as_user(officer)
    beyond = client.get("/caseload/?page=99").get_data(as_text=True)
    assert _names(beyond) == ["Cat"] and "so this is the last one" in beyond
    assert _names(client.get("/caseload/?page=banana").get_data(as_text=True)) == ["Ann", "Ben"]


def test_caseload_audit_names_only_the_people_on_the_page(client, sign_in, officer, monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 2)
    shown = [_episode(officer, name, allocated_days_ago=9 - i) for i, name in enumerate(["Ann", "Ben", "Cat"])]
    sign_in.as_user(officer)
    client.get("/caseload/")
    detail = db.session.scalars(db.select(AuditEvent.detail).where(AuditEvent.action == "caseload.view")).one()
    assert f"[person:{shown[0].person_id}]" in detail and f"[person:{shown[1].person_id}]" in detail
    assert f"[person:{shown[2].person_id}]" not in detail


def test_manager_pages_through_an_officers_caseload_keeping_the_officer(client, sign_in, officer, monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 1)
    _episode(officer, "Ann")
    _episode(officer, "Ben")
    sign_in.as_role(Role.MANAGER)
    html = client.get(f"/caseload/?officer={officer.id}").get_data(as_text=True)
    assert f"/caseload/?officer={officer.id}&amp;page=2" in html or f"/caseload/?page=2&amp;officer={officer.id}" in html


def test_manager_summary_counts_each_officer_in_one_query(client, sign_in, officer):
    other = factories.user(role=Role.LINK_OFFICER, name="Zed Officer")
    _episode(officer, "Ann", seen=False)
    _episode(officer, "Ben", allocated_days_ago=30)  # no first contact after 30 days: flagged
    _episode(officer, "Cat", allocated_days_ago=30, contact_days_ago=15)  # flagged: no contact for 15 days
    _episode(officer, "Dan", allocated_days_ago=30, contact_days_ago=3)
    discharged = _episode(other, "Eve")
    discharged.discharged_on, discharged.discharge_reason = TODAY, "goals_met"
    db.session.commit()
    sign_in.as_role(Role.MANAGER)
    html = client.get("/caseload/").get_data(as_text=True)
    row = html.split(f"officer={officer.id}\"")[1].split("</tr>")[0]
    assert re.findall(r"</span>(\d+)</td>", row) == ["4", "1", "2", "0"]  # in support, new, flagged, open concerns
    other_row = html.split(f"officer={other.id}\"")[1].split("</tr>")[0]
    assert re.findall(r"</span>(\d+)</td>", other_row) == ["0", "0", "0", "0"]


def test_counted_flags_agree_with_each_rows_flags(app, officer):
    """The SQL count and the rows' own flags are one rule: check them on a spread of cases."""
    for days in range(0, 40, 3):
        _episode(officer, f"Alloc{days}", allocated_days_ago=days)
        _episode(officer, f"Contact{days}", allocated_days_ago=days + 20, contact_days_ago=days)
    rules = FlagRules.from_config(app.config)
    rows = queries.caseload(officer.id)
    totals = queries.counts(officer.id, rules)
    assert totals.total == len(rows) == 28
    assert totals.flagged == sum(row.flagged for row in rows)
    assert 0 < totals.flagged < totals.total


def test_each_pages_counts_are_the_whole_caseloads_read_with_the_page(app, officer):
    """The counts come with the page's rows (window sums over every open episode, before the
    LIMIT): on every page, and beyond the end, they are what the counts read alone say."""
    _episode(officer, "Ann", seen=False)
    _episode(officer, "Ben", allocated_days_ago=30)  # no first contact after 30 days: flagged
    _episode(officer, "Cat", allocated_days_ago=30, contact_days_ago=15)  # no contact for 15 days: flagged
    dan = _episode(officer, "Dan", allocated_days_ago=30, contact_days_ago=3)
    _episode(officer, "Eve", seen=False, allocated_days_ago=2)
    visit = visits.check_in(by=officer, episode=dan, expected_end_at=utcnow() + timedelta(hours=1))
    _episode(factories.user(role=Role.LINK_OFFICER), "Other", seen=False)  # another officer's
    rules = FlagRules.from_config(app.config)
    alone = queries.counts(officer.id, rules)
    assert (alone.total, alone.new, alone.flagged, alone.open_visit_id) == (5, 2, 2, visit.id)
    seen = []
    for number, expected_page in ((1, 1), (2, 2), (3, 3), (4, 3), (99, 3), (2**31 - 1, 3)):
        page, totals = queries.caseload_page(officer.id, rules, page=number, per_page=2)
        assert totals == alone, number
        assert (page.page, page.total) == (expected_page, 5), number
        seen += [row.person_id for row in page.items] if number <= 3 else []
    assert len(seen) == len(set(seen)) == 5  # each person on exactly one page
    nobody = factories.user(role=Role.LINK_OFFICER)
    page, totals = queries.caseload_page(nobody.id, rules, page=2, per_page=2)
    assert (totals.total, totals.new, totals.flagged, totals.open_visit_id) == (0, 0, 0, None)
    assert (page.page, page.items) == (1, [])


def test_last_contact_is_kept_on_the_episode_as_contacts_are_logged(app, officer):
    episode = _episode(officer, "Kept")
    assert episode.last_contact_on is None
    contacts.record(by=officer, episode=episode, kind="phone", status="planned", on=TODAY + timedelta(days=3))
    assert episode.last_contact_on is None
    held = contacts.record(by=officer, episode=episode, kind="phone", status="held", on=TODAY - timedelta(days=9),
                           duration_minutes=10)
    contacts.record(by=officer, episode=episode, kind="video", status="held", on=TODAY - timedelta(days=20),
                    duration_minutes=10)
    assert episode.last_contact_on == TODAY - timedelta(days=9)
    version = episode.version
    contacts.update(by=officer, contact=held, status="held", duration_minutes=10, who_was_there="", notes="",
                    version=held.version, on=TODAY - timedelta(days=30))
    db.session.expire_all()
    assert episode.last_contact_on == TODAY - timedelta(days=20)
    assert episode.version == version, "logging a contact does not make others' open forms stale"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_last_contact_is_the_latest_held_whatever_order_contacts_are_logged_in(app, officer, seed):
    import random

    from app.models import Episode

    rng = random.Random(seed)
    episode = _episode(officer, "Order")
    held_days: list[date] = []
    planned = []
    for _ in range(12):
        day = TODAY - timedelta(days=rng.randint(0, 60))
        if rng.random() < 0.3:
            planned.append(contacts.record(by=officer, episode=episode, kind="phone", status="planned",
                                           on=TODAY + timedelta(days=rng.randint(0, 5))))
        else:
            contacts.record(by=officer, episode=episode, kind="video", status="held", on=day, duration_minutes=5)
            held_days.append(day)
        if planned and rng.random() < 0.3:  # a planned contact happened, on a day of its own
            contact = planned.pop()
            contacts.update(by=officer, contact=contact, status="held", duration_minutes=5, who_was_there="",
                            notes="", version=contact.version, on=day)
            held_days.append(day)
        assert episode.last_contact_on == max(held_days, default=None)  # the session's copy ...
    db.session.expire_all()
    stored = db.session.scalar(db.select(Episode.last_contact_on).where(Episode.id == episode.id))
    assert stored == episode.last_contact_on == max(held_days)  # ... and the database's


@settings(max_examples=200, deadline=None)
@given(today=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), limit=st.integers(0, 30),
       region=st.sampled_from(["ENG", "WLS", "SCT", "NIR"]))
def test_latest_flagged_allocation_is_where_the_working_days_pass_the_limit(today, limit, region):
    day = latest_flagged_allocation(today, limit, region)
    assert working_days_between(day, today, region) > limit
    assert working_days_between(day + timedelta(days=1), today, region) <= limit
