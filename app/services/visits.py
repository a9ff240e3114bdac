"""Lone-working safety for home visits: check in with an expected end, check out on leaving.

A visit still checked in after its expected end plus the grace (VISIT_OVERDUE_GRACE_MINUTES) is
overdue and shows on the manager's panel. Times are stored in UTC and shown in UK time.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Episode, HomeVisit, Person, User
from app.models.base import uk_local, utc_of_uk, utcnow
from app.models.contact import ContactKind, ContactStatus
from app.services import casework, contacts
from app.services.errors import RuleBroken

LONGEST_VISIT = timedelta(hours=8)


def local_today_at(clock: time, now: datetime | None = None) -> datetime:
    """The UTC moment of a UK clock time today (the day of `now`, in UK time)."""
    return utc_of_uk(uk_local(now or utcnow()).date(), clock)


def expected_end_at(clock: time, now: datetime | None = None) -> datetime:
    """The UTC moment a home visit is expected to end, from the UK clock time the officer gives:
    whichever of today's and tomorrow's moment at that time is nearer to now. So an evening
    visit can run past midnight (00:30, entered at 23:15, is tomorrow's), and a time just gone
    (14:00, entered at 14:30) stays today's, which check_in refuses as not later than now."""
    now = now or utcnow()
    today = local_today_at(clock, now)
    if today > now:
        return today
    tomorrow = utc_of_uk(uk_local(now).date() + timedelta(days=1), clock)
    return tomorrow if tomorrow - now < now - today else today


def grace() -> timedelta:
    return timedelta(minutes=current_app.config["VISIT_OVERDUE_GRACE_MINUTES"])


def check_in(*, by: User, episode: Episode, expected_end_at: datetime, note: str = "",
             now: datetime | None = None) -> HomeVisit:
    """Start a home visit. The expected end is required and must be later than now (at most 8 hours);
    an officer can be checked in to one visit at a time."""
    casework.require_open(episode)
    now = now or utcnow()
    if expected_end_at <= now:
        raise RuleBroken("The expected end time must be later than now", field="expected_end")
    if expected_end_at - now > LONGEST_VISIT:
        raise RuleBroken("A home visit can be planned for up to 8 hours; enter an earlier end time",
                         field="expected_end")
    open_visit = db.session.scalar(select(HomeVisit).where(HomeVisit.officer_id == by.id,
                                                           HomeVisit.checked_out_at.is_(None)))
    if open_visit:
        raise RuleBroken("You are still checked in to another home visit. Check out of it first.")
    visit = HomeVisit(episode=episode, officer_id=by.id, checked_in_at=now, expected_end_at=expected_end_at,
                      check_in_note=note.strip())
    db.session.add(visit)
    db.session.flush()
    casework.record(by=by, episode=episode, action="visit.check_in",
                    detail=f"visit {visit.id}, expected end {expected_end_at:%Y-%m-%d %H:%M} UTC")
    db.session.commit()
    return visit


def extend(*, by: User, visit: HomeVisit, expected_end_at: datetime, now: datetime | None = None) -> HomeVisit:
    """Change a visit's expected end while it is under way: the officer is staying longer (or
    leaving sooner), so the manager is alerted only if they do not check out by the new time.
    Only the officer on the visit; the new end must be later than now and within 8 hours of the
    check-in."""
    if visit.checked_out_at is not None:
        raise RuleBroken("This visit was already checked out")
    if by.id != visit.officer_id:
        raise RuleBroken("Only the officer on the visit can change its expected end")
    now = now or utcnow()
    if expected_end_at <= now:
        raise RuleBroken("The expected end time must be later than now", field="expected_end")
    if expected_end_at - visit.checked_in_at > LONGEST_VISIT:
        raise RuleBroken("A home visit can last up to 8 hours from check-in; enter an earlier end time",
                         field="expected_end")
    was, visit.expected_end_at = visit.expected_end_at, expected_end_at
    casework.record(by=by, episode=visit.episode, action="visit.extend",
                    detail=f"visit {visit.id}, expected end {expected_end_at:%Y-%m-%d %H:%M} UTC"
                           f" (was {was:%Y-%m-%d %H:%M})")
    db.session.commit()
    return visit


def check_out(*, by: User, visit: HomeVisit, notes: str = "", who_was_there: str = "",
              now: datetime | None = None) -> HomeVisit:
    """End a home visit and log it as a held home-visit contact lasting from check-in to check-out.
    The officer who checked in does this; a manager may record it after confirming they are safe."""
    if visit.checked_out_at is not None:
        raise RuleBroken("This visit was already checked out")
    if by.id != visit.officer_id and by.role != "manager":
        raise RuleBroken("Only the officer on the visit, or a manager, can check it out")
    now = max(now or utcnow(), visit.checked_in_at)
    minutes = max(1, round((now - visit.checked_in_at).total_seconds() / 60))
    if by.id != visit.officer_id:
        notes = (notes + "\n" if notes else "") + f"Checked out by {by.name} after confirming the officer was safe."
    visit.checked_out_at = now
    visit.checked_out_by_id = by.id
    contact = contacts.record(by=by, episode=visit.episode, kind=ContactKind.HOME_VISIT.value,
                              status=ContactStatus.HELD.value, on=uk_local(visit.checked_in_at).date(),
                              at_time=uk_local(visit.checked_in_at).time().replace(second=0, microsecond=0),
                              duration_minutes=min(minutes, contacts.MAX_MINUTES),
                              who_was_there=who_was_there, notes=notes, commit=False)
    visit.contact = contact
    casework.record(by=by, episode=visit.episode, action="visit.check_out", detail=f"visit {visit.id}, {minutes} min")
    db.session.commit()
    return visit


def _with_people(query: Select) -> Select:
    return query.options(
        joinedload(HomeVisit.officer),
        joinedload(HomeVisit.episode).joinedload(Episode.person).joinedload(Person.practice),
        joinedload(HomeVisit.episode).joinedload(Episode.person).selectinload(Person.active_risks))


def in_progress() -> Select:
    """Visits checked in and not yet out, the longest overdue first."""
    return _with_people(select(HomeVisit).where(HomeVisit.checked_out_at.is_(None))
                        .order_by(HomeVisit.expected_end_at))


def in_progress_by_id(visit_id: int) -> HomeVisit | None:
    """A visit still in progress, with its person, practice and risks (None once checked out)."""
    return db.session.scalar(in_progress().where(HomeVisit.id == visit_id))


def overdue(now: datetime | None = None) -> Select:
    cutoff = (now or utcnow()) - grace()
    return in_progress().where(HomeVisit.expected_end_at < cutoff)


def _finished_since(days: int, now: datetime | None) -> Select:
    since = (now or utcnow()) - timedelta(days=days)
    return select(HomeVisit).where(HomeVisit.checked_out_at.is_not(None), HomeVisit.checked_in_at >= since)


def overdue_officers(now: datetime | None = None) -> list[tuple[int, str, datetime]]:
    """(visit id, officer's name, expected end) of each overdue visit, the longest overdue first:
    the alert a manager sees on every page. Names no one visited, so it reads no person's data."""
    cutoff = (now or utcnow()) - grace()
    return [(row.id, row.name, row.expected_end_at) for row in db.session.execute(
        select(HomeVisit.id, User.name, HomeVisit.expected_end_at).join(User, User.id == HomeVisit.officer_id)
        .where(HomeVisit.checked_out_at.is_(None), HomeVisit.expected_end_at < cutoff)
        .order_by(HomeVisit.expected_end_at, HomeVisit.id))]


def open_visit_ids() -> list[int]:
    """The ids of the visits under way, in order: what the Visits page kept open compares with the
    visits it lists, to open itself again when one starts or ends. Ids only (an index scan)."""
    return list(db.session.scalars(select(HomeVisit.id).where(HomeVisit.checked_out_at.is_(None))
                                   .order_by(HomeVisit.id)))


def recent(days: int = 14, now: datetime | None = None, officer_id: int | None = None) -> Select:
    """Visits finished in the last `days` (by one officer when given), the latest first, with their
    officer and person (the history names no risks); ordered to the id so that pages never overlap."""
    query = _finished_since(days, now)
    if officer_id is not None:
        query = query.where(HomeVisit.officer_id == officer_id)
    return query.options(joinedload(HomeVisit.officer), joinedload(HomeVisit.episode).joinedload(Episode.person)) \
        .order_by(HomeVisit.checked_in_at.desc(), HomeVisit.id.desc())


def officers_in_history(days: int = 14, now: datetime | None = None) -> list[tuple[int, str]]:
    """(id, name) of each officer with a visit finished in the last `days`, by name: the choices
    for the history's officer filter (one who has since left still has their visits to show)."""
    visited = _finished_since(days, now).with_only_columns(HomeVisit.officer_id).distinct()
    return [(row.id, row.name) for row in db.session.execute(
        select(User.id, User.name).where(User.id.in_(visited)).order_by(User.name, User.id))]


def past_end_for(officer: User, now: datetime | None = None) -> HomeVisit | None:
    """The officer's visit under way that has passed its expected end, if any: its officer is
    reminded to check out on every page (on the index of visits under way; usually no row)."""
    return db.session.scalar(select(HomeVisit).where(
        HomeVisit.checked_out_at.is_(None), HomeVisit.expected_end_at <= (now or utcnow()),
        HomeVisit.officer_id == officer.id).order_by(HomeVisit.expected_end_at).limit(1))


def open_visit_for(officer: User) -> HomeVisit | None:
    return db.session.scalar(select(HomeVisit).where(HomeVisit.officer_id == officer.id,
                                                     HomeVisit.checked_out_at.is_(None)))
