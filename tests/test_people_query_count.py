"""The caseload, the support record and triage run a fixed number of SQL queries, whatever their size (no N+1)."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import event

from app.extensions import db
from app.models.base import uk_today
from app.models.vocab import NeedArea
from app.security import Role
from app.services import contacts, goals, measures, needs, onward, peer, visits
from tests import factories

TODAY = uk_today()


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _filled_episode(officer, size: int):
    """An episode with `size` of everything the record and caseload show."""
    referral = factories.referral(status="allocated", needs=("loneliness", "debt"), risks=("dog", "smoking"))
    episode = factories.episode(officer, referral_=referral, seen=True)
    areas = list(NeedArea)
    for i in range(min(size, len(areas))):
        needs.add(by=officer, episode=episode, area=areas[i].value, severity="medium")
    for i in range(size):
        contacts.record(by=officer, episode=episode, kind="phone", status="held", on=TODAY - timedelta(days=i),
                        duration_minutes=10, notes=f"call {i}")
        contacts.record(by=officer, episode=episode, kind="video", status="planned", on=TODAY + timedelta(days=i + 1))
        goals.add(by=officer, episode=episode, description=f"Goal {i}", review_on=TODAY + timedelta(days=30),
                  action="Do it", action_by="Person")
        onward.create(by=officer, episode=episode, service_id=None, organisation_name=f"Org {i}", service_name="",
                      sector="voluntary", kind="linkage", need_areas=["loneliness", "debt"], consent_to_share=False,
                      consent_recorded_on=None)
        peer.record(by=officer, episode=episode, kind="peer_activity", started_on=TODAY, where=f"Group {i}")
        start = datetime(2026, 1, 1, 9) + timedelta(days=i)
        visit = visits.check_in(by=officer, episode=episode, expected_end_at=start + timedelta(hours=1), now=start)
        visits.check_out(by=officer, visit=visit, now=start + timedelta(minutes=30))
        measures.record(by=officer, episode=episode, instrument="ucla3", stage="baseline" if i == 0 else "review",
                        taken_on=TODAY, scores={"ucla_companionship": 2, "ucla_left_out": 2, "ucla_isolated": 2})
    return episode


def _queries_for(client, url) -> int:
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_caseload_query_count_does_not_grow_with_the_caseload(client, sign_in):
    small, large = factories.user(role=Role.LINK_OFFICER), factories.user(role=Role.LINK_OFFICER)
    for _ in range(3):
        _filled_episode(small, 2)
    for _ in range(30):
        _filled_episode(large, 2)
    sign_in.as_user(small)
    small_count = _queries_for(client, "/caseload/")
    sign_in.out()
    sign_in.as_user(large)
    large_count = _queries_for(client, "/caseload/")
    assert large_count == small_count
    assert small_count <= 7


def test_manager_overview_query_count_does_not_grow(client, sign_in):
    officer = factories.user(role=Role.LINK_OFFICER)
    sign_in.as_role(Role.MANAGER)
    _filled_episode(officer, 1)
    before = _queries_for(client, "/caseload/")
    for _ in range(10):
        _filled_episode(factories.user(role=Role.LINK_OFFICER), 1)
    assert _queries_for(client, "/caseload/") == before


def test_support_record_query_count_does_not_grow_with_the_record(client, sign_in):
    officer = factories.user(role=Role.LINK_OFFICER)
    small = _filled_episode(officer, 3)
    large = _filled_episode(officer, 30)
    sign_in.as_user(officer)
    small_count = _queries_for(client, f"/people/{small.person_id}")
    large_count = _queries_for(client, f"/people/{large.person_id}")
    assert large_count == small_count
    # Was 25, then 21: the session and user in one query, the decile and needs not reloaded; now the
    # referral's needs and risks joined to the episode, and the view's audit event written as rows
    # (one statement on PostgreSQL, the event and its mentions apart on SQLite). Then 15: the risk
    # record asks in one query which of risks, "no known risks" and concerns the person has, and
    # reads only those (this person has risks from the referral, neither of the others). Then 12:
    # the person's episodes are read with what the page shows with them, and which parts of the
    # risk record there are, in one query; each onward referral's needs are joined to it.
    audit_statements = 1 if db.engine.dialect.name == "postgresql" else 2
    assert small_count == 12 + audit_statements


def test_support_record_reads_each_part_of_the_risk_record_only_when_the_person_has_it(client, sign_in):
    """One query asks which parts exist; each part held adds its own query, and nothing else."""
    from app.services import risks as risk_service

    officer = factories.user(role=Role.LINK_OFFICER)
    bare = factories.episode(officer, referral_=factories.referral(status="allocated", needs=("debt",)), seen=True)
    sign_in.as_user(officer)
    none_held = _queries_for(client, f"/people/{bare.person_id}")
    risk_service.no_known_risks(by=officer, person=bare.person, note="Asked at first call")
    statement_held = _queries_for(client, f"/people/{bare.person_id}")
    risk_service.raise_concern(by=officer, person=bare.person, raised_on=TODAY,
                              concern="Worried about money being taken", action_taken="Told the manager")
    assert statement_held == none_held + 1
    assert _queries_for(client, f"/people/{bare.person_id}") == none_held + 2


def test_triage_query_count_does_not_grow_with_officers_localities_or_referrals(client, sign_in):
    """The open-caseloads panel names each officer's locality, and the queues print only the
    columns they load: nothing is loaded per row while the page is printed."""
    def one_of_each():
        factories.referral(status="received", needs=("loneliness", "debt"))
        factories.referral(status="accepted", needs=("housing",))

    factories.user(role=Role.LINK_OFFICER, locality_=factories.locality())
    one_of_each()
    sign_in.as_role(Role.MANAGER)
    before = _queries_for(client, "/triage/")
    for _ in range(4):
        _filled_episode(factories.user(role=Role.LINK_OFFICER, locality_=factories.locality()), 1)
    for _ in range(11):
        one_of_each()
    page = client.get("/triage/").get_data(as_text=True)
    assert _queries_for(client, "/triage/") == before
    assert page.count("Locality ") >= 5  # every officer's locality is still named
    assert page.count("Debt and money, Loneliness and isolation") == 12  # each waiting referral's needs
    assert page.count("referred 3 days ago") == 12 and page.count("<strong>3 days</strong>") == 12


def test_support_record_reads_only_the_collections_the_episode_has(client, sign_in):
    """A record early in its support reads none of its empty collections; each kind added shows at
    once, with one more query for it (goals two: the goals and their actions; onward referrals
    one, their needs joined)."""
    officer = factories.user(role=Role.LINK_OFFICER)
    episode = factories.episode(officer, referral_=factories.referral(status="allocated", needs=("debt",)), seen=True)
    url = f"/people/{episode.person_id}"
    sign_in.as_user(officer)
    with counting_queries() as statements:
        page = client.get(url).get_data(as_text=True)
    bare = len(statements)
    for table in ("goal", "contact", "home_visit", "peer_support", "wellbeing_measure", "onward_referral", "need"):
        assert not any(s.lstrip().startswith(f"SELECT {table}.") for s in statements), table
    for empty in ("No goals yet.", "No contacts yet.", "No home visits yet.", "has not joined a peer-led activity",
                  "Not taken yet.", "No onward support yet."):
        assert empty in page

    steps = [
        (lambda: contacts.record(by=officer, episode=episode, kind="phone", status="held", on=TODAY,
                                 duration_minutes=10, notes="First call, all well"), 1, "First call, all well"),
        (lambda: needs.add(by=officer, episode=episode, area="housing", severity="high"), 1, "Housing"),
        (lambda: goals.add(by=officer, episode=episode, description="Warm flat by winter",
                           review_on=TODAY + timedelta(days=30), action="Call the council", action_by="Person"),
         2, "Call the council"),
        (lambda: peer.record(by=officer, episode=episode, kind="peer_activity", started_on=TODAY,
                             where="Tuesday walking group"), 1, "Tuesday walking group"),
        (lambda: measures.record(by=officer, episode=episode, instrument="ucla3", stage="baseline", taken_on=TODAY,
                                 scores={"ucla_companionship": 2, "ucla_left_out": 3, "ucla_isolated": 1}),
         1, "Baseline"),
        (lambda: onward.create(by=officer, episode=episode, service_id=None, organisation_name="Warm Homes Hub",
                               service_name="", sector="voluntary", kind="linkage", need_areas=["housing"],
                               consent_to_share=False, consent_recorded_on=None), 1, "Warm Homes Hub"),
    ]
    expected = bare
    for add, more, shown in steps:
        add()
        expected += more
        with counting_queries() as statements:
            page = client.get(url).get_data(as_text=True)
        assert shown in page
        assert len(statements) == expected, shown
    start = datetime(2026, 1, 1, 9)
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=start + timedelta(hours=1), now=start)
    visits.check_out(by=officer, visit=visit, now=start + timedelta(minutes=30))
    with counting_queries() as statements:
        page = client.get(url).get_data(as_text=True)
    assert "No home visits yet." not in page
    assert len(statements) == expected + 1


def test_the_visits_panel_query_count_does_not_grow_with_the_visits_or_officers(client, sign_in):
    """A page of the history, the visits under way and the officer filter: the same statements for
    one finished visit as for a full page of them by several officers, with visits in progress."""
    def visit(officer, episode, start, finish=True):
        made = visits.check_in(by=officer, episode=episode, expected_end_at=start + timedelta(hours=1), now=start)
        if finish:
            visits.check_out(by=officer, visit=made, now=start + timedelta(minutes=30))

    first = factories.user(role=Role.LINK_OFFICER)
    now = datetime.utcnow()
    visit(first, factories.episode(first), now - timedelta(hours=30))
    visit(first, factories.episode(first), now - timedelta(minutes=10), finish=False)
    sign_in.as_role(Role.MANAGER)
    before = _queries_for(client, "/visits/")
    for n in range(6):
        officer = factories.user(role=Role.LINK_OFFICER)
        for day in range(4):
            visit(officer, factories.episode(officer), now - timedelta(days=day + 1, hours=n))
        visit(officer, factories.episode(officer), now - timedelta(minutes=20), finish=n % 2 == 0)
    page = client.get("/visits/").get_data(as_text=True)
    assert "Showing 1 to 20 of" in page and "In progress</h2>" in page
    assert _queries_for(client, "/visits/") == before
