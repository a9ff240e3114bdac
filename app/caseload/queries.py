"""The caseload: open support episodes with their last and next contacts and open needs, costing
what the page shows, not what the service has recorded.

Each episode's next planned contact and open needs are correlated subqueries, answered from the
(episode_id, status, ...) indexes — an index probe or two per episode of the caseload, never an
aggregate over every contact the service holds. The last held contact is kept on the episode
(`Episode.last_contact_on`, services/casework.py), so the counts at the top of the page and the
manager's per-officer summary (one grouped query over open episodes) read no contacts at all.
The rows come a page at a time; the referrals' risk flags in one more query. The flags' rules are
in app/caseload/flags.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.caseload.flags import FlagRules, bank_holidays, working_days_between  # noqa: F401 (re-exported)
from app.extensions import db
from app.models import Contact, Episode, Need, Person, Practice, Referral, User
from app.models.contact import ContactStatus
from app.models.support import OPEN_NEED_STATUSES
from app.models.vocab import HomeVisitRisk
from app.pagination import Page, paginate

#: Rows a caseload page shows: a usual caseload (40-80 people) is one page; a large one is paged.
PER_PAGE = 100


def next_planned_on():
    """The episode's next planned contact: the (episode_id, status, contact_on) index."""
    return (select(func.min(Contact.contact_on))
            .where(Contact.episode_id == Episode.id, Contact.status == ContactStatus.PLANNED.value)
            .correlate(Episode).scalar_subquery())


def open_need_count():
    """Open needs of the episode: the (episode_id, status) index."""
    return (select(func.count(Need.id))
            .where(Need.episode_id == Episode.id, Need.status.in_([s.value for s in OPEN_NEED_STATUSES]))
            .correlate(Episode).scalar_subquery())


def _open(officer_id: int | None):
    """Open, allocated episodes (of one officer when given): the (officer_id, discharged_on) index."""
    conditions = [Episode.discharged_on.is_(None), Episode.officer_id.is_not(None)]
    if officer_id is not None:
        conditions.append(Episode.officer_id == officer_id)
    return and_(*conditions)


@dataclass(frozen=True)
class Counts:
    total: int = 0
    new: int = 0
    flagged: int = 0


def _counted(officer_id: int | None, rules: FlagRules):
    """Per officer: open episodes, newly allocated, flagged (the rules of flags.py, in SQL)."""
    facts = select(Episode.officer_id, Episode.officer_seen_at, Episode.first_contact_on,
                   func.coalesce(Episode.allocated_at, Episode.opened_at).label("allocated"),
                   Episode.last_contact_on.label("last_on")).where(_open(officer_id)).subquery()
    flagged = or_(
        and_(facts.c.first_contact_on.is_(None),
             facts.c.allocated < datetime.combine(rules.first_contact_by + timedelta(days=1), time())),
        func.coalesce(facts.c.last_on, facts.c.first_contact_on) < rules.last_contact_before)
    return (select(facts.c.officer_id, func.count().label("total"),
                   func.sum(case((facts.c.officer_seen_at.is_(None), 1), else_=0)).label("new"),
                   func.sum(case((flagged, 1), else_=0)).label("flagged"))
            .group_by(facts.c.officer_id))


def counts(officer_id: int, rules: FlagRules) -> Counts:
    row = db.session.execute(_counted(officer_id, rules)).first()
    return Counts(row.total, row.new, row.flagged) if row else Counts()


@dataclass
class CaseloadRow:
    episode: Episode
    last_contact_on: date | None
    next_contact_on: date | None
    open_needs: int
    rules: FlagRules

    @property
    def today(self) -> date:
        return self.rules.today

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
        return self.rules.no_contact(self.last_contact)

    @property
    def first_contact_flag(self) -> bool:
        return self.rules.first_contact(self.episode.first_contact_on, self.allocated_on)

    @property
    def risks(self) -> list[str]:
        return [HomeVisitRisk(risk).label for risk in self.episode.referral.risk_flags]

    @property
    def flagged(self) -> bool:
        return self.no_contact_flag or self.first_contact_flag


def caseload_query(officer_id: int | None):
    """The rows, in the caseload's order: newly allocated first, then by next planned contact
    (none planned last), then by allocation."""
    next_on = next_planned_on().label("next_on")
    return (select(Episode, next_on, open_need_count().label("open_needs"))
            .where(_open(officer_id))
            .options(joinedload(Episode.person).joinedload(Person.practice).joinedload(Practice.locality),
                     joinedload(Episode.referral).selectinload(Referral.risks))
            .order_by(case((Episode.officer_seen_at.is_(None), 0), else_=1), next_on.nulls_last(),
                      Episode.allocated_at, Episode.id))


def caseload_page(officer_id: int, rules: FlagRules, page: int = 1,
                  per_page: int | None = None) -> tuple[Page[CaseloadRow], Counts]:
    """One page of an officer's caseload and the whole caseload's counts, in two queries (three
    with the shown referrals' risk flags)."""
    per_page = per_page or PER_PAGE
    totals = counts(officer_id, rules)
    shown = paginate(caseload_query(officer_id), page=page, per_page=per_page, scalars=False, total=totals.total)
    rows = [CaseloadRow(episode, episode.last_contact_on, next_on, open_count or 0, rules)
            for episode, next_on, open_count in shown.items]
    return Page(items=rows, total=shown.total, page=shown.page, per_page=per_page, asked_for=shown.asked_for), totals


def caseload(officer_id: int | None, today: date | None = None) -> list[CaseloadRow]:
    """Every row of a caseload (None: every officer's), unpaged; for exports and tests."""
    from flask import current_app

    rules = FlagRules.from_config(current_app.config, today)
    return [CaseloadRow(episode, episode.last_contact_on, next_on, open_count or 0, rules)
            for episode, next_on, open_count in db.session.execute(caseload_query(officer_id))]


@dataclass(frozen=True)
class OfficerSummary:
    officer: User
    total: int
    new: int
    flagged: int


def by_officer(rules: FlagRules) -> list[OfficerSummary]:
    """Every active officer with their open caseload's counts (for the manager), in one query."""
    grouped = _counted(None, rules).subquery()
    query = (select(User, grouped.c.total, grouped.c.new, grouped.c.flagged)
             .outerjoin(grouped, grouped.c.officer_id == User.id)
             .where(User.role == "link_officer", User.active.is_(True))
             .options(joinedload(User.locality)).order_by(User.name, User.id))
    return [OfficerSummary(officer, total or 0, new or 0, flagged or 0)
            for officer, total, new, flagged in db.session.execute(query)]
