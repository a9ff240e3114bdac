"""A world copied by tests/snapshot.py is the world built: the same rows in every table, and what a
test adds after the copy is numbered as after a fresh build."""
from __future__ import annotations

from sqlalchemy import text

from app.extensions import db
from app.security import Role
from app.services import audit
from tests import factories, snapshot
from tests.conftest import _reset_postgres


def _small_world() -> list[int]:
    practice = factories.practice("M99001")
    officer = factories.user(role=Role.LINK_OFFICER)
    episodes = []
    for needs in (("loneliness",), ("debt", "housing")):
        referral = factories.referral(practice, needs=needs, status="in_support")
        episodes.append(factories.episode(officer, referral_=referral, seen=True).id)
    audit.record(by=officer, action="test.built", subject_type="practice", subject_id=practice.id)
    return episodes


def _emptied(app) -> None:
    """This test's database as the next test finds it: every table empty, ids from 1 again."""
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        _reset_postgres(app)
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        if db.session.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
            db.session.execute(text("DELETE FROM sqlite_sequence"))
        db.session.commit()
    db.session.expire_all()


def test_a_copied_world_has_the_built_worlds_rows_and_numbers_on_from_them(app, monkeypatch):
    monkeypatch.setattr(snapshot, "_taken", {})
    made = snapshot.built_once("small", _small_world)
    built = snapshot.rows_of_every_table()
    assert made == [row["id"] for row in built["episode"]]
    assert len(built["referral"]) == 2 and len(built["episode"]) == 2 and built["audit_event"]
    after_build = factories.referral(status="received").id

    _emptied(app)
    assert snapshot.rows_of_every_table()["referral"] == []
    again = snapshot.built_once("small", lambda: (_ for _ in ()).throw(AssertionError("built twice")))
    assert snapshot.rows_of_every_table() == built  # every table, every column, ids and all
    assert again == made  # what the build gave, for the fixture to look its objects up by
    assert factories.referral(status="received").id == after_build  # as after the build


def test_each_world_is_kept_by_its_name(app, monkeypatch):
    monkeypatch.setattr(snapshot, "_taken", {})
    snapshot.built_once("one", lambda: factories.practice("M99002"))
    _emptied(app)
    snapshot.built_once("two", lambda: factories.practice("M99003"))
    codes = [row["ods_code"] for row in snapshot.rows_of_every_table()["practice"]]
    assert codes == ["M99003"]
