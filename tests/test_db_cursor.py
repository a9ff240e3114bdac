"""The PostgreSQL cursor that describes its result's columns when asked (app/db_cursor.py) describes
them exactly as psycopg's own cursor does, even once it has moved on to another statement."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select, text

from app.db_cursor import Cursor, Description
from app.extensions import db
from app.models import User
from tests import factories
from tests.conftest import POSTGRES_URL, _fresh_app, _require_engine

# Results of different shapes: many types (with sizes, precisions and scales), a column without a
# name of its own, no columns at all, no rows, several rows, and statements that return no rows.
QUERIES = [
    "SELECT 1 AS one, 'a'::varchar(12) AS short_text, 2.50::numeric(6, 2) AS money, now() AS at,"
    " current_date AS today, true AS yes, NULL::int AS nothing, ARRAY[1, 2] AS numbers, 'x'::text, 3.5::float8",
    "SELECT 1",
    "SELECT",
    "SELECT generate_series(1, 5) AS n WHERE false",
    "SELECT n, n * 2 AS twice FROM generate_series(1, 3) AS n",
    "CREATE TEMPORARY TABLE probe (id serial PRIMARY KEY, word varchar(20), amount numeric(8, 3))",
    "INSERT INTO probe (word, amount) VALUES ('one', 1.5)",
    "INSERT INTO probe (word, amount) VALUES ('two', 2.25) RETURNING id, word, amount",
    "UPDATE probe SET word = 'three' WHERE id = 1",
    "SELECT * FROM probe ORDER BY id",
]


def _described(description) -> list[tuple] | None:
    """Everything a description says: each column's seven items, by index and by name."""
    if description is None:
        return None
    return [(tuple(column), column.name, column.type_code, column.display_size, column.internal_size,
             column.precision, column.scale, column.null_ok, repr(column)) for column in description]


@pytest.fixture
def connections():
    _require_engine("postgresql")
    url = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    ours = psycopg.connect(url, cursor_factory=Cursor)
    theirs = psycopg.connect(url)
    yield ours, theirs
    ours.close()
    theirs.close()


def test_each_result_is_described_as_psycopg_describes_it(connections):
    ours, theirs = connections
    for query in QUERIES:
        with ours.cursor() as mine, theirs.cursor() as reference:
            mine.execute(query)
            reference.execute(query)
            expected = reference.description
            got = mine.description
            assert (got is None) == (expected is None), query
            if expected is not None:
                assert isinstance(got, Description)
                assert len(got) == len(expected), query
                assert _described(got) == _described(expected), query
                assert [column.name for column in got[::-1]] == [column.name for column in expected[::-1]]
                assert repr(got) == repr(expected)


def test_a_description_still_describes_its_result_after_the_cursor_moves_on(connections):
    ours, theirs = connections
    with ours.cursor() as mine, theirs.cursor() as reference:
        mine.execute(QUERIES[0])
        first = mine.description  # asked for, not yet read
        mine.execute("SELECT 'other' AS word")
        second = mine.description
        mine.execute("SET jit = off")
        assert mine.description is None
        reference.execute(QUERIES[0])
        expected_first = _described(reference.description)
        reference.execute("SELECT 'other' AS word")
        expected_second = _described(reference.description)
    assert _described(second) == expected_second
    assert _described(first) == expected_first
    assert len(first) == 10 and first[1].name == "short_text" and first[1].display_size == 12
    assert first[2].precision == 6 and first[2].scale == 2


@pytest.fixture
def postgres_app(tmp_path):
    _require_engine("postgresql")
    yield from _fresh_app("postgresql", tmp_path, None)


def test_the_apps_postgresql_connections_use_it_and_results_read_by_name(postgres_app):
    with db.engine.connect() as connection:
        cursor = connection.connection.cursor()
        assert isinstance(cursor, Cursor)
        cursor.close()
        # A statement run for the first time is described from the cursor, by name.
        row = connection.execute(text("SELECT 41 + 1 AS answer, 'yes' AS said")).one()
        assert row._mapping["answer"] == 42 and row.said == "yes"
    user = factories.user(name="Ada Okafor")
    db.session.commit()
    for _ in range(2):  # the second run reuses what SQLAlchemy kept of the first
        found = db.session.execute(select(User.id, User.name).where(User.id == user.id)).one()
        assert (found.id, found.name) == (user.id, "Ada Okafor")
