"""The person's risk record (PRSB: risks are the one mandatory clinical section, coded, dated and
with an explicit "no known risks") and their safeguarding concerns.

The record belongs to the person, not to an episode: a dog in the home is still there when the
person comes back for more support. A risk is never deleted; it is ended, with who, when and why,
so the record shows what was known at any time. "No known risks" is a dated statement; any risk
recorded after it supersedes it (see `app/services/risk_summary.py`).
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, and_
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.org import User
from app.models.person import Person
from app.models.referral import Referral
from app.models.vocab import HomeVisitRisk

OTHER_RISK = "other"


def risk_label(risk: str, other_text: str | None) -> str:
    """How a risk reads: an "other" risk in the words given for it, the rest by their label."""
    if risk == OTHER_RISK:
        return other_text or "Other risk"
    return HomeVisitRisk(risk).label
RISK_KNOWN = "risk IN (" + ", ".join(f"'{risk.value}'" for risk in HomeVisitRisk) + f", '{OTHER_RISK}')"


class PersonRisk(db.Model):
    """One risk a lone worker must know: a `HomeVisitRisk`, or "other" described in `other_text`.
    Recorded by a member of staff, or carried over from a referral (`from_referral_id`)."""
    __tablename__ = "person_risk"
    __table_args__ = (
        CheckConstraint(RISK_KNOWN, name="risk_known"),
        CheckConstraint(f"(risk = '{OTHER_RISK}') = (other_text IS NOT NULL)", name="other_has_text"),
        CheckConstraint("recorded_by_id IS NOT NULL OR from_referral_id IS NOT NULL", name="has_recorder"),
        CheckConstraint("(reviewed_at IS NULL) = (reviewed_by_id IS NULL)", name="reviewed_has_who"),
        CheckConstraint("(ended_at IS NULL) = (ended_by_id IS NULL) AND (ended_at IS NULL) = (end_reason IS NULL)",
                        name="ended_has_who_and_why"),
        CheckConstraint("ended_at IS NULL OR ended_at >= recorded_at", name="ended_after_recorded"),
        Index("ix_person_risk_person_ended", "person_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    risk: Mapped[str] = mapped_column(String(40))
    other_text: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    from_referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    end_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    person: Mapped[Person] = relationship(
        backref=backref("risks", order_by=lambda: (PersonRisk.recorded_at.desc(), PersonRisk.id.desc())))
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])
    from_referral: Mapped[Referral | None] = relationship()

    @property
    def label(self) -> str:
        return risk_label(self.risk, self.other_text)

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


# The risks in force, for pages that list many people (caseload, visits) in one extra query.
Person.active_risks = relationship(
    PersonRisk, primaryjoin=and_(PersonRisk.person_id == Person.id, PersonRisk.ended_at.is_(None)),
    order_by=(PersonRisk.recorded_at, PersonRisk.id), viewonly=True)


class NoKnownRisks(db.Model):
    """A dated statement that the person has no known risks. Append-only: a later statement, or
    any risk recorded after it, takes its place."""
    __tablename__ = "no_known_risks"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    recorded_by: Mapped[User] = relationship()


class ConcernStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def colour(self) -> str:
        return {"open": "red", "closed": "grey"}[self.value]


class SafeguardingConcern(db.Model):
    """A safeguarding concern as a dated entry with what was done; open until closed with an outcome."""
    __tablename__ = "safeguarding_concern"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        CheckConstraint("(status = 'closed') = (closed_on IS NOT NULL)", name="closed_has_date"),
        CheckConstraint("(closed_on IS NULL) = (closed_by_id IS NULL) AND (closed_on IS NULL) = (outcome IS NULL)",
                        name="closed_has_who_and_outcome"),
        CheckConstraint("closed_on IS NULL OR closed_on >= raised_on", name="closed_after_raised"),
        Index("ix_safeguarding_concern_status_raised_on", "status", "raised_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    raised_on: Mapped[date] = mapped_column(Date)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    concern: Mapped[str] = mapped_column(Text)
    action_taken: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=ConcernStatus.OPEN.value)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    person: Mapped[Person] = relationship(
        backref=backref("safeguarding_concerns",
                        order_by=lambda: (SafeguardingConcern.raised_on.desc(), SafeguardingConcern.id.desc())))
    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def status_enum(self) -> ConcernStatus:
        return ConcernStatus(self.status)

    @property
    def is_open(self) -> bool:
        return self.status == ConcernStatus.OPEN.value
