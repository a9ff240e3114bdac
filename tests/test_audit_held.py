"""Audit events held by a bulk loader (audit.held_in_bulk) are the events the services would have
written one by one: same columns, same times, same order, same mentions; none if the block fails."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, AuditMention, Locality
from app.services import audit, casework
from tests import factories

START = datetime(2026, 3, 1, 9, 30)


class _Episode:
    id, person_id = 7, 41


def _clock(monkeypatch):
    """Held events' utcnow gives 09:30, 09:31, ... so each one's time says when it was recorded."""
    ticks = iter(START + timedelta(minutes=n) for n in range(1000))
    monkeypatch.setattr(audit, "utcnow", lambda: next(ticks))


def _changes(officer) -> None:
    """Events of each shape: a person subject, markers in the detail, a person named by id, no
    actor, markers that are not mentions, and one recorded by a service (an officer's contact)."""
    audit.record(by=officer, action="contact.held", subject_type="person", subject_id=41, detail="episode 7: phone")
    audit.record(by=officer, action="export", subject_type="list", subject_id="caseload",
                 detail="2 people: [person:41][person:42]; 1 referral: [referral:9]")
    audit.record(by=None, action="onward.move", subject_type="onward", subject_id=3, detail="made", person_id=42)
    audit.record(by=officer, action="note", subject_type="referral", subject_id=9, detail="[person:0] [person:x]")
    casework.record(by=officer, episode=_Episode(), action="contact.planned", detail="phone on 2026-03-02")


def _log() -> list[tuple]:
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    mentions = db.session.execute(select(AuditMention.audit_event_id, AuditMention.kind, AuditMention.ref_id)).all()
    by_event = {event.id: sorted((kind, ref) for event_id, kind, ref in mentions if event_id == event.id)
                for event in events}
    return [(e.at, e.actor_id, e.actor_email, e.action, e.subject_type, e.subject_id, e.detail, e.remote_addr,
             by_event[e.id]) for e in events]


def _fresh_log() -> None:
    db.session.execute(AuditMention.__table__.delete())
    db.session.execute(AuditEvent.__table__.delete())
    db.session.commit()


def test_held_events_are_the_events_written_one_by_one(app, monkeypatch):
    officer = factories.user(role="link_officer")
    _fresh_log()
    _changes(officer)
    db.session.commit()
    one_by_one = _log()
    assert len(one_by_one) == 5
    assert one_by_one[1][-1] == [("person", 41), ("person", 42), ("referral", 9)]
    assert one_by_one[2][-1] == [("person", 42)] and one_by_one[2][6] == "made [person:42]"
    assert one_by_one[3][-1] == [("referral", 9)] and one_by_one[4][-1] == [("person", 41)]

    _fresh_log()
    _clock(monkeypatch)
    with audit.held_in_bulk():
        _changes(officer)
        assert db.session.scalars(select(AuditEvent)).all() == []  # held until the block ends
    db.session.commit()
    held = _log()
    assert [event[1:] for event in held] == [event[1:] for event in one_by_one]
    # Each event keeps the time it was recorded at, not the time the block ended.
    assert [event[0] for event in held] == [START + timedelta(minutes=n) for n in range(5)]


def test_a_failed_block_writes_the_events_of_what_it_committed_and_no_others(app):
    """What the services committed before a failure stays, so its events are written; the change
    after the last commit was rolled back, so its event is not."""
    officer = factories.user(role="link_officer")
    _fresh_log()
    with pytest.raises(RuntimeError, match="the loader failed"), audit.held_in_bulk():
        locality = factories.locality("Kept")  # committed (the factory commits)
        audit.record(by=officer, action="locality.create", subject_type="locality", subject_id=locality.id)
        db.session.commit()
        audit.record(by=officer, action="contact.held", subject_type="person", subject_id=5)
        db.session.add(Locality(name="Rolled back"))
        db.session.flush()
        raise RuntimeError("the loader failed")
    db.session.rollback()
    assert [(e.action, e.subject_id) for e in db.session.scalars(select(AuditEvent))] == [
        ("locality.create", str(locality.id))]
    assert set(db.session.scalars(select(Locality.name))) == {"Kept"}
    audit.record(by=officer, action="contact.held", subject_type="person", subject_id=5)  # holding has ended
    db.session.commit()
    assert [e.subject_id for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == [
        str(locality.id), "5"]


def test_a_block_that_fails_before_any_commit_writes_nothing(app):
    officer = factories.user(role="link_officer")
    _fresh_log()
    with pytest.raises(RuntimeError), audit.held_in_bulk():
        audit.record(by=officer, action="contact.held", subject_type="person", subject_id=5)
        raise RuntimeError("the loader failed")
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_another_threads_commit_does_not_count_as_the_loaders(app):
    """The held events of a loader are its own: a commit elsewhere meanwhile does not make its
    uncommitted events count as committed."""
    import threading

    officer = factories.user(role="link_officer")
    _fresh_log()
    with pytest.raises(RuntimeError), audit.held_in_bulk():
        audit.record(by=officer, action="contact.held", subject_type="person", subject_id=5)

        def elsewhere():
            with app.app_context():
                factories.locality("Elsewhere")
                db.session.remove()

        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
        raise RuntimeError("the loader failed")
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_an_inner_block_leaves_its_events_to_the_outer_one(app):
    officer = factories.user(role="link_officer")
    _fresh_log()
    with audit.held_in_bulk():
        with audit.held_in_bulk():
            audit.record(by=officer, action="a", subject_type="person", subject_id=1)
        assert db.session.scalars(select(AuditEvent)).all() == []
        audit.record(by=officer, action="b", subject_type="person", subject_id=2)
    db.session.commit()
    assert [(e.action, e.subject_id) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] \
        == [("a", "1"), ("b", "2")]
