"""The caseload: open support episodes with their last and next contacts and open needs, in one
query (plus one for the referrals' risk flags), whatever the caseload's size.

Flags (configurable in app/config.py):
- "No contact for N days": first contact has been made and the last held contact (or the first
  contact) is more than NO_CONTACT_FLAG_DAYS days ago.
- "First contact not made": no first contact and more than FIRST_CONTACT_WORKING_DAYS working days
  (Monday to Friday, not bank holidays in BANK_HOLIDAY_REGION) have passed since allocation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Contact, Episode, Need, Person, Practice, Referral, User
from app.models.contact import ContactStatus
from app.models.support import OPEN_NEED_STATUSES
from app.models.vocab import HomeVisitRisk


@lru_cache(maxsize=32)
def bank_holidays(region: str, year: int) -> frozenset[date]:
    """Bank holidays of one UK nation ("ENG", "WLS", "SCT" or "NIR") in a year, from the
    ``holidays`` package (substitute days included)."""
    return frozenset(holidays.country_holidays("GB", subdiv=region, years=year))


def working_days_between(start: date, end: date, region: str = "ENG") -> int:
    """Working days after `start` up to and including `end`: weekdays that are not bank holidays."""
    if end <= start:
        return 0
    whole_weeks, extra = divmod((end - start).days, 7)
    days = whole_weeks * 5
    for offset in range(1, extra + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            days += 1
    off = {day for year in range(start.year, end.year + 1) for day in bank_holidays(region, year)}
    return days - sum(1 for day in off if start < day <= end and day.weekday() < 5)


@dataclass
class CaseloadRow:
    episode: Episode
    last_contact_on: date | None
    next_contact_on: date | None
    open_needs: int
    today: date

    @property
    def person(self) -> Person:
        return self.episode.person

    @property
    def is_new(self) -> bool:
        return self.episode.officer_seen_at is None

    @property
    def allocated_on(self) -> date:
        return (self.episode.allocated_at or self.episode.opened_at).date()

    @property
    def days_waiting(self) -> int | None:
        """Days since allocation while first contact is still to be made."""
        return None if self.episode.first_contact_on else (self.today - self.allocated_on).days

    @property
    def days_to_first_contact(self) -> int | None:
        first = self.episode.first_contact_on
        return max(0, (first - self.allocated_on).days) if first else None

    @property
    def last_contact(self) -> date | None:
        return self.last_contact_on or self.episode.first_contact_on

    @property
    def days_since_contact(self) -> int | None:
        return (self.today - self.last_contact).days if self.last_contact else None

    @property
    def next_contact_overdue(self) -> bool:
        return self.next_contact_on is not None and self.next_contact_on < self.today

    @property
    def no_contact_flag(self) -> bool:
        limit = current_app.config["NO_CONTACT_FLAG_DAYS"]
        return self.days_since_contact is not None and self.days_since_contact > limit

    @property
    def first_contact_flag(self) -> bool:
        limit = current_app.config["FIRST_CONTACT_WORKING_DAYS"]
        region = current_app.config["BANK_HOLIDAY_REGION"]
        return (self.episode.first_contact_on is None
                and working_days_between(self.allocated_on, self.today, region) > limit)

    @property
    def risks(self) -> list[str]:
        return [HomeVisitRisk(risk).label for risk in self.episode.referral.risk_flags]

    @property
    def flagged(self) -> bool:
        return self.no_contact_flag or self.first_contact_flag


def caseload_query(officer_id: int | None):
    held = (select(Contact.episode_id, func.max(Contact.contact_on).label("last_on"))
            .where(Contact.status == ContactStatus.HELD.value).group_by(Contact.episode_id).subquery())
    planned = (select(Contact.episode_id, func.min(Contact.contact_on).label("next_on"))
               .where(Contact.status == ContactStatus.PLANNED.value).group_by(Contact.episode_id).subquery())
    open_needs = (select(Need.episode_id, func.count(Need.id).label("open_needs"))
                  .where(Need.status.in_([s.value for s in OPEN_NEED_STATUSES])).group_by(Need.episode_id)
                  .subquery())
    query = (select(Episode, held.c.last_on, planned.c.next_on, func.coalesce(open_needs.c.open_needs, 0))
             .outerjoin(held, held.c.episode_id == Episode.id)
             .outerjoin(planned, planned.c.episode_id == Episode.id)
             .outerjoin(open_needs, open_needs.c.episode_id == Episode.id)
             .where(Episode.discharged_on.is_(None), Episode.officer_id.is_not(None))
             .options(joinedload(Episode.person).joinedload(Person.practice).joinedload(Practice.locality),
                      joinedload(Episode.officer),
                      joinedload(Episode.referral).selectinload(Referral.risks))
             .order_by(case((Episode.officer_seen_at.is_(None), 0), else_=1),
                       planned.c.next_on.is_(None), planned.c.next_on, Episode.allocated_at, Episode.id))
    if officer_id is not None:
        query = query.where(Episode.officer_id == officer_id)
    return query


def caseload(officer_id: int | None, today: date | None = None) -> list[CaseloadRow]:
    today = today or date.today()
    return [CaseloadRow(episode, last_on, next_on, open_count, today)
            for episode, last_on, next_on, open_count in db.session.execute(caseload_query(officer_id)).unique()]


@dataclass
class OfficerSummary:
    officer: User
    rows: list[CaseloadRow]

    @property
    def new(self) -> int:
        return sum(row.is_new for row in self.rows)

    @property
    def flagged(self) -> int:
        return sum(row.flagged for row in self.rows)


def by_officer(today: date | None = None) -> list[OfficerSummary]:
    """Every active officer with their open caseload (for the manager), in two queries."""
    officers = db.session.scalars(select(User).where(User.role == "link_officer", User.active.is_(True))
                                  .options(joinedload(User.locality)).order_by(User.name)).all()
    rows = caseload(None, today)
    return [OfficerSummary(officer, [row for row in rows if row.episode.officer_id == officer.id])
            for officer in officers]
