"""Reading the risk record: what a lone worker must know about one person, and the manager's list
of open safeguarding concerns. Queries only; the changes are in `risks.py`.

The state shown first on the record and at check-in is one of three, never a guess:
- risks in force: listed;
- no risks in force and a "no known risks" statement later than every risk recorded: "No known
  risks (recorded <date>)";
- otherwise: not assessed (nothing recorded yet, or a risk was recorded after the last
  statement and has since ended), so the officer is asked to check and say.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Integer, bindparam, exists, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Person, Practice, Referral
from app.models.risk import ConcernStatus, NoKnownRisks, PersonRisk, SafeguardingConcern
from app.pagination import Page, paginate

CONCERNS_PER_PAGE = 25


@dataclass
class RiskSummary:
    active: list[PersonRisk] = field(default_factory=list)
    ended: list[PersonRisk] = field(default_factory=list)
    statement: NoKnownRisks | None = None        # the latest "no known risks", current or not
    concerns: list[SafeguardingConcern] = field(default_factory=list)

    @property
    def no_known_risks(self) -> NoKnownRisks | None:
        """The statement in force: none while a risk is active or one was recorded after it."""
        if self.statement is None or self.active:
            return None
        if any(risk.recorded_at > self.statement.recorded_at for risk in self.ended):
            return None
        return self.statement

    @property
    def state(self) -> str:
        if self.active:
            return "risks"
        return "none_known" if self.no_known_risks else "not_assessed"

    @property
    def labels(self) -> list[str]:
        return [risk.label for risk in self.active]

    @property
    def open_concerns(self) -> list[SafeguardingConcern]:
        return [concern for concern in self.concerns if concern.is_open]


def held_columns(person_id) -> list:
    """Which of the three a person (`person_id`: a bound parameter or a column to correlate to)
    has any of, as columns `risks`, `statement` and `concerns`: most people have no safeguarding
    concern, and many no risk or no statement yet, and each ORM query with its joined loads costs
    about 0.9 ms of Python even when it finds nothing (a person record is opened many times a
    day). The support record asks with its own first query (app/people/record.py)."""
    return [exists().where(PersonRisk.person_id == person_id).label("risks"),
            exists().where(NoKnownRisks.person_id == person_id).label("statement"),
            exists().where(SafeguardingConcern.person_id == person_id).label("concerns")]


_HELD = select(*held_columns(bindparam("person_id", type_=Integer)))


def for_person(person_id: int, held=None) -> RiskSummary:
    """The person's risks, latest statement and concerns: one query for which of them the person
    has (unless `held`, a row of `held_columns`, says already), then one for each kind they have,
    whatever their number."""
    if held is None:
        held = db.session.execute(_HELD, {"person_id": person_id}).one()
    summary = RiskSummary()
    if held.risks:
        risks = _risks(person_id)
        summary.active = [r for r in risks if r.is_active]
        summary.ended = [r for r in risks if not r.is_active]
    if held.statement:
        summary.statement = db.session.scalar(
            select(NoKnownRisks).where(NoKnownRisks.person_id == person_id)
            .options(joinedload(NoKnownRisks.recorded_by))
            .order_by(NoKnownRisks.recorded_at.desc(), NoKnownRisks.id.desc()).limit(1))
    if held.concerns:
        summary.concerns = list(db.session.scalars(
            select(SafeguardingConcern).where(SafeguardingConcern.person_id == person_id)
            .options(joinedload(SafeguardingConcern.raised_by), joinedload(SafeguardingConcern.closed_by))
            .order_by(SafeguardingConcern.raised_on.desc(), SafeguardingConcern.id.desc())))
    return summary


def _risks(person_id: int) -> list[PersonRisk]:
    return db.session.scalars(
        select(PersonRisk).where(PersonRisk.person_id == person_id)
        .options(joinedload(PersonRisk.recorded_by), joinedload(PersonRisk.reviewed_by),
                 joinedload(PersonRisk.ended_by), joinedload(PersonRisk.from_referral).joinedload(Referral.practice))
        .order_by(PersonRisk.recorded_at.desc(), PersonRisk.id.desc())).all()


def open_concerns(page: int) -> Page[SafeguardingConcern]:
    """Open safeguarding concerns for the manager, the longest open first (two queries)."""
    statement = (select(SafeguardingConcern).where(SafeguardingConcern.status == ConcernStatus.OPEN.value)
                 .options(joinedload(SafeguardingConcern.person).joinedload(Person.practice)
                          .joinedload(Practice.locality),
                          joinedload(SafeguardingConcern.raised_by))
                 .order_by(SafeguardingConcern.raised_on, SafeguardingConcern.id))
    return paginate(statement, page=page, per_page=CONCERNS_PER_PAGE)
