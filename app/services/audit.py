"""Writing to the audit log: every change, and every view or export of a person's data.

Events carry no foreign keys (they outlive what they describe). To keep the log searchable by
person, an event about a person is stored against the person (`subject_type="person"`); an event
about something else that concerns people (a referral, a list, an export) names them in `detail`
with `[person:<id>]` and `[referral:<id>]` markers. Each event's subject and markers are also
written as `AuditMention` rows, an indexed table the audit log's search by person reads (so the
search never scans the detail text of every event).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import Integer, String, bindparam, event as sa_event, func, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AuditEvent, AuditMention, User
from app.models.base import utcnow

MARKER = re.compile(r"\[(person|referral):(\d{1,10})\]")
LARGEST_ID = 2 ** 31 - 1  # ids are 32-bit integers on PostgreSQL


def person_marker(person_id) -> str:
    return f"[person:{person_id}]"


def referral_marker(referral_id) -> str:
    return f"[referral:{referral_id}]"


def mentions_in(subject_type: str, subject_id, detail: str) -> list[tuple[str, int]]:
    """The people and referrals an event concerns: its subject, if a person or referral, and
    every marker in its detail, each once, in the order they appear."""
    found = [(subject_type, str(subject_id))] if subject_type in ("person", "referral") else []
    found += MARKER.findall(detail or "")
    return list(dict.fromkeys((kind, int(ident)) for kind, ident in found
                              if ident.isascii() and ident.isdigit() and 0 < int(ident) <= LARGEST_ID))


def _columns(*, by: User | None, action: str, subject_type: str, subject_id, detail: str,
             person_id: int | None) -> dict:
    """An event's columns. `person_id` names the person an event about another subject
    concerns, so that searching by person finds it."""
    remote = ""
    if has_request_context():
        remote = request.remote_addr or ""  # the client, once ProxyFix has read trusted proxies' headers
    if person_id is not None and subject_type != "person":
        detail = f"{detail} {person_marker(person_id)}".strip()
    return {"actor_id": by.id if by else None, "actor_email": by.email if by else "", "action": action,
            "subject_type": subject_type, "subject_id": str(subject_id), "detail": detail,
            "remote_addr": remote[:64]}


#: While a bulk loader holds events (held_in_bulk), each event's columns and mentions, in order.
_held: ContextVar[list[tuple[dict, list]] | None] = ContextVar("audit_held", default=None)


def record(*, by: User | None, action: str, subject_type: str, subject_id, detail: str = "",
           person_id: int | None = None) -> AuditEvent | None:
    """Add an audit event to the current transaction (the caller commits). Inside held_in_bulk
    the event is held and written with the others when the block ends (nothing is returned)."""
    columns = _columns(by=by, action=action, subject_type=subject_type, subject_id=subject_id, detail=detail,
                       person_id=person_id)
    held = _held.get()
    if held is not None:
        columns["at"] = utcnow()
        held.append((columns, mentions_in(subject_type, subject_id, columns["detail"])))
        return None
    event = AuditEvent(**columns)
    # Written by _write_mentions once the event has its id, in bulk, not an ORM object per
    # mention (a caseload page's view names 66 people).
    event.pending_mentions = mentions_in(subject_type, subject_id, columns["detail"])
    db.session.add(event)
    return event


@contextmanager
def held_in_bulk() -> Iterator[None]:
    """For a loader making thousands of changes through the services in one go (the demo data
    set): the events they record are held, with the time each happened, and written when the
    block ends — one statement for the events, one for their mentions — instead of an ORM
    object each, flushed one service call at a time. The events, their times, their order and
    their mentions are the same. Nothing in a loader may read the log back meanwhile.

    If the block fails, what the services had committed before the failure stays in the
    database, so the events held up to the last commit are written (in a transaction of their
    own, after the failed one is rolled back) and the ones after it, whose changes were rolled
    back, are not. The failure is then raised as it was."""
    if _held.get() is not None:  # already holding: the outer block writes
        yield
        return
    held: list[tuple[dict, list]] = []
    committed = [0]  # how many held events belong to committed changes

    def count_committed(_session) -> None:
        if _held.get() is held:  # a commit in this loader's context, not another thread's
            committed[0] = len(held)

    token = _held.set(held)
    sa_event.listen(Session, "after_commit", count_committed)
    finished = False
    try:
        yield
        finished = True
    finally:
        _held.reset(token)
        sa_event.remove(Session, "after_commit", count_committed)
        if not finished:  # the changes committed before the failure stay, and so do their events
            db.session.rollback()
            _write_held(held[:committed[0]])
            db.session.commit()
    _write_held(held)


def _write_held(held: list[tuple[dict, list]]) -> None:
    if not held:
        return
    session = db.session()
    session.flush()
    connection = session.connection()
    ids = connection.execute(insert(AuditEvent.__table__).returning(AuditEvent.__table__.c.id,
                                                                     sort_by_parameter_order=True),
                             [columns for columns, _ in held]).scalars().all()
    rows = [(event_id, kind, ref_id) for event_id, (_, mentions) in zip(ids, held, strict=True)
            for kind, ref_id in mentions]
    if not rows:
        return
    if connection.dialect.name == "postgresql":  # every mention as three arrays, one statement
        event_ids, kinds, ref_ids = (list(column) for column in zip(*rows))
        connection.execute(_HELD_MENTIONS, {"event_ids": event_ids, "kinds": kinds, "ref_ids": ref_ids})
    else:
        connection.execute(insert(AuditMention), [{"audit_event_id": event_id, "kind": kind, "ref_id": ref_id}
                                                  for event_id, kind, ref_id in rows])


_HELD_MENTIONS = text(
    "INSERT INTO audit_mention (audit_event_id, kind, ref_id) SELECT * FROM unnest(CAST(:event_ids AS INTEGER[]),"
    " CAST(:kinds AS VARCHAR[]), CAST(:ref_ids AS INTEGER[]))")


# On PostgreSQL an event's mentions of one kind go in one statement, their ids as one array:
# an executemany is a statement per row (psycopg's pipeline), about 6 ms for a caseload page's 66.
_UNNESTED = insert(AuditMention).from_select(
    ["audit_event_id", "kind", "ref_id"],
    select(bindparam("event_id", type_=Integer), bindparam("kind", type_=String),
           func.unnest(bindparam("ids", type_=postgresql.ARRAY(Integer)))))


def _group(by_event: dict[tuple[int, str], list[int]], event_id: int, mentions) -> None:
    """Add an event's mentions to `by_event`: (event id, kind) -> ids, in order."""
    for kind, ref_id in mentions:
        by_event.setdefault((event_id, kind), []).append(ref_id)


@sa_event.listens_for(Session, "after_flush")
def _write_mentions(session: Session, _flush_context) -> None:
    by_event: dict[tuple[int, str], list[int]] = {}
    for obj in session.new:
        if isinstance(obj, AuditEvent):
            _group(by_event, obj.id, obj.__dict__.pop("pending_mentions", ()))
    if by_event:
        _insert_mentions(session.connection(), by_event)


def _insert_mentions(connection, by_event: dict[tuple[int, str], list[int]]) -> None:
    if connection.dialect.name == "postgresql":
        for (event_id, kind), ids in by_event.items():
            connection.execute(_UNNESTED, {"event_id": event_id, "kind": kind, "ids": ids})
    else:  # SQLite's executemany is in-process
        connection.execute(insert(AuditMention), [{"audit_event_id": event_id, "kind": kind, "ref_id": ref_id}
                                                  for (event_id, kind), ids in by_event.items() for ref_id in ids])


def shown(*, people: Iterable = (), referrals: Iterable = ()) -> str:
    """The detail of a list view or export: how many people and referrals it showed, and which."""
    person_ids = list(dict.fromkeys(people))
    referral_ids = list(dict.fromkeys(referrals))
    parts = []
    if person_ids:
        parts.append(f"{len(person_ids)} {'person' if len(person_ids) == 1 else 'people'}: "
                     + "".join(person_marker(i) for i in person_ids))
    if referral_ids:
        parts.append(f"{len(referral_ids)} referral{'' if len(referral_ids) == 1 else 's'}: "
                     + "".join(referral_marker(i) for i in referral_ids))
    return "; ".join(parts) or "nobody shown"


# A view's event and its mentions in one statement on PostgreSQL: the event's insert is a
# data-modifying CTE, which runs once whatever the outer insert reads from it.
_EVENT_WITH_MENTIONS = text(
    "WITH new_event AS (INSERT INTO audit_event (at, actor_id, actor_email, action, subject_type, subject_id, detail,"
    " remote_addr) VALUES (:at, :actor_id, :actor_email, :action, :subject_type, :subject_id, :detail, :remote_addr)"
    " RETURNING id)"
    " INSERT INTO audit_mention (audit_event_id, kind, ref_id)"
    " SELECT new_event.id, mention.kind, mention.ref_id FROM new_event"
    " CROSS JOIN unnest(CAST(:kinds AS VARCHAR[]), CAST(:ids AS INTEGER[])) AS mention (kind, ref_id)")


def _array_text(values: Iterable) -> str:
    """A one-dimensional PostgreSQL array in its text form ("{12,345}"), for a parameter the
    statement casts. psycopg sends a list parameter by dumping each element in Python: for the
    66 people a caseload page names, the kinds and ids as lists were about a twentieth of the
    page's work. Only for values whose text needs no quoting or escaping: ids (integers) and the
    mention kinds ("person", "referral")."""
    return "{" + ",".join(map(str, values)) + "}"


def viewed(*, by: User, action: str, subject_type: str, subject_id, detail: str = "",
           person_id: int | None = None) -> None:
    """Record that `by` was shown someone's data, and commit: a view changes nothing else, and
    the event must be kept even though the request is a GET.

    Page views are most of the log's events, so theirs are written as rows, not ORM objects:
    one statement on PostgreSQL, two on SQLite. Anything the request has pending is flushed
    first, so events keep the order they happened in."""
    columns = _columns(by=by, action=action, subject_type=subject_type, subject_id=subject_id, detail=detail,
                       person_id=person_id)
    columns["at"] = utcnow()
    mentions = mentions_in(subject_type, subject_id, columns["detail"])
    session = db.session()
    session.flush()  # nothing to do when nothing is pending
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_EVENT_WITH_MENTIONS, {**columns, "kinds": _array_text(kind for kind, _ in mentions),
                                                  "ids": _array_text(ref_id for _, ref_id in mentions)})
    else:
        event_id = connection.execute(insert(AuditEvent.__table__).values(columns)).inserted_primary_key[0]
        by_event: dict[tuple[int, str], list[int]] = {}
        _group(by_event, event_id, mentions)
        if by_event:
            _insert_mentions(connection, by_event)
    _commit_keeping_loaded(session)


def _commit_keeping_loaded(session) -> None:
    """Commit without expiring what the request has loaded. A page view is audited once its
    page is made (or, for a search, with the page's rows in hand): what was loaded is not read
    again from the database, so expiring every loaded object, as a commit does, is wasted work: on
    a support record, the person, their episodes, needs, contacts and the rest, about a thirtieth
    of the page. Other commits still expire as usual."""
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


def _subject(kwargs: dict) -> tuple[str, object, str]:
    """A record page's subject from its URL: the person, else the referral; other ids are detail."""
    detail = " ".join(f"{name.removesuffix('_id')} {value}" for name, value in kwargs.items()
                      if name not in ("person_id", "referral_id"))
    if "person_id" in kwargs:
        return "person", kwargs["person_id"], detail
    if "referral_id" in kwargs:
        return "referral", kwargs["referral_id"], detail
    raise TypeError("audited_view needs a person_id or referral_id in the URL")


def audited_view(action: str) -> Callable:
    """Declare that a record page shows a person's data: each GET that renders it (not a
    redirect, not a refusal) writes `action` against the person or referral in its URL.
    POSTs are audited by the service that makes the change."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def audited(*args, **kwargs):
            response = view(*args, **kwargs)
            status = response[1] if isinstance(response, tuple) and len(response) > 1 else 200
            status = getattr(response, "status_code", status)
            if request.method == "GET" and isinstance(status, int) and status < 300:
                subject_type, subject_id, detail = _subject(kwargs)
                viewed(by=current_user, action=action, subject_type=subject_type, subject_id=subject_id,
                       detail=detail)
            return response

        audited.audit_action = action
        return audited

    return decorate
