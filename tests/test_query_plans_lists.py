"""EXPLAIN on PostgreSQL of every statement the long lists run — triage, a practice's referral
list, the audit log with and without a person, the directory search — on tables filled in bulk
to the size of a service several years old: none reads the whole of `contact`, `activity`,
`audit_event`, `audit_mention`, `referral_event`, `referral` or `need` (no sequential scan).

The statements are the ones the pages really send (captured with their parameters while each
page is fetched), so a new query on a list is checked without this file knowing of it.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event, text

from app.extensions import db
from app.models.base import utcnow
from app.security import Role
from tests import factories
from tests.conftest import postgres_app_of_its_own

REFERRALS = 20_000          # about five years of a busy service
EVENTS_PER_REFERRAL = 3     # received, accepted or declined, allocated or discharged
AUDIT_EVENTS = 120_000      # every view and change: months of a large service (cheap to build, still far too many to read whole)
NEVER_SCANNED = {"contact", "activity", "audit_event", "audit_mention", "referral_event", "referral", "need"}


@contextmanager
def captured():
    """Every SELECT sent while the block runs, with its parameters."""
    sent: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and not executemany:
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)


def _scans(plan: dict) -> list[tuple[str, str]]:
    found = [(plan["Node Type"], plan.get("Relation Name", ""))]
    for child in plan.get("Plans", []):
        found += _scans(child)
    return found


def _sequential_scans(sent) -> list[str]:
    problems = []
    with db.engine.connect() as connection:
        for statement, parameters in sent:
            result = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
            plan = (json.loads(result) if isinstance(result, str) else result)[0]["Plan"]
            tables = {table for node, table in _scans(plan) if node == "Seq Scan" and table in NEVER_SCANNED}
            if tables:
                problems.append(f"{sorted(tables)} read whole by:\n{statement}")
    return problems


def _columns(table: str) -> list[str]:
    return [column.name for column in db.metadata.tables[table].columns if column.name != "id"]


def _clone(table: str, template_id, count: int, overrides: dict[str, str]) -> None:
    """`count` copies of one row made by the factories (so every column, however many other
    parts of the app add, has a real value), with `overrides` as SQL over g = 1..count."""
    columns = _columns(table)
    values = ", ".join(overrides.get(name, f't."{name}"') for name in columns)
    names = ", ".join(f'"{name}"' for name in columns)
    db.session.execute(text(f'INSERT INTO "{table}" ({names}) SELECT {values} FROM "{table}" t, '
                            f"generate_series(1, {count}) g WHERE t.id = :template"), {"template": template_id})


@pytest.fixture(scope="module")
def big_service():
    """A service some years old, filled in bulk once for the module (on a fresh schema, which the
    next test's own fixture empties), and the people who look at its lists."""
    for application in postgres_app_of_its_own():
        yield {"app": application, **_fill()}


@pytest.fixture
def client(big_service):
    return big_service["app"].test_client()


def _fill() -> dict:
    practice = factories.practice()
    others = [factories.practice() for _ in range(3)]
    gp = factories.user(Role.GP_PRACTICE, practice_=practice)
    manager = factories.user(Role.MANAGER)
    officer = factories.user(Role.LINK_OFFICER)
    template = factories.referral(practice, needs=("debt",))
    practice_ids = "ARRAY[" + ", ".join(str(p.id) for p in [practice, *others]) + "]"
    status = ("CASE WHEN g % 60 = 0 THEN 'received' WHEN g % 60 = 1 THEN 'more_info_requested' "
              "WHEN g % 60 = 2 THEN 'accepted' WHEN g % 7 = 0 THEN 'declined' ELSE 'discharged' END")
    _clone("referral", template.id, REFERRALS, {
        "practice_id": f"({practice_ids})[g % 4 + 1]",
        "status": status,
        "decline_reason": f"CASE WHEN {status} = 'declined' THEN 'Not eligible' END",
        "received_at": f"timestamp '{(utcnow() - timedelta(days=6 * 365)).isoformat()}' + g * interval '100 minutes'",
        "mdt_meeting_date": "date '2020-01-06' + (g / 40) * 7",
        "nhs_number": "lpad((9000000000 + g)::text, 10, '0')",
        "family_name": "'Bulk' || g",
    })
    db.session.execute(text("INSERT INTO referral_need (referral_id, area) SELECT id, "
                            "(ARRAY['debt', 'loneliness', 'housing'])[id % 3 + 1] FROM referral"))
    db.session.execute(text(
        "INSERT INTO referral_event (referral_id, at, from_status, to_status, note, by_id) "
        "SELECT r.id, r.received_at + k * interval '2 days', CASE WHEN k = 0 THEN NULL ELSE 'received' END, "
        "CASE WHEN k = 0 THEN 'received' ELSE r.status END, '', :by FROM referral r, generate_series(0, :last) k"),
        {"by": manager.id, "last": EVENTS_PER_REFERRAL - 1})
    db.session.execute(text(
        "INSERT INTO audit_event (at, actor_id, actor_email, action, subject_type, subject_id, detail, remote_addr) "
        "SELECT CAST(:start AS timestamp) + g * interval '3 minutes', :actor, 'officer@example.nhs.uk', "
        "(ARRAY['person.view', 'referral.view', 'caseload.view', 'contact.create', 'need.create', "
        "'referral.list', 'triage.list', 'auth.sign_in'])[g % 8 + 1], "
        "CASE WHEN g % 3 = 0 THEN 'referral_list' WHEN g % 3 = 1 THEN 'person' ELSE 'referral' END, "
        "CASE WHEN g % 3 = 0 THEN 'all' ELSE (g % 20000 + 1)::text END, "
        "CASE WHEN g % 3 = 0 THEN '1 referral: [referral:' || (g % 20000 + 1) || ']' ELSE 'viewed' END, "
        "'10.0.0.1' FROM generate_series(1, :count) g"),
        {"start": (utcnow() - timedelta(minutes=3 * AUDIT_EVENTS + 60)).isoformat(), "actor": officer.id,
         "count": AUDIT_EVENTS})
    db.session.execute(text(
        "INSERT INTO audit_mention (audit_event_id, kind, ref_id) "
        "SELECT id, subject_type, subject_id::int FROM audit_event WHERE subject_type IN ('person', 'referral') "
        "UNION ALL SELECT id, 'referral', substring(detail from '\\[referral:(\\d+)\\]')::int "
        "FROM audit_event WHERE subject_type = 'referral_list'"))
    for _ in range(30):
        factories.directory_service(f"Walking group {_}", organisation=f"Walkers {_}",
                                    need_areas=("physical_activity",))
    gp.referrals_seen_at = utcnow() - timedelta(days=2)
    manager.referrals_seen_at = utcnow() - timedelta(days=2)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    people = {"gp": SimpleNamespace(email=gp.email), "manager": SimpleNamespace(email=manager.email),
              "officer": SimpleNamespace(email=officer.email), "practice": SimpleNamespace(id=practice.id)}
    db.session.expunge_all()  # each test's requests load their own
    return people


def _plans_of(client, *urls: str) -> list[str]:
    with captured() as sent:
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
    assert len(sent) >= 3 * len(urls)
    return _sequential_scans(sent)


def test_the_bulk_tables_are_big_enough_to_be_read_whole_if_asked(big_service):
    """The check below means something: an unbounded read of the log is a sequential scan."""
    with captured() as sent:
        db.session.execute(text("SELECT * FROM audit_event WHERE detail LIKE '%[person:5]%'")).all()
        db.session.execute(text("SELECT count(*) FROM referral_event")).all()
    assert len(_sequential_scans(sent)) == 2


def test_triage_reads_no_table_whole(big_service, client, sign_in):
    sign_in.as_user(big_service["manager"])
    assert _plans_of(client, "/triage/", "/triage/?page=3&accepted_page=2") == []


def test_practice_referral_list_reads_no_table_whole(big_service, client, sign_in):
    sign_in.as_user(big_service["gp"])
    assert _plans_of(client, "/referrals/", "/referrals/?page=40", "/referrals/?status=declined&page=2") == []


def test_manager_referral_list_reads_no_table_whole(big_service, client, sign_in):
    sign_in.as_user(big_service["manager"])
    practice = big_service["practice"]
    assert _plans_of(client, "/referrals/", f"/referrals/?practice={practice.id}&page=5") == []


def test_audit_log_reads_no_table_whole(big_service, client, sign_in):
    sign_in.as_user(big_service["manager"])
    assert _plans_of(client, "/audit/", "/audit/?page=60", "/audit/?action=need.create&page=2") == []


def test_audit_log_search_by_person_reads_no_table_whole(big_service, client, sign_in):
    sign_in.as_user(big_service["manager"])
    assert _plans_of(client, "/audit/?person=1234", "/audit/?person=20000&action=person.view") == []


def test_directory_search_reads_no_table_whole(big_service, client, sign_in):
    sign_in.as_user(big_service["officer"])
    assert _plans_of(client, "/directory/", "/directory/?q=walking&need=physical_activity&page=2") == []
