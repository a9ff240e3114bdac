"""The hot queries of the caseload (an officer's, and the manager's all-officers summary) and of
the person record read only what the page shows: PostgreSQL's plan for each of them, with a
service's worth of history in the tables, has no sequential scan of the big tables.

The data is built in SQL (each row cloned from one made by the factories, so new columns need
nothing here): 3,000 people and episodes (30 open for the officer, the rest another officer's or
discharged), 60,000 contacts, 12,000 needs, 12,000 referral events, 60,000 audit events, 30,000
activity rows and 15,000 finished home visits (asked about on every officer's and manager's page:
the sign-in check, the manager's overdue alert), then ANALYZE. At this size the planner scans a whole table only when a query needs
all of it — as the old caseload query did, aggregating every contact ever recorded. No planner
setting is changed. Every SELECT a page sends is captured and EXPLAINed with its parameters.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from psycopg import ClientCursor
from sqlalchemy import event, text

from app.extensions import db
from app.models.base import uk_today, utcnow
from app.security import Role
from app.services import contacts, needs, visits
from tests import factories
from tests.conftest import postgres_app_of_its_own

BIG_TABLES = ("contact", "activity", "audit_event", "referral_event", "need", "home_visit")
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
PEOPLE = 3000
OPEN_FOR_OFFICER = 30


def _clone(table: str, template_id: int, count: int, **overrides: str) -> None:
    """Insert `count` copies of row `template_id` of `table`; `overrides` are SQL expressions of
    the copy's number `g` (1..count) and the template row `t`."""
    columns = [column.name for column in db.metadata.tables[table].columns if column.name != "id"]
    names = ", ".join(f'"{name}"' for name in columns)
    values = ", ".join(overrides.get(name, f't."{name}"') for name in columns)
    db.session.execute(text(f"INSERT INTO {table} ({names}) SELECT {values} FROM {table} t, "
                            f"generate_series(1, :n) AS g WHERE t.id = :template"),
                       {"n": count, "template": template_id})


def _history(officer, other) -> int:
    """A service's history around one open episode of `officer`; returns that person's id."""
    referral = factories.referral(status="in_support", needs=("loneliness",), risks=("dog",))
    episode = factories.episode(officer, referral_=referral, seen=True)
    contacts.record(by=officer, episode=episode, kind="phone", status="held", on=uk_today() - timedelta(days=3),
                    duration_minutes=10)
    contacts.record(by=officer, episode=episode, kind="phone", status="planned", on=uk_today() + timedelta(days=3))
    needs.add(by=officer, episode=episode, area="debt", severity="high")
    db.session.execute(text("INSERT INTO activity (practice_id, person_id, activity_date, activity_type, count) "
                            "VALUES (:practice, :person, :day, 'gp_surgery', 1)"),
                       {"practice": episode.person.practice_id, "person": episode.person_id, "day": date(2025, 1, 1)})
    started = utcnow() - timedelta(days=2)
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=started + timedelta(hours=1), now=started)
    visits.check_out(by=officer, visit=visit, now=started + timedelta(minutes=50))
    if db.session.scalar(text("SELECT count(*) FROM referral_event")) == 0:
        db.session.execute(text("INSERT INTO referral_event (referral_id, at, to_status, note) "
                                "VALUES (:referral, now(), 'received', '')"), {"referral": referral.id})
    db.session.commit()
    ids = {table: db.session.scalar(text(f"SELECT min(id) FROM {table}"))
           for table in ("person", "referral", "episode", "contact", "need", "referral_event", "audit_event", "activity",
                         "home_visit")}
    _clone("person", ids["person"], PEOPLE, nhs_number="'8' || lpad(g::text, 9, '0')")
    _clone("referral", ids["referral"], PEOPLE, nhs_number="'8' || lpad(g::text, 9, '0')", status="'discharged'")
    _clone("episode", ids["episode"], PEOPLE,
           person_id="(SELECT id FROM person WHERE nhs_number = '8' || lpad(g::text, 9, '0'))",
           referral_id="(SELECT max(id) FROM referral WHERE nhs_number = '8' || lpad(g::text, 9, '0'))",
           officer_id=f"CASE WHEN g <= {OPEN_FOR_OFFICER} THEN {officer.id} ELSE {other.id} END",
           discharged_on=f"CASE WHEN g <= {OPEN_FOR_OFFICER} OR g % 3 = 0 THEN NULL ELSE DATE '2025-06-01' END",
           discharge_reason=f"CASE WHEN g <= {OPEN_FOR_OFFICER} OR g % 3 = 0 THEN NULL ELSE 'goals_met' END")
    episodes = "(SELECT array_agg(id ORDER BY id) FROM episode)"
    _clone("contact", ids["contact"], PEOPLE * 20, episode_id=f"{episodes}[1 + g % {PEOPLE + 1}]",
           contact_on="t.contact_on - (g % 900)")
    _clone("need", ids["need"], PEOPLE * 4, episode_id=f"{episodes}[2 + (g - 1) / 4]",  # 4 areas per copy
           area="(ARRAY['loneliness', 'debt', 'housing', 'food'])[1 + (g - 1) % 4]")
    referrals = "(SELECT array_agg(id ORDER BY id) FROM referral)"
    _clone("referral_event", ids["referral_event"], PEOPLE * 4, referral_id=f"{referrals}[1 + g % {PEOPLE + 1}]")
    _clone("audit_event", ids["audit_event"], PEOPLE * 20, subject_id="(1 + g % 3000)::text")
    _clone("activity", ids["activity"], PEOPLE * 10,
           person_id=f"(SELECT array_agg(id ORDER BY id) FROM person)[1 + g % {PEOPLE + 1}]",
           activity_date="t.activity_date - (g / 3000)")
    _clone("home_visit", ids["home_visit"], PEOPLE * 5, episode_id=f"{episodes}[1 + g % {PEOPLE + 1}]",
           contact_id="NULL", **{column: f"t.{column} - g * interval '1 hour'"
                                 for column in ("checked_in_at", "expected_end_at", "checked_out_at")})
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return episode.person_id


def _plans_of(client, url: str) -> list[tuple[str, str]]:
    """Every SELECT the page sends, with PostgreSQL's plan for it (same parameters)."""
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert response.status_code == 200, url
    raw = db.engine.raw_connection()
    try:
        plans = []
        with ClientCursor(raw.driver_connection) as cursor:
            for statement, parameters in sent:
                cursor.execute("EXPLAIN " + statement, parameters)
                plans.append((statement, "\n".join(row[0] for row in cursor.fetchall())))
        raw.rollback()
    finally:
        raw.close()
    return plans


def _scanned_whole(plans) -> list[str]:
    return [f"{table} in:\n{statement[:300]}\n{plan}" for statement, plan in plans
            for table in SEQ_SCAN.findall(plan) if table in BIG_TABLES]


@pytest.fixture(scope="module")
def service():
    """The history, built once for the module on a fresh schema (PostgreSQL only: the plans are
    its planner's), as tests/test_query_plans_lists.py does: the tests only read it, apart from
    their own sign-ins and audit events, and the next test's own fixture empties the tables. Built
    for each test, it was about 2 s a test."""
    for application in postgres_app_of_its_own():
        officer = factories.user(role=Role.LINK_OFFICER)
        other = factories.user(role=Role.LINK_OFFICER)
        person_id = _history(officer, other)
        assert db.session.scalar(text("SELECT count(*) FROM contact")) > 50_000
        yield application, officer, person_id


@pytest.fixture
def client(service):
    return service[0].test_client()


@pytest.fixture
def history(service):
    _, officer, person_id = service
    return officer, person_id


def test_query_plans_officers_caseload_reads_no_whole_big_table(client, sign_in, history):
    officer, _ = history
    sign_in.as_user(officer)
    plans = _plans_of(client, "/caseload/")
    # The session's check (with whether the officer is on a visit past its end), then the page of
    # cards with its counts and its people's risks in force.
    assert len(plans) >= 2 and any("FROM person_risk" in statement for statement, _ in plans)
    assert any("FROM staff_session" in statement and "home_visit" in plan for statement, plan in plans)
    assert _scanned_whole(plans) == []


def test_query_plans_managers_summary_and_an_officers_caseload_read_no_whole_big_table(client, sign_in, history):
    officer, _ = history
    sign_in.as_role(Role.MANAGER)
    plans = _plans_of(client, "/caseload/") + _plans_of(client, f"/caseload/?officer={officer.id}")
    assert _scanned_whole(plans) == []


def test_query_plans_person_record_reads_no_whole_big_table(client, sign_in, history):
    officer, person_id = history
    sign_in.as_user(officer)
    plans = _plans_of(client, f"/people/{person_id}")
    # The episodes with which collections each has (EXISTS over contact, need...), then the
    # contacts and needs this person has, among the rest.
    sent = [" ".join(statement.split()) for statement, _ in plans]
    assert len(plans) >= 6
    assert any("EXISTS (SELECT * FROM contact" in s and "EXISTS (SELECT * FROM need" in s for s in sent)
    assert any(s.startswith("SELECT contact.") for s in sent) and any(s.startswith("SELECT need.") for s in sent)
    assert _scanned_whole(plans) == []


def test_query_plans_would_catch_a_query_over_every_contact(client, sign_in, history):
    """The check itself: an unbounded aggregate over contacts is planned as a sequential scan."""
    plans = [("SELECT episode_id, max(contact_on) FROM contact GROUP BY episode_id", "")]
    raw = db.engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + plans[0][0])
            plans = [(plans[0][0], "\n".join(row[0] for row in cursor.fetchall()))]
        raw.rollback()
    finally:
        raw.close()
    assert [line.split(" in:")[0] for line in _scanned_whole(plans)] == ["contact"]


def test_query_plans_triage_counts_each_officers_open_episodes_from_the_partial_index(client, sign_in, history):
    """Triage's open-caseloads panel: each officer's count is an index-only read of the open
    episodes' index (migration 0014), never a pass over every episode the service has held."""
    sign_in.as_role(Role.MANAGER)
    plans = _plans_of(client, "/triage/")
    counting = [plan for statement, plan in plans if "FROM episode" in statement and "count(*)" in statement]
    assert len(counting) == 1
    assert "ix_episode_open_by_officer" in counting[0]
    assert "Seq Scan on episode" not in counting[0]
    assert _scanned_whole(plans) == []


def test_query_plans_managers_summary_reads_each_officers_open_episodes_from_the_partial_index(
        client, sign_in, history):
    """The manager's all-officers summary: each officer's tallies read that officer's open episodes
    from an open-episodes index (the covering one, index-only, once the table is vacuumed), never
    a pass over every episode the service has held."""
    sign_in.as_role(Role.MANAGER)
    plans = _plans_of(client, "/caseload/")
    summary = [plan for statement, plan in plans if "FROM episode" in statement and "count(*)" in statement]
    assert len(summary) == 1
    assert re.search(r"Index (Only )?Scan using ix_episode_open_\w+ on episode", summary[0])
    assert re.search(r"Index Cond: .*officer_id = user_account\.id", summary[0])
    assert "Seq Scan on episode" not in summary[0]
