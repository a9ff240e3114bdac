"""Named queries for referral pages: what each user may see, filtered; callers paginate."""
from __future__ import annotations

from datetime import date, datetime

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Episode, Referral, ReferralEvent, User
from app.name_search import Search
from app.security import Role

PAGE_SIZE = 25
CHANGES_SHOWN = 30  # the most recent changes since the last look; the list itself has the rest


def visible_referrals(user: User) -> Select:
    """A practice sees only its own practice's referrals; a manager sees all."""
    query = select(Referral).options(selectinload(Referral.practice), selectinload(Referral.needs),
                                     selectinload(Referral.episode).selectinload(Episode.officer))
    if user.role == Role.GP_PRACTICE:
        query = query.where(Referral.practice_id == user.practice_id)
    return query


def filtered(query: Select, *, status: str | None, meeting: date | None, practice_id: int | None,
             search: Search | None = None) -> Select:
    if search:
        query = query.where(search.condition(Referral))
    if status:
        query = query.where(Referral.status == status)
    if meeting:
        query = query.where(Referral.mdt_meeting_date == meeting)
    if practice_id:
        query = query.where(Referral.practice_id == practice_id)
    return query.order_by(Referral.received_at.desc(), Referral.id.desc())


def referral_for(user: User, referral_id: int) -> Referral:
    """The referral if this user may see it; 404 otherwise (never reveal another practice's)."""
    referral = db.session.scalar(visible_referrals(user).where(Referral.id == referral_id)
                                 .options(selectinload(Referral.events).selectinload(ReferralEvent.by),
                                          selectinload(Referral.risks)))
    if referral is None:
        abort(404)
    return referral


def changed_since(user: User, since: datetime | None) -> dict[int, ReferralEvent]:
    """The latest status change per referral after `since`, made by someone else, newest first:
    at most CHANGES_SHOWN referrals, read from the newest events backwards on the `at` index
    (never every event since a long absence)."""
    if since is None:
        return {}
    query = (select(ReferralEvent).join(Referral)
             .where(ReferralEvent.at > since, ReferralEvent.from_status.is_not(None))
             .where((ReferralEvent.by_id != user.id) | ReferralEvent.by_id.is_(None))
             .order_by(ReferralEvent.at.desc(), ReferralEvent.id.desc())
             .limit(CHANGES_SHOWN * 4)
             .options(selectinload(ReferralEvent.referral)))
    if user.role == Role.GP_PRACTICE:
        query = query.where(Referral.practice_id == user.practice_id)
    latest: dict[int, ReferralEvent] = {}
    for event in db.session.scalars(query):
        if len(latest) == CHANGES_SHOWN:
            break
        latest.setdefault(event.referral_id, event)
    return latest


def meeting_count(practice_id: int, meeting: date) -> int:
    return db.session.scalar(select(func.count(Referral.id)).where(
        Referral.practice_id == practice_id, Referral.mdt_meeting_date == meeting)) or 0
