"""The migrations build the schema on an empty database, and match the models exactly."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from app.extensions import db
from tests.conftest import POSTGRES_URL, _psycopg_url, make_app


def _fresh_postgres_url():
    if not POSTGRES_URL:
        if os.environ.get("HEARTHLINK_REQUIRE_POSTGRES"):
            pytest.fail("CI requires PostgreSQL but TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL: TEST_DATABASE_URL is not set")
    base = _psycopg_url(POSTGRES_URL)
    name = f"hl_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name, base, name


def _drop_postgres(base: str, name: str) -> None:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped when the block ends."""
    url, base, name = _fresh_postgres_url()
    try:
        yield url
    finally:
        _drop_postgres(base, name)


def _upgrade_and_compare(url: str) -> tuple[set[str], list]:
    application = make_app(url)
    with application.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
            differences = compare_metadata(context, db.metadata)
        db.session.remove()
        db.engine.dispose()
    return tables, differences


def test_migrations_build_the_whole_schema_on_empty_sqlite(tmp_path):
    tables, differences = _upgrade_and_compare(f"sqlite:///{tmp_path / 'empty.db'}")
    assert set(db.metadata.tables) <= tables
    assert differences == [], "models and migrations differ: run `flask db migrate`"


def test_migrations_build_the_whole_schema_on_empty_postgresql():
    with fresh_postgres() as url:
        tables, differences = _upgrade_and_compare(url)
    assert set(db.metadata.tables) <= tables
    assert differences == [], "models and migrations differ: run `flask db migrate`"


def test_an_upgrade_in_the_apps_own_process_leaves_the_apps_log_working(tmp_path):
    """Alembic reads its logging settings at each upgrade; by default that silences every logger
    already made, the app's among them (its record of failed sign-ins, for one)."""
    import logging

    application = make_app(f"sqlite:///{tmp_path / 'logged.db'}")
    application.logger.info("made before the upgrade, as in a process that has served requests")
    with application.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    heard: list[str] = []
    listener = logging.Handler(logging.INFO)
    listener.emit = lambda record: heard.append(record.getMessage())
    root = logging.getLogger()
    root.addHandler(listener)
    level, root.level = root.level, logging.INFO
    try:
        application.logger.info("still heard after the upgrade")
    finally:
        root.removeHandler(listener)
        root.setLevel(level)
    assert not application.logger.disabled
    assert heard == ["still heard after the upgrade"]


def _type_checks(url: str) -> dict[str, dict[str, bool]]:
    """After the migrations: for each activity table, which types its type check lets through, read
    from the check the database holds, and whether that check is written as an IN list."""
    from app.models.vocab import ActivityType

    probes = [kind.value for kind in ActivityType] + ["dentist", "GP_SURGERY", ""]
    application = make_app(url)
    found = {}
    with application.app_context():
        upgrade()
        inspector = inspect(db.engine)
        with db.engine.connect() as connection:
            for table in ("activity", "comparison_activity"):
                check = next(c for c in inspector.get_check_constraints(table) if c["name"].endswith("type_known"))
                values = ", ".join(f"('{probe}')" for probe in probes)
                allowed = connection.execute(text(
                    f"WITH v(activity_type) AS (VALUES {values}) "
                    f"SELECT activity_type, CASE WHEN ({check['sqltext']}) THEN 1 ELSE 0 END FROM v")).all()
                found[table] = {**{probe: bool(ok) for probe, ok in allowed},
                                "written as an IN list": " IN (" in check["sqltext"].upper()}
        db.session.remove()
        db.engine.dispose()
    return found


def _only_the_known_types(found: dict[str, dict[str, bool]]) -> None:
    from app.models.vocab import ActivityType

    wanted = {**{kind.value: True for kind in ActivityType}, "dentist": False, "GP_SURGERY": False, "": False,
              # SQLite rebuilds an IN list's lookup table for every row it checks (migration 0017)
              "written as an IN list": False}
    assert found == {"activity": wanted, "comparison_activity": wanted}


def test_the_activity_tables_allow_exactly_the_known_types_on_sqlite(tmp_path):
    _only_the_known_types(_type_checks(f"sqlite:///{tmp_path / 'types.db'}"))


def test_the_activity_tables_allow_exactly_the_known_types_on_postgresql():
    with fresh_postgres() as url:
        found = _type_checks(url)
    _only_the_known_types(found)
