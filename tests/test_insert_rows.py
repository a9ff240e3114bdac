"""New rows written in bulk (app/services/held_counts.insert_rows): COPY on PostgreSQL, one INSERT
on SQLite; either way exactly the rows given, in the session's transaction, and rows it cannot
write as given are refused before anything is written."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Column, Date, Integer, MetaData, Table, Text, event, func, select

from app.extensions import db
from app.models import Activity, ActivityImport
from app.services.held_counts import insert_rows
from tests import factories

AWKWARD = ["tab\there", "new\nline", "back\\slash", "\\N", "", None, "quote ' and \" marks", "ünïcødé ✓",
           "comma, semicolon; pipe |", "carriage\rreturn"]


@pytest.fixture
def probe(app):
    """A table of our own, so every kind of awkward text can be written and read back."""
    table = Table("insert_rows_probe", MetaData(), Column("id", Integer, primary_key=True),
                  Column("note", Text), Column("on", Date), Column("n", Integer))
    table.drop(db.engine, checkfirst=True)  # left behind by a run that was killed mid-test
    table.create(db.engine)
    try:
        yield table
    finally:
        db.session.rollback()
        table.drop(db.engine)


def test_awkward_text_dates_and_nulls_come_back_exactly_as_given(probe):
    rows = [{"note": text, "on": date(2025, 1, 1 + index) if index % 3 else None, "n": index - 5}
            for index, text in enumerate(AWKWARD)]
    insert_rows(probe, rows)
    db.session.commit()
    back = db.session.execute(select(probe.c.note, probe.c.on, probe.c.n).order_by(probe.c.id)).mappings().all()
    assert [dict(row) for row in back] == rows


def test_rows_are_written_in_the_sessions_transaction(probe):
    insert_rows(probe, [{"note": "kept?", "on": None, "n": 1}])
    assert db.session.scalar(select(probe.c.note)) == "kept?"  # seen inside the transaction
    db.session.rollback()
    assert db.session.scalar(select(probe.c.note)) is None  # and gone with it


def test_activity_rows_refer_to_an_import_added_in_the_same_transaction(app):
    person = factories.episode().person
    made = ActivityImport(practice_id=person.practice_id, filename="x.csv")
    db.session.add(made)
    db.session.flush()  # its id, as the import has it when it stores the counts
    insert_rows(Activity.__table__, [
        {"practice_id": person.practice_id, "person_id": person.id, "activity_date": date(2025, 3, day),
         "activity_type": "gp_surgery", "count": day, "import_id": made.id} for day in (1, 2, 3)])
    db.session.commit()
    held = db.session.execute(select(Activity.activity_date, Activity.count, Activity.import_id)
                              .order_by(Activity.activity_date)).all()
    assert held == [(date(2025, 3, 1), 1, made.id), (date(2025, 3, 2), 2, made.id), (date(2025, 3, 3), 3, made.id)]


@pytest.mark.parametrize("rows, message", [
    ([{"note": "x", "nope": 1}], "has no column 'nope'"),
    ([{"note": "x", '"; DROP TABLE person; --': 1}], "has no column"),
    ([{"note": "x", "n": 1}, {"note": "y"}], "must all give the same columns"),
    ([{"note": "x"}, {"n": 2}], "must all give the same columns"),
])
def test_rows_it_cannot_write_as_given_are_refused_and_nothing_is_written(probe, rows, message):
    with pytest.raises(ValueError, match=message):
        insert_rows(probe, rows)
    assert db.session.scalar(select(probe.c.id)) is None


def test_a_column_an_insert_would_fill_in_python_must_be_given(app):
    with pytest.raises(ValueError, match="must give 'at'"):
        insert_rows(ActivityImport.__table__, [{"filename": "x.csv", "rows": 0, "matched_rows": 0,
                                                "unmatched_rows": 0, "inserted": 0, "updated": 0,
                                                "unchanged": 0, "note": "", "by_id": None,
                                                "practice_id": None}])
    assert db.session.scalar(select(ActivityImport.id)) is None


def test_no_rows_write_nothing(probe):
    insert_rows(probe, [])
    assert db.session.scalar(select(probe.c.id)) is None


def test_many_rows_are_one_statement_not_one_each(probe):
    """The point of it: psycopg 3 sent an INSERT of many rows as a statement per row."""
    sent = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement.split()[0], executemany))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        insert_rows(probe, [{"note": str(n), "on": None, "n": n} for n in range(500)])
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    inserts = [item for item in sent if item[0] == "INSERT"]
    if db.engine.dialect.name == "postgresql":
        assert inserts == []  # COPY, outside SQLAlchemy's statements
    else:
        assert inserts == [("INSERT", True)]  # one executemany, which SQLite runs in C
    assert db.session.scalar(select(func.count()).select_from(probe)) == 500
