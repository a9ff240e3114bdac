"""The caseload: open support episodes with their last and next contacts and open needs, costing
what the page shows, not what the service has recorded.

Each episode's next planned contact and open needs are correlated subqueries, answered from the
(episode_id, status, ...) indexes — an index probe or two per episode of the caseload, never an
aggregate over every contact the service holds. The last held contact is kept on the episode
(`Episode.last_contact_on`, services/casework.py), so the counts at the top of the page and the
manager's per-officer summary (one query: on PostgreSQL each officer's open episodes read from an
index, see `_summary`) read no contacts at all.
The rows come a page at a time, each with the whole caseload's counts (window sums, see `_paged`);
on PostgreSQL each person's risks in force too (on SQLite one more query). The flags' rules are
in app/caseload/flags.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import BigInteger, Date, DateTime, Integer, and_, bindparam, case, exists, func, or_, select, true
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import joinedload

from app.analytics.dates_sql import is_postgres
from app.caseload.flags import FlagRules, bank_holidays, working_days_between  # noqa: F401 (re-exported)
from app.extensions import db
from app.models import Contact, Episode, HomeVisit, Locality, Need, Person, Practice, User
from app.models.base import uk_local, utc_of_uk
from app.models.risk import ConcernStatus, PersonRisk, SafeguardingConcern, risk_label
from app.models.contact import ContactStatus
from app.models.support import OPEN_NEED_STATUSES
from app.pagination import Page

#: Rows a caseload page shows: a usual caseload (40-80 people) is one page; a large one is paged.
PER_PAGE = 100


def next_planned_on():
    """The episode's next planned contact: the (episode_id, status, contact_on) index."""
    return (select(func.min(Contact.contact_on))
            .where(Contact.episode_id == Episode.id, Contact.status == ContactStatus.PLANNED.value)
            .correlate(Episode).scalar_subquery())


def open_need_count(episode_id=Episode.id):
    """Open needs of the episode (`episode_id`: the column it correlates to): the (episode_id,
    status) index."""
    return (select(func.count(Need.id))
            .where(Need.episode_id == episode_id, Need.status.in_([s.value for s in OPEN_NEED_STATUSES]))
            .scalar_subquery())


def concern_open(person_id=Episode.person_id):
    """Whether the person (`person_id`: the column it correlates to) has a safeguarding concern still
    open: an index probe (safeguarding_concern.person_id)."""
    return exists().where(SafeguardingConcern.person_id == person_id,
                          SafeguardingConcern.status == ConcernStatus.OPEN.value)


def _officer_id():
    """The officer, `:officer_id`, written into the statement's text as a number rather than
    sent as a parameter. Officers' caseloads differ in size by a hundred times, so PostgreSQL
    judged one plan for every officer too costly and planned the caseload's two statements
    again on every request (about half a millisecond of its time a page). With the number in
    the text, each officer's statement is prepared once per connection and keeps its plan."""
    return bindparam("officer_id", type_=Integer, literal_execute=True)


def _open(one_officer: bool):
    """Open, allocated episodes (of the officer `:officer_id` if `one_officer`): the
    (officer_id, discharged_on) index."""
    conditions = [Episode.discharged_on.is_(None), Episode.officer_id.is_not(None)]
    if one_officer:
        conditions.append(Episode.officer_id == _officer_id())
    return and_(*conditions)


@dataclass(frozen=True)
class Counts:
    total: int = 0
    new: int = 0
    flagged: int = 0
    open_visit_id: int | None = None  # the officer's home visit in progress (the longest overdue)


def _tallies():
    """Open episodes, newly allocated, flagged (the rules of flags.py, in SQL, with the cut-offs
    of `_flag_params`), as columns to sum over episodes."""
    allocated = func.coalesce(Episode.allocated_at, Episode.opened_at)
    flagged = or_(
        and_(Episode.first_contact_on.is_(None), allocated < bindparam("allocated_before", type_=DateTime)),
        func.coalesce(Episode.last_contact_on, Episode.first_contact_on) < bindparam("contact_before", type_=Date))
    return (func.count().label("total"), func.sum(case((Episode.officer_seen_at.is_(None), 1), else_=0)).label("new"),
            func.sum(case((flagged, 1), else_=0)).label("flagged"))


@cache
def _counted():
    """Per officer: the tallies of their open episodes (the manager's summary). Built once per
    process: the statements are the same on every request, only their parameters change."""
    return select(Episode.officer_id, *_tallies()).where(_open(False)).group_by(Episode.officer_id)


def _flag_params(rules: FlagRules) -> dict:
    return {"allocated_before": utc_of_uk(rules.first_contact_by + timedelta(days=1)),
            "contact_before": rules.last_contact_before}


def _open_visit():
    """The officer's home visit in progress, if any (the longest overdue): an index probe. The
    caseload loads it with its person only when there is one, which is seldom."""
    return (select(HomeVisit.id)
            .where(HomeVisit.officer_id == _officer_id(), HomeVisit.checked_out_at.is_(None))
            .order_by(HomeVisit.expected_end_at, HomeVisit.id).limit(1).scalar_subquery())


@cache
def _counted_with_visit():
    """One officer's tallies, and their home visit in progress if any, in one row (no GROUP BY:
    a row even when the officer has no one open)."""
    return select(*_tallies(), _open_visit().label("open_visit_id")).where(_open(True))


def counts(officer_id: int, rules: FlagRules) -> Counts:
    row = db.session.execute(_counted_with_visit(), {"officer_id": officer_id, **_flag_params(rules)}).one()
    return Counts(row.total, row.new or 0, row.flagged or 0, row.open_visit_id)


@dataclass(slots=True)
class CaseloadRow:
    """One card, with every fact it shows worked out once (the template only prints them).
    Not frozen: a frozen dataclass sets each of its 14 fields through object.__setattr__, and a
    page makes up to a hundred."""
    episode_id: int
    person_id: int
    full_name: str
    place: str  # "Locality · Practice"
    is_new: bool
    allocated_on: date
    first_contact_on: date | None
    last_contact_on: date | None
    next_contact_on: date | None
    open_needs: int
    concern_open: bool  # a safeguarding concern not yet closed (shown among the flags, not counted)
    risks: tuple[str, ...]
    today: date
    no_contact_flag: bool
    first_contact_flag: bool

    @property
    def days_waiting(self) -> int | None:
        """Days since allocation while first contact is still to be made."""
        return None if self.first_contact_on else (self.today - self.allocated_on).days

    @property
    def days_to_first_contact(self) -> int | None:
        first = self.first_contact_on
        return max(0, (first - self.allocated_on).days) if first else None

    @property
    def last_contact(self) -> date | None:
        return self.last_contact_on or self.first_contact_on

    @property
    def days_since_contact(self) -> int | None:
        last = self.last_contact
        return (self.today - last).days if last else None

    @property
    def next_contact_overdue(self) -> bool:
        return self.next_contact_on is not None and self.next_contact_on < self.today

    @property
    def next_contact_when(self) -> str:
        """When the next planned contact is, as an officer plans a week: "today", "tomorrow", the
        day of the week within the next six days, then "in N days" ("" when none, or overdue)."""
        ahead = (self.next_contact_on - self.today).days if self.next_contact_on else -1
        if ahead < 0:
            return ""
        if ahead < 2:
            return ("today", "tomorrow")[ahead]
        return f"{self.next_contact_on:%A}" if ahead < 7 else f"in {ahead} days"

    @property
    def flagged(self) -> bool:
        return self.no_contact_flag or self.first_contact_flag


@cache
def caseload_query(one_officer: bool, postgresql: bool):
    """The rows' columns (no ORM objects: a card needs a dozen values, not five whole records),
    on PostgreSQL with each person's risks in force, in the caseload's order: newly allocated
    first, then by next planned contact (none planned last), then by allocation."""
    next_on = next_planned_on().label("next_on")
    risks = [_risk_pairs(Episode.person_id).label("risks")] if postgresql else []
    return (select(Episode.id, Episode.person_id, Episode.referral_id, Episode.officer_seen_at,
                   func.coalesce(Episode.allocated_at, Episode.opened_at).label("allocated_at"),
                   Episode.first_contact_on, Episode.last_contact_on, Person.given_name, Person.family_name,
                   Practice.name.label("practice"), Locality.name.label("locality"),
                   next_on, open_need_count().label("open_needs"), concern_open().label("concern_open"), *risks)
            .join(Person, Person.id == Episode.person_id).join(Practice, Practice.id == Person.practice_id)
            .join(Locality, Locality.id == Practice.locality_id)
            .where(_open(one_officer))
            .order_by(case((Episode.officer_seen_at.is_(None), 0), else_=1), next_on.nulls_last(),
                      Episode.allocated_at, Episode.id))


def _rows(found, rules: FlagRules, risks_in_rows: bool) -> list[CaseloadRow]:
    """Cards for the rows found, with each person's risks in force (app/models/risk.py): the rows'
    last column when `risks_in_rows` (on PostgreSQL: [risk, other text] pairs), else one query
    for them all."""
    risks: dict[int, list[tuple[str, str | None]]] = {}
    if found and not risks_in_rows:
        for person_id, risk, other_text in db.session.execute(_risks_in_force(),
                                                               {"people": [row.person_id for row in found]}):
            risks.setdefault(person_id, []).append((risk, other_text))
    cards = []
    today, no_contact, first_contact = rules.today, rules.no_contact, rules.first_contact
    # The columns of caseload_query() and _paged(), which select them in this order (_paged() adds
    # the whole caseload's counts after the open concern); on PostgreSQL the risks come last.
    for (episode_id, person_id, _referral_id, seen_at, allocated_at, first_on, last_on, given_name, family_name,
         practice, locality, next_on, open_needs, concern, *rest) in found:
        pairs = (rest[-1] if risks_in_rows else risks.get(person_id)) or ()
        shown = tuple(risk_label(risk, other_text) for risk, other_text in pairs)
        allocated_on = uk_local(allocated_at).date()
        cards.append(CaseloadRow(
            episode_id, person_id, f"{given_name} {family_name}", f"{locality} · {practice}", seen_at is None,
            allocated_on, first_on, last_on, next_on, open_needs or 0, bool(concern), shown, today,
            no_contact(last_on or first_on), first_contact(first_on, allocated_on)))
    return cards


@cache
def _risks_in_force():
    """SQLite: the risks in force of the people `:people`, in the order they were recorded. (On
    PostgreSQL they come with each row: `_risk_pairs`.)"""
    return (select(PersonRisk.person_id, PersonRisk.risk, PersonRisk.other_text)
            .where(PersonRisk.person_id.in_(bindparam("people", expanding=True)), PersonRisk.ended_at.is_(None))
            .order_by(PersonRisk.person_id, PersonRisk.recorded_at, PersonRisk.id))


def _risk_pairs(person_id):
    """PostgreSQL: the person's risks in force as one JSON array of [risk, other text] pairs, in
    the order they were recorded (NULL when there are none), from the (person_id, ended_at)
    index. Read with the row, this saves the page a statement of its own."""
    pair = func.json_build_array(PersonRisk.risk, PersonRisk.other_text)
    return (select(func.json_agg(aggregate_order_by(pair, PersonRisk.recorded_at, PersonRisk.id)))
            .where(PersonRisk.person_id == person_id, PersonRisk.ended_at.is_(None)).scalar_subquery())


def caseload_page(officer_id: int, rules: FlagRules, page: int = 1,
                  per_page: int | None = None) -> tuple[Page[CaseloadRow], Counts]:
    """One page of an officer's caseload and the whole caseload's counts (with the officer's visit
    in progress), in one query (on SQLite, two: the shown people's risks in force). A page beyond
    the end, or an empty caseload, finds no rows: then the counts are read alone, and the last page
    read again when there is one."""
    per_page = per_page or PER_PAGE
    asked_for = max(1, page)
    params = {"officer_id": officer_id, "limit": per_page, **_flag_params(rules)}
    postgresql = is_postgres(db.session)
    statement = _paged(postgresql)
    found = db.session.execute(statement, {**params, "offset": (asked_for - 1) * per_page}).all()
    if found:
        first = found[0]
        totals, page = Counts(first.total, first.new or 0, first.flagged or 0, first.open_visit_id), asked_for
    else:
        totals = counts(officer_id, rules)
        page = min(asked_for, max(1, -(-totals.total // per_page)))  # beyond the end: the last page
        if page != asked_for:
            found = db.session.execute(statement, {**params, "offset": (page - 1) * per_page}).all()
    return Page(items=_rows(found, rules, risks_in_rows=postgresql), total=totals.total, page=page,
                per_page=per_page, asked_for=asked_for), totals


@cache
def _paged(postgresql: bool):
    """One page of one officer's caseload, each row with the whole caseload's counts (the tallies
    as window sums over every open episode, taken before the LIMIT) and the officer's visit in
    progress: the page and the counts above it in one statement. Sorting needs every episode's
    next planned contact (an index probe each); the rest — open needs, the person, practice and
    locality, and on PostgreSQL the person's risks in force — is fetched for the page's rows
    only, outside the LIMIT."""
    next_on = next_planned_on().label("next_on")
    new_first = case((Episode.officer_seen_at.is_(None), 0), else_=1).label("new_first")
    over_all = [tally.element.over().label(tally.name) for tally in _tallies()]
    shown = (select(Episode.id, Episode.person_id, Episode.referral_id, Episode.officer_seen_at,
                    Episode.allocated_at.label("allocated_sort"),
                    func.coalesce(Episode.allocated_at, Episode.opened_at).label("allocated_at"),
                    Episode.first_contact_on, Episode.last_contact_on, new_first, next_on, *over_all)
             .where(_open(True))
             .order_by(new_first, next_on.nulls_last(), Episode.allocated_at, Episode.id)
             # The offset is asked for before the caseload's size is known (a page beyond the end finds
             # no rows): the largest page number times a page is past PostgreSQL's integer.
             .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=BigInteger)).subquery())
    risks = [_risk_pairs(shown.c.person_id).label("risks")] if postgresql else []
    return (select(shown.c.id, shown.c.person_id, shown.c.referral_id, shown.c.officer_seen_at, shown.c.allocated_at,
                   shown.c.first_contact_on, shown.c.last_contact_on, Person.given_name, Person.family_name,
                   Practice.name.label("practice"), Locality.name.label("locality"), shown.c.next_on,
                   open_need_count(shown.c.id).label("open_needs"),
                   concern_open(shown.c.person_id).label("concern_open"),
                   shown.c.total, shown.c.new, shown.c.flagged, _open_visit().label("open_visit_id"), *risks)
            .join_from(shown, Person, Person.id == shown.c.person_id)
            .join(Practice, Practice.id == Person.practice_id).join(Locality, Locality.id == Practice.locality_id)
            .order_by(shown.c.new_first, shown.c.next_on.nulls_last(), shown.c.allocated_sort, shown.c.id))


def caseload(officer_id: int | None, today: date | None = None) -> list[CaseloadRow]:
    """Every row of a caseload (None: every officer's), unpaged; for exports and tests."""
    from flask import current_app

    rules = FlagRules.from_config(current_app.config, today)
    one, postgresql = officer_id is not None, is_postgres(db.session)
    found = db.session.execute(caseload_query(one, postgresql), {"officer_id": officer_id} if one else {}).all()
    return _rows(found, rules, risks_in_rows=postgresql)


@dataclass(frozen=True)
class OfficerSummary:
    officer: User
    total: int
    new: int
    flagged: int
    concerns: int = 0  # people in the open caseload with a safeguarding concern not yet closed


def by_officer(rules: FlagRules) -> list[OfficerSummary]:
    """Every active officer with their open caseload's counts (for the manager), in one query."""
    return [OfficerSummary(officer, total or 0, new or 0, flagged or 0, concerns or 0)
            for officer, total, new, flagged, concerns in db.session.execute(_summary(is_postgres(db.session)),
                                                                             _flag_params(rules))]


def _open_concerns():
    """People of the officer's (`User.id`) open caseload with a safeguarding concern still open:
    read from the few open concerns (the (status, raised_on) index), each joined to its person's
    open episodes (episode.person_id), never from the officer's whole caseload."""
    return (select(func.count(func.distinct(SafeguardingConcern.person_id)))
            .join(Episode, Episode.person_id == SafeguardingConcern.person_id)
            .where(SafeguardingConcern.status == ConcernStatus.OPEN.value, Episode.officer_id == User.id,
                   Episode.discharged_on.is_(None))
            .correlate(User).scalar_subquery())


@cache
def _summary(postgresql: bool):
    """On PostgreSQL each officer's tallies are a LATERAL subquery, which reads that officer's
    open episodes from an open-episodes index (index-only from ix_episode_open_counts once the
    table is vacuumed: 4.1 ms for 25,766 open episodes, where grouping them all read the whole
    table, 7.4 ms). SQLite has no LATERAL: there the open episodes are grouped by officer and
    joined."""
    if postgresql:
        counted = select(*_tallies()).where(_open(False), Episode.officer_id == User.id).lateral()
        joined = (select(User, counted.c.total, counted.c.new, counted.c.flagged, _open_concerns())
                  .outerjoin(counted, true()))
    else:
        grouped = _counted().subquery()
        joined = (select(User, grouped.c.total, grouped.c.new, grouped.c.flagged, _open_concerns())
                  .outerjoin(grouped, grouped.c.officer_id == User.id))
    return (joined.where(User.role == "link_officer", User.active.is_(True))
            .options(joinedload(User.locality)).order_by(User.name, User.id))
