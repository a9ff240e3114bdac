"""The audit log a page at a time: newest first, the search kept in every page link, a bounded
count, and the search by person through the indexed mentions table, not the detail text."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.audit_log import routes
from app.extensions import db
from app.models import AuditEvent, AuditMention
from app.models.base import utcnow
from app.security import Role
from app.services import audit
from tests import factories
from tests.test_people_query_count import counting_queries

START = datetime(2026, 3, 1, 9, 0)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(routes, "PAGE_SIZE", 4)


def _events(n: int, *, action: str = "test.event", subject_type: str = "thing", subject_id="x",
            detail: str = "") -> None:
    """n events, one a minute from START: "#0" is the oldest."""
    for i in range(n):
        event = audit.record(by=None, action=action, subject_type=subject_type, subject_id=subject_id,
                             detail=f"{detail} #{i}".strip())
        event.at = START + timedelta(minutes=i)
    db.session.commit()


def _shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"test\.event</code></td>\s*<td[^>]*>.*?#(\d+)</td>", html, re.S)]


def test_mentions_are_written_for_the_subject_and_each_marker_once():
    assert audit.mentions_in("person", 7, "viewed [person:7][referral:3] and [person:12][referral:3]") == [
        ("person", 7), ("referral", 3), ("person", 12)]
    assert audit.mentions_in("referral", "abc", "[person:0][person:99999999999]") == []
    assert audit.mentions_in("caseload", 4, "2 people: [person:5][person:6]") == [("person", 5), ("person", 6)]


def test_recording_an_event_stores_its_mentions(app):
    event = audit.record(by=None, action="referral.list", subject_type="referral_list", subject_id="all",
                         detail=audit.shown(people=[4], referrals=[8, 9]), person_id=11)
    db.session.commit()
    rows = db.session.execute(select(AuditMention.kind, AuditMention.ref_id)
                              .where(AuditMention.audit_event_id == event.id)).all()
    assert sorted(rows) == [("person", 4), ("person", 11), ("referral", 8), ("referral", 9)]


def test_events_flushed_together_each_keep_their_own_mentions(app):
    """Several events in one flush (the PostgreSQL path writes each event's ids of a kind as one
    array): every mention lands on its own event, none on another's."""
    first = audit.record(by=None, action="caseload.view", subject_type="caseload", subject_id=1,
                         detail=audit.shown(people=range(1, 67)))
    second = audit.record(by=None, action="referral.list", subject_type="referral_list", subject_id="all",
                          detail=audit.shown(people=[5, 70], referrals=[3]))
    db.session.commit()

    def mentions(event):
        return sorted(db.session.execute(select(AuditMention.kind, AuditMention.ref_id)
                                         .where(AuditMention.audit_event_id == event.id)).all())

    assert mentions(first) == [("person", n) for n in range(1, 67)]
    assert mentions(second) == [("person", 5), ("person", 70), ("referral", 3)]


def _event_and_mentions(event_id: int) -> tuple:
    event = db.session.get(AuditEvent, event_id)
    mentions = sorted(db.session.execute(select(AuditMention.kind, AuditMention.ref_id)
                                         .where(AuditMention.audit_event_id == event_id)).all())
    return (event.actor_id, event.actor_email, event.action, event.subject_type, event.subject_id, event.detail,
            event.remote_addr), mentions


def test_a_view_is_written_as_rows_exactly_as_a_recorded_event_would_be(app):
    """audit.viewed writes its event without the ORM (one statement on PostgreSQL): the same
    columns, a timestamp, and the same mentions as audit.record's."""
    officer = factories.user(role=Role.LINK_OFFICER)
    db.session.commit()
    detail = audit.shown(people=[4, 5], referrals=[8])
    recorded = audit.record(by=officer, action="referral.list", subject_type="referral_list", subject_id="all",
                            detail=detail, person_id=11)
    db.session.commit()
    before = utcnow() - timedelta(seconds=1)
    audit.viewed(by=officer, action="referral.list", subject_type="referral_list", subject_id="all", detail=detail,
                 person_id=11)
    viewed = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert viewed.id != recorded.id and viewed.at >= before
    assert _event_and_mentions(viewed.id) == _event_and_mentions(recorded.id)
    assert _event_and_mentions(viewed.id)[1] == [("person", 4), ("person", 5), ("person", 11), ("referral", 8)]
    audit.viewed(by=None, action="caseload.view", subject_type="caseload", subject_id=3, detail="nobody shown")
    lonely = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (lonely.action, lonely.actor_id, lonely.actor_email) == ("caseload.view", None, "")
    assert _event_and_mentions(lonely.id)[1] == []


def test_a_view_keeps_its_place_after_what_the_request_already_recorded(app):
    """An event recorded earlier in the request (pending in the session) gets the earlier id."""
    earlier = audit.record(by=None, action="need.add", subject_type="person", subject_id=7)
    audit.viewed(by=None, action="person.view", subject_type="person", subject_id=7)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["need.add", "person.view"] and earlier.id is not None
    assert db.session.scalars(select(AuditMention.audit_event_id).where(AuditMention.ref_id == 7)
                              .order_by(AuditMention.audit_event_id)).all() == [earlier.id, earlier.id + 1]


def test_a_view_is_committed_without_expiring_what_the_page_loaded(app):
    """The view's commit keeps the loaded objects as they are (the page is made; nothing reads
    them again), and a later commit expires them as usual."""
    from sqlalchemy import inspect

    event = audit.record(by=None, action="need.add", subject_type="person", subject_id=7)
    db.session.commit()
    loaded = db.session.get(AuditEvent, event.id)
    assert db.session().expire_on_commit
    audit.viewed(by=None, action="person.view", subject_type="person", subject_id=7)
    assert not inspect(loaded).expired and loaded.action == "need.add"
    assert db.session().expire_on_commit  # restored for every other commit
    db.session.rollback()  # the view's event was committed
    assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == ["need.add", "person.view"]
    db.session.commit()
    assert inspect(loaded).expired


def test_audit_log_pages_newest_first(app, client, sign_in, small_pages):
    _events(10)
    sign_in.as_role(Role.MANAGER)
    first = client.get("/audit/?action=test.event").get_data(as_text=True)
    assert _shown(first) == [9, 8, 7, 6]
    assert "Showing 1 to 4 of 10 events (page 1 of 3)" in first
    last = client.get("/audit/?action=test.event&page=3").get_data(as_text=True)
    assert _shown(last) == [1, 0]


def test_audit_log_page_links_keep_the_search(app, client, sign_in, small_pages):
    _events(10)
    sign_in.as_role(Role.MANAGER)
    html = client.get("/audit/?action=test.event&user=&until-day=1&until-month=1&until-year=2027&page=2")\
        .get_data(as_text=True)
    assert _shown(html) == [5, 4, 3, 2]
    links = set(re.findall(r'href="(/audit/\?[^"]*page=\d)"', html))
    assert links == {f"/audit/?action=test.event&amp;until-day=1&amp;until-month=1&amp;until-year=2027&amp;page={n}"
                     for n in (1, 2, 3)}


def test_audit_log_beyond_the_end_and_not_a_number(app, client, sign_in, small_pages):
    _events(6)
    sign_in.as_role(Role.MANAGER)
    beyond = client.get("/audit/?action=test.event&page=9").get_data(as_text=True)
    assert _shown(beyond) == [1, 0] and "There are only 2 pages, so this is the last one." in beyond
    for page in ("abc", "0", "-1", "9" * 25):
        response = client.get(f"/audit/?action=test.event&page={page}")
        assert response.status_code == 200 and _shown(response.get_data(as_text=True)) == [5, 4, 3, 2], page


def test_audit_log_counts_no_further_than_its_limit(app, client, sign_in, small_pages, monkeypatch):
    monkeypatch.setattr(routes, "COUNT_LIMIT", 6)
    _events(9)
    sign_in.as_role(Role.MANAGER)
    html = client.get("/audit/?action=test.event").get_data(as_text=True)
    assert "More than 6 events match." in html
    assert "Showing 1 to 4 of more than 6 events (page 1 of 2 or more)" in html
    last = client.get("/audit/?action=test.event&page=2").get_data(as_text=True)
    assert _shown(last) == [4, 3]  # the newest 6 (8 to 3) are paged; the dates reach the rest
    search = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.search")
                                .order_by(AuditEvent.id.desc())).first()
    assert search.detail.startswith("more than 6 events")


def test_person_search_finds_events_by_subject_marker_and_referral(app, client, sign_in):
    episode = factories.episode(referral_=factories.referral(status="allocated"))
    person, referral = episode.person, episode.referral
    other = factories.episode(referral_=factories.referral(status="allocated"))
    _events(1, subject_type="person", subject_id=person.id, detail="about them")
    _events(1, subject_type="caseload", subject_id=1, detail=audit.shown(people=[other.person_id, person.id]))
    _events(1, subject_type="referral", subject_id=referral.id, detail="their referral")
    _events(1, subject_type="triage_queue", subject_id="all", detail=audit.shown(referrals=[referral.id]))
    _events(1, subject_type="person", subject_id=other.person_id, detail="someone else")
    _events(1, subject_type="caseload", subject_id=1, detail=audit.shown(people=[person.id + 1000]))
    sign_in.as_role(Role.MANAGER)
    html = client.get(f"/audit/?person={person.nhs_number}&action=test.event").get_data(as_text=True)
    assert "4 events." in html
    assert "someone else" not in html and f"person {person.id + 1000}" not in html


def test_person_search_does_not_read_the_detail_text(app, client, sign_in):
    episode = factories.episode(referral_=factories.referral(status="allocated"))
    sign_in.as_role(Role.MANAGER)
    with counting_queries() as statements:
        assert client.get(f"/audit/?person={episode.person_id}").status_code == 200
    searches = [s for s in statements if "FROM audit_event" in s and "LIMIT" in s.upper()]
    assert searches and all("audit_mention" in s for s in searches)
    assert not any("detail LIKE" in s or "detail like" in s for s in statements)


def test_the_action_choices_list_each_action_once_in_order(app, client, sign_in):
    _events(3, action="b.second")
    _events(2, action="a.first")
    _events(1, action="c.third")
    sign_in.as_role(Role.MANAGER)
    every = sorted(set(db.session.scalars(select(AuditEvent.action))))
    html = client.get("/audit/").get_data(as_text=True)
    assert {"a.first", "b.second", "c.third"} <= set(every)
    assert re.findall(r'<option value="([a-z_]+\.[a-z_.]+)"', html) == every
    assert routes.actions_recorded() == sorted(set(db.session.scalars(select(AuditEvent.action))))


def _query_count(client, url: str) -> int:
    with counting_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_audit_log_runs_the_same_number_of_queries_for_few_or_a_full_page(app, client, sign_in):
    sign_in.as_role(Role.MANAGER)
    _events(2)
    few = _query_count(client, "/audit/?action=test.event")
    _events(80)
    many = _query_count(client, "/audit/?action=test.event")
    assert few == many
