"""The demo's support written in bulk leaves exactly what the services leave (seed/support_contacts.py,
support_needs.py, support_goals.py, support_measures.py and support_onward.py).

The demo is loaded twice into the same empty database, once with the run of contacts, the needs,
goals, wellbeing measures and onward support written in bulk and once through the services one
call at a time, and every row of every table is compared: same ids, same values, same audit events
in the same order. The only values allowed to differ are the moments the rows were written
(created_at, an audit event's time), which fall inside each load; the clock the demo draws its
referrals and visits against is held still for both.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, text

from app.extensions import db
from app.models import Contact
from app.models.base import uk_today, utcnow

PEOPLE = 24


def _empty(app) -> None:
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        from tests.conftest import _reset_postgres

        _reset_postgres(app)
        return
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        if connection.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
            connection.execute(text("DELETE FROM sqlite_sequence"))


def _load(monkeypatch, *, bulk: bool, now: datetime) -> dict[str, list[tuple]]:
    from seed import (demo, referrals, support, support_contacts, support_goals, support_measures, support_needs,
                      support_onward)

    with monkeypatch.context() as patch:
        patch.setattr(support, "BULK", bulk)
        if bulk:  # everything the demo draws for these is written in bulk, none handed back to the services
            patch.setattr(support_contacts, "write_through_services", _not_expected)
            patch.setattr(support_needs, "add_through_services", _not_expected)
            patch.setattr(support_needs, "move_through_services", _not_expected)
            patch.setattr(support_measures, "record_through_services", _not_expected)
            patch.setattr(support_goals, "add_through_services", _not_expected)
            patch.setattr(support_onward, "write_through_services", _not_expected)
        for part in (referrals, support):  # the clock the demo draws its times against
            patch.setattr(part, "utcnow", lambda: now)
        started = utcnow().replace(microsecond=0)  # some times are kept to the second
        demo.load(people=PEOPLE, seed=31)
        finished = utcnow()
    db.session.remove()

    def plain(value):
        if isinstance(value, datetime) and started <= value <= finished:
            return "written during the load"
        return value

    tables = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(select(table).order_by(*order)).all()
        tables[table.name] = [tuple(plain(value) for value in row) for row in rows]
    db.session.remove()
    return tables


def _not_expected(*args):
    raise AssertionError("the demo's contacts, needs, goals, measures or onward support went to the services")


def test_bulk_support_leaves_every_row_the_services_leave(app, monkeypatch):
    # The demo's clock, a second before either load starts: a time drawn against it (a status move
    # dated "now") is then told apart from the times each load writes as it runs.
    now = utcnow().replace(microsecond=0) - timedelta(seconds=1)
    bulk = _load(monkeypatch, bulk=True, now=now)
    _empty(app)
    services = _load(monkeypatch, bulk=False, now=now)

    assert len(bulk["contact"]) > 150 and len(bulk["home_visit"]) > 40, "the run is most of the demo's contacts"
    assert len(bulk["audit_event"]) > 800
    written = ("wellbeing_measure", "goal", "goal_action", "need", "onward_referral")
    assert min(len(bulk[name]) for name in written) > 20
    assert {row[4] for row in bulk["need"]} >= {"being_addressed", "met", "declined"}  # every kind of move
    differences = {name: _first_difference(bulk[name], services[name], db.metadata.tables[name])
                   for name in services if bulk[name] != services[name]}
    assert differences == {}


def _first_difference(ours: list[tuple], theirs: list[tuple], table) -> str:
    if len(ours) != len(theirs):
        return f"{len(ours)} rows against {len(theirs)}"
    for row, other in zip(ours, theirs, strict=True):
        if row != other:
            columns = [column.name for column in table.columns]
            return "; ".join(f"{name}: {a!r} against {b!r}" for name, a, b in zip(columns, row, other, strict=True)
                             if a != b)
    return ""


def test_a_run_that_needs_a_decision_goes_through_the_services(app):
    """An episode not yet in support: the run's second held contact agrees the plan, a decision only
    the services make, so the run is written through them and the practice's referral moves on."""
    from app.security import Role
    from seed import support_contacts
    from tests import factories

    first = uk_today() - timedelta(days=30)
    first -= timedelta(days=first.weekday())  # a Monday: the drawn days (a Monday, a Thursday) stay put
    episode = factories.episode(factories.user(Role.LINK_OFFICER), status="first_contact", first_contact_on=first)
    drawn = _Fixed([7, "phone", 30, "Talked it through", 3, "video", 20, "Checked in again"])
    run, last = support_contacts.draw(drawn, first, first + timedelta(days=12), utcnow())
    assert [(item.kind, item.day) for item in run] == [("phone", first + timedelta(days=7)),
                                                       ("video", first + timedelta(days=10))]
    support_contacts.write(episode.officer, episode, run)

    assert episode.referral.status == "in_support"
    assert episode.last_contact_on == last == first + timedelta(days=10)
    held = db.session.scalars(select(Contact).where(Contact.episode_id == episode.id).order_by(Contact.id)).all()
    assert [(c.kind, c.duration_minutes, c.notes) for c in held] == [("phone", 30, "Talked it through"),
                                                                      ("video", 20, "Checked in again")]


class _Fixed:
    """A stand-in generator that gives the listed values in turn, then 100 (past any end)."""

    def __init__(self, values):
        self.values = list(values)

    def _next(self, *args, **kwargs):
        return self.values.pop(0) if self.values else 100

    randint = choice = _next

    def choices(self, *args, **kwargs):
        return [self._next()]
