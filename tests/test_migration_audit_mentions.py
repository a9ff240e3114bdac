"""Migration 0012 gives the events already in the audit log their mentions, so the search by
person still finds them, and comes back down cleanly; 0018 drops the mentions' foreign key to
their events, keeping every row, on both engines."""
from __future__ import annotations

from contextlib import nullcontext

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app.extensions import db
from tests.conftest import make_app
from tests.test_migrations import fresh_postgres

EVENTS = [
    ("person", "7", "viewed"),
    ("referral_list", "all", "2 referrals: [referral:3][referral:4]"),
    ("caseload", "2", "3 people: [person:7][person:8][person:07]"),
    ("referral", "abc", "no number"),
    ("audit_log", "search", "0 events; about [person:99999999999]"),
]


def test_existing_events_get_their_mentions_and_the_migration_goes_back_down(tmp_path):
    application = make_app(f"sqlite:///{tmp_path / 'old.db'}")
    with application.app_context():
        upgrade(revision="0011")
        with db.engine.begin() as connection:
            for subject_type, subject_id, detail in EVENTS:
                connection.execute(text(
                    "INSERT INTO audit_event (at, actor_email, action, subject_type, subject_id, detail, remote_addr) "
                    "VALUES ('2026-01-01 09:00:00', '', 'test', :type, :id, :detail, '')"),
                    {"type": subject_type, "id": subject_id, "detail": detail})
        upgrade(revision="0012")
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT audit_event_id, kind, ref_id FROM audit_mention "
                                           "ORDER BY audit_event_id, kind, ref_id")).all()
        assert [tuple(row) for row in rows] == [
            (1, "person", 7), (2, "referral", 3), (2, "referral", 4), (3, "person", 7), (3, "person", 8)]
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("audit_event")}
        assert "ix_audit_event_at_id" in indexes and "ix_audit_event_at" not in indexes
        downgrade(revision="0011")
        assert "audit_mention" not in inspect(db.engine).get_table_names()
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("audit_event")}
        assert "ix_audit_event_at" in indexes and "ix_audit_event_at_id" not in indexes
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_0018_drops_the_mentions_foreign_key_keeps_every_mention_and_comes_back_down(tmp_path, engine):
    """A mention is written with its event, so the key guarded nothing: without it, each mention
    row is no longer checked against audit_event by a trigger call (66 for a caseload view)."""
    place = fresh_postgres() if engine == "postgresql" else nullcontext(f"sqlite:///{tmp_path / 'log.db'}")
    with place as url:
        application = make_app(url)
        with application.app_context():
            upgrade(revision="0017")
            with db.engine.begin() as connection:
                connection.execute(text(
                    "INSERT INTO audit_event (at, actor_email, action, subject_type, subject_id, detail, remote_addr) "
                    "VALUES ('2026-01-01 09:00:00', '', 'caseload.view', 'caseload', '2', "
                    "'2 people: [person:7][person:8]', '')"))
                connection.execute(text("INSERT INTO audit_mention (audit_event_id, kind, ref_id) "
                                        "VALUES (1, 'person', 7), (1, 'person', 8)"))
            assert [key["referred_table"] for key in inspect(db.engine).get_foreign_keys("audit_mention")] \
                == ["audit_event"]
            upgrade(revision="0018")
            assert inspect(db.engine).get_foreign_keys("audit_mention") == []
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT audit_event_id, kind, ref_id FROM audit_mention "
                                               "ORDER BY ref_id")).all() == [(1, "person", 7), (1, "person", 8)]
            indexes = {index["name"] for index in inspect(db.engine).get_indexes("audit_mention")}
            assert "ix_audit_mention_kind_ref_id" in indexes
            assert inspect(db.engine).get_pk_constraint("audit_mention")["constrained_columns"] \
                == ["audit_event_id", "kind", "ref_id"]
            downgrade(revision="0017")
            assert [key["referred_table"] for key in inspect(db.engine).get_foreign_keys("audit_mention")] \
                == ["audit_event"]
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT count(*) FROM audit_mention")).scalar() == 2
            db.session.remove()
            db.engine.dispose()
