"""`flask import deprivation`: postcode → IMD decile, all or nothing, idempotent, row and column named."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Person
from app.models.deprivation import DeprivationArea
from app.services import deprivation
from app.services.deprivation import LookupRejected, parse
from tests import factories

GOOD = b"postcode,imd_decile\nDY1 1AA,1\ndy5 3ab,4\nB11BB,10\n"


def _held() -> dict[str, int]:
    return dict(db.session.execute(select(DeprivationArea.postcode, DeprivationArea.imd_decile)).all())


def test_parse_normalises_postcodes_and_ignores_other_columns():
    content = b"pcds,postcode,imd_decile,lsoa11\nx,dy1 1aa,3,E01000001\nx,DY11AA,3,E01000001\n"
    assert parse(content) == {"DY1 1AA": 3}


@pytest.mark.parametrize("content,problem", [
    (b"", "row 1: the file is empty"),
    (b"postcode,decile\nDY1 1AA,3\n", "row 1: the header has no imd_decile column"),
    (b"postcode,imd_decile\nDY1 1AA,11\n", "row 2, column imd_decile: '11' is not a whole number from 1 to 10"),
    (b"postcode,imd_decile\nDY1 1AA,\n", "row 2, column imd_decile: '' is not a whole number from 1 to 10"),
    (b"postcode,imd_decile\nNOT A PC,3\n", "row 2, column postcode: 'NOT A PC' is not a UK postcode"),
    (b"postcode,imd_decile\n,3\n", "row 2, column postcode: it is empty"),
    (b"postcode,imd_decile\nDY1 1AA,3\nDY1 1AB,2\ndy11aa,4\n",
     "row 4, column imd_decile: DY1 1AA is already decile 3 at row 2"),
    (b"postcode,imd_decile\n\"DY1 1AA,3\n", "row 2, column postcode: 'DY1 1AA,3' is not"),  # unclosed quote
    (b"\xff\xfe\x00\x00", "row 1"),
])
def test_each_problem_names_its_row_and_column(content, problem):
    with pytest.raises(LookupRejected) as rejected:
        parse(content)
    assert any(p.startswith(problem) for p in rejected.value.problems), rejected.value.problems


def test_every_bad_row_is_listed_not_only_the_first():
    with pytest.raises(LookupRejected) as rejected:
        parse(b"postcode,imd_decile\nDY1 1AA,0\nDY1 1AB,5\nX,7\nDY1 1AD,ten\n")
    assert [p.split(":")[0] for p in rejected.value.problems] == [
        "row 2, column imd_decile", "row 4, column postcode", "row 5, column imd_decile"]
    assert rejected.value.total == 3 and "3 problems" in rejected.value.message


def _postcode():
    letters = st.sampled_from("ABDEFHLMNPRSTWY")
    return st.builds(lambda a, n, d, b, c: f"{a}{n} {d}{b}{c}", letters, st.integers(1, 99), st.integers(0, 9),
                     st.sampled_from("ABDEFGHJLNPQRSTUWXYZ"), st.sampled_from("ABDEFGHJLNPQRSTUWXYZ"))


@settings(max_examples=150, deadline=None)
@given(rows=st.dictionaries(_postcode(), st.integers(1, 10), max_size=30),
       spacing=st.sampled_from(["keep", "squash", "lower"]))
def test_any_file_of_real_postcodes_and_deciles_reads_back_exactly(rows, spacing):
    def written(postcode: str) -> str:
        return {"keep": postcode, "squash": postcode.replace(" ", ""), "lower": postcode.lower()}[spacing]
    content = "postcode,imd_decile\n" + "".join(f"{written(p)},{d}\n" for p, d in rows.items())
    assert parse(content.encode()) == rows


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(st.text(max_size=12), st.text(max_size=4)), min_size=1, max_size=8))
def test_any_row_is_either_read_as_a_postcode_and_a_decile_or_named_as_a_problem(rows):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["postcode", "imd_decile"])
    writer.writerows(rows)
    try:
        deciles = parse(buffer.getvalue().encode())
    except LookupRejected as rejected:
        assert rejected.problems and all(p.startswith("row ") for p in rejected.problems)
    else:
        assert all(1 <= decile <= 10 for decile in deciles.values())
        assert all(len(postcode) <= 8 and postcode == postcode.upper() for postcode in deciles)


def test_import_is_idempotent_and_a_changed_decile_is_updated(app):
    first = deprivation.import_lookup(by=None, content=GOOD, filename="imd.csv")
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    again = deprivation.import_lookup(by=None, content=GOOD, filename="imd.csv")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert _held() == {"DY1 1AA": 1, "DY5 3AB": 4, "B1 1BB": 10}
    changed = deprivation.import_lookup(by=None, content=b"postcode,imd_decile\nDY1 1AA,2\nDY1 1AB,6\n")
    assert (changed.inserted, changed.updated, changed.unchanged, changed.removed) == (1, 1, 0, 0)
    assert _held() == {"DY1 1AA": 2, "DY5 3AB": 4, "B1 1BB": 10, "DY1 1AB": 6}
    replaced = deprivation.import_lookup(by=None, content=b"postcode,imd_decile\nDY1 1AA,2\n", replace=True)
    assert replaced.removed == 3 and _held() == {"DY1 1AA": 2}
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "deprivation.import")) == 4


def test_a_file_with_one_bad_row_changes_nothing(app):
    deprivation.import_lookup(by=None, content=GOOD)
    with pytest.raises(LookupRejected):
        deprivation.import_lookup(by=None, content=b"postcode,imd_decile\nDY1 1AA,9\nDY9 9ZZ,99\n")
    db.session.rollback()
    assert _held() == {"DY1 1AA": 1, "DY5 3AB": 4, "B1 1BB": 10}


def test_command_imports_and_reports_each_bad_row(app, runner, tmp_path):
    good = tmp_path / "imd.csv"
    good.write_bytes(GOOD)
    result = runner.invoke(args=["import", "deprivation", str(good)])
    assert result.exit_code == 0, result.output
    assert "3 postcodes read: 3 new, 0 changed, 0 already held." in result.output
    result = runner.invoke(args=["import", "deprivation", str(good)])
    assert "0 new, 0 changed, 3 already held" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"postcode,imd_decile\nDY1 1AA,2\nZZ,3\n")
    result = runner.invoke(args=["import", "deprivation", str(bad)])
    assert result.exit_code == 1
    assert "bad.csv: row 3, column postcode: 'ZZ' is not a UK postcode" in result.output
    assert "Nothing was imported" in result.output
    assert _held()["DY1 1AA"] == 1
    missing = runner.invoke(args=["import", "deprivation", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_the_dashboards_join_gives_each_person_their_postcodes_decile_and_quintile(app):
    deprivation.import_lookup(by=None, content=GOOD)
    near = factories.episode(referral_=factories.referral(postcode="DY5 3AB")).person
    far = factories.episode(referral_=factories.referral(postcode="WV1 1AA")).person
    table = deprivation.person_deprivation()
    rows = dict((person_id, (decile, quintile)) for person_id, decile, quintile in db.session.execute(
        select(table.c.person_id, table.c.imd_decile, table.c.imd_quintile)).all())
    assert rows == {near.id: (4, 2), far.id: (None, None)}
    by_quintile = db.session.execute(
        select(deprivation.QUINTILE, func.count(Person.id)).select_from(Person)
        .join(DeprivationArea, deprivation.person_join_condition()).group_by(deprivation.QUINTILE)).all()
    assert by_quintile == [(2, 1)]
    assert [(d, (d + 1) // 2) for d in (1, 2, 3, 9, 10)] == [(1, 1), (2, 1), (3, 2), (9, 5), (10, 5)]
