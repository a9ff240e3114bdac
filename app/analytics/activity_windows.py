"""Keeping ``activity_window`` (each person's pre and post activity sums) up to date.

:func:`refresh` runs before the dashboard reads the sums.  It compares a cheap signature of
the records the sums come from — the highest activity id and activity import id (rows added or
replaced by an import) and the episodes' count and highest id (a person newly supported, or an
earlier episode that moves their anchor) — with the one stored at the last refresh:

* unchanged: nothing to do (the common case: one small query);
* first time, a different window length, or activity rows deleted (the highest ids went down):
  the whole table is rebuilt in one INSERT … SELECT;
* otherwise only the people concerned are recomputed: those with activity rows added or
  replaced since, and those whose row is missing or summed around a different anchor.

Activity only changes through imports (``app.services.activity_import``) and the demo loader,
which both leave their mark on those ids.  An edit made by hand in the database that changes a
count without a new import id would not be seen; ``flask outcomes warm-dashboard --rebuild``
rebuilds the table from scratch.
"""
from __future__ import annotations

from sqlalchemy import and_, case, delete, func, insert, or_, select, text

from app.analytics.dates_sql import is_postgres, shift_months, uk_day_of
from app.extensions import db
from app.models import Activity, ActivityImport, Episode, Referral
from app.models.activity_window import (POST_COLUMNS, PRE_COLUMNS, WINDOW_MONTHS, activity_window,
                                        activity_window_state)
from outcomes.definitions import ACTIVITY_TYPES

#: Recompute everyone rather than a list of people when more than this share is stale
#: (and more than a few chunks' worth: below that the list is always cheaper).
REBUILD_SHARE = 0.25
REBUILD_AT_LEAST = 5_000
#: PostgreSQL advisory lock taken while refreshing, so two app processes do not race.
LOCK_KEY = 720_001
_CHUNK = 900  # people per IN (...) list: under SQLite's bound-parameter limit


def first_anchors():
    """Each supported person's anchor day (their first episode's referral date) and window edges.

    Written with row_number() rather than cohort_sql.first_episodes (DISTINCT ON on PostgreSQL):
    here the small row estimate leads PostgreSQL to look up each person's activity by index,
    which rebuilds the sums from 2,000,000 rows in 1.5 s against 1.9 s for a hash join.
    """
    postgres = is_postgres(db.session)
    rank = func.row_number().over(partition_by=Episode.person_id, order_by=(Episode.opened_at, Episode.id))
    ranked = select(Episode.person_id, Episode.referral_id, rank.label("rank")).subquery("ranked")
    anchor = uk_day_of(Referral.received_at, postgres=postgres)
    return (select(ranked.c.person_id, anchor.label("anchor_day"),
                   shift_months(anchor, -WINDOW_MONTHS, postgres=postgres).label("start_day"),
                   shift_months(anchor, WINDOW_MONTHS, postgres=postgres).label("end_day"))
            .join(Referral, Referral.id == ranked.c.referral_id).where(ranked.c.rank == 1)
            .subquery("anchors"))


def window_sums(people: list[int] | None = None):
    """SELECT person_id, anchor_day and the 14 sums, for everyone or for the given people."""
    anchors = first_anchors()
    before = Activity.activity_date < anchors.c.anchor_day

    def total(kind: str, pre: bool):
        when = and_(Activity.activity_type == kind, before if pre else ~before)
        return func.coalesce(func.sum(case((when, Activity.count), else_=0)), 0)

    sums = [total(kind, True) for kind in ACTIVITY_TYPES] + [total(kind, False) for kind in ACTIVITY_TYPES]
    query = (select(anchors.c.person_id, anchors.c.anchor_day, *sums).select_from(anchors)
             .outerjoin(Activity, and_(Activity.person_id == anchors.c.person_id,
                                       Activity.activity_date >= anchors.c.start_day,
                                       Activity.activity_date < anchors.c.end_day))
             .group_by(anchors.c.person_id, anchors.c.anchor_day))
    if people is not None:
        query = query.where(anchors.c.person_id.in_(people))
    return query


def signature() -> tuple[int, int, int, int]:
    """(highest activity id, highest import id, episodes, highest episode id)."""
    return tuple(db.session.execute(select(
        select(func.coalesce(func.max(Activity.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(ActivityImport.id), 0)).scalar_subquery(),
        select(func.count(Episode.id)).scalar_subquery(),
        select(func.coalesce(func.max(Episode.id), 0)).scalar_subquery())).one())


def _state():
    return db.session.execute(select(activity_window_state).where(activity_window_state.c.id == 1)).first()


def _is_current(state, current) -> bool:
    return state is not None and state.window_months == WINDOW_MONTHS and \
        (state.activity_id, state.import_id, state.episodes, state.episode_id) == current


def stale_people(state, current: tuple[int, int, int, int]) -> list[int]:
    """People whose sums are out of date: activity added or replaced since ``state``, a
    missing row, or a row summed around a different anchor (looked for only when the episodes
    changed, ``current`` being the signature now)."""
    changed = select(Activity.person_id).where(
        or_(Activity.id > state.activity_id, Activity.import_id > state.import_id)).distinct()
    people = set(db.session.scalars(changed))
    if (state.episodes, state.episode_id) != current[2:]:
        anchors = first_anchors()
        moved = (select(anchors.c.person_id).select_from(anchors)
                 .outerjoin(activity_window, activity_window.c.person_id == anchors.c.person_id)
                 .where(or_(activity_window.c.person_id.is_(None),
                            activity_window.c.anchor_day != anchors.c.anchor_day)))
        people |= set(db.session.scalars(moved))
    return sorted(people)


def _insert(people: list[int] | None) -> None:
    columns = ["person_id", "anchor_day", *PRE_COLUMNS, *POST_COLUMNS]
    db.session.execute(insert(activity_window).from_select(columns, window_sums(people)))


def refresh(*, rebuild: bool = False) -> int | None:
    """Bring the sums up to date and commit; returns how many people were recomputed (None
    for the whole table, 0 when it was already current)."""
    if not rebuild and _is_current(_state(), signature()):
        return 0
    if is_postgres(db.session):
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    current, state = signature(), _state()
    if not rebuild and _is_current(state, current):  # another process refreshed while we waited
        db.session.commit()
        return 0
    shrunk = state is not None and (current[0] < state.activity_id or current[1] < state.import_id)
    whole = rebuild or state is None or state.window_months != WINDOW_MONTHS or shrunk  # rows deleted: start again
    people = None if whole else stale_people(state, current)
    total = db.session.scalar(select(func.count()).select_from(activity_window)) or 0
    if people is not None and len(people) > max(REBUILD_SHARE * total, REBUILD_AT_LEAST):
        people = None
    if people is None:
        db.session.execute(delete(activity_window))
        _insert(None)
    else:
        for start in range(0, len(people), _CHUNK):
            chunk = people[start:start + _CHUNK]
            db.session.execute(delete(activity_window).where(activity_window.c.person_id.in_(chunk)))
            _insert(chunk)
    db.session.execute(delete(activity_window_state))
    db.session.execute(insert(activity_window_state).values(
        id=1, window_months=WINDOW_MONTHS, activity_id=current[0], import_id=current[1], episodes=current[2],
        episode_id=current[3]))
    db.session.commit()
    return None if people is None else len(people)
