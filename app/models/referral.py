"""A GP practice's referral and its append-only status history."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.identity import IdentityDetails
from app.models.org import Practice, User
from app.models.vocab import ReferralSource


class ReferralStatus(StrEnum):
    RECEIVED = "received"
    MORE_INFO_REQUESTED = "more_info_requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ALLOCATED = "allocated"
    FIRST_CONTACT = "first_contact"
    IN_SUPPORT = "in_support"
    DISCHARGED = "discharged"
    # The person said no (to the service or the officer), distinct from the service declining.
    DECLINED_BY_PERSON = "declined_by_person"

    @property
    def label(self) -> str:
        return {
            "received": "Received", "more_info_requested": "More information requested",
            "accepted": "Accepted", "declined": "Declined", "allocated": "Allocated to a link officer",
            "first_contact": "First contact made", "in_support": "In support", "discharged": "Discharged",
            "declined_by_person": "Person declined",
        }[self.value]

    @property
    def colour(self) -> str:
        return {"received": "blue", "more_info_requested": "orange", "accepted": "aqua-green",
                "declined": "red", "allocated": "purple", "first_contact": "aqua-green",
                "in_support": "green", "discharged": "grey",
                "declined_by_person": "red"}[self.value]

    @property
    def is_open(self) -> bool:
        return self not in TERMINAL

    def can_move_to(self, target: ReferralStatus) -> bool:
        return target in MOVES[self]


S = ReferralStatus
# The allowed moves. Re-allocation is allocated → allocated; the history row names the new officer.
MOVES: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    S.RECEIVED: frozenset({S.ACCEPTED, S.DECLINED, S.MORE_INFO_REQUESTED, S.DECLINED_BY_PERSON}),
    S.MORE_INFO_REQUESTED: frozenset({S.RECEIVED, S.ACCEPTED, S.DECLINED, S.DECLINED_BY_PERSON}),
    S.ACCEPTED: frozenset({S.ALLOCATED, S.DISCHARGED, S.DECLINED_BY_PERSON}),
    S.ALLOCATED: frozenset({S.ALLOCATED, S.FIRST_CONTACT, S.IN_SUPPORT, S.DISCHARGED, S.DECLINED_BY_PERSON}),
    S.FIRST_CONTACT: frozenset({S.FIRST_CONTACT, S.IN_SUPPORT, S.DISCHARGED}),
    S.IN_SUPPORT: frozenset({S.IN_SUPPORT, S.DISCHARGED}),
    S.DECLINED: frozenset(),
    S.DISCHARGED: frozenset(),
    # Before first contact only: once support has begun, the person ending it is a discharge.
    S.DECLINED_BY_PERSON: frozenset(),
}
TERMINAL = frozenset(status for status, moves in MOVES.items() if not moves)
WAITING_FOR_DECISION = (S.RECEIVED, S.MORE_INFO_REQUESTED)
# Waiting for the service: the triage page's two queues (a decision, then a link officer).
IN_TRIAGE = (*WAITING_FOR_DECISION, S.ACCEPTED)
STATUS_CHECK = "status IN (" + ", ".join(f"'{s.value}'" for s in ReferralStatus) + ")"


class Referral(IdentityDetails, db.Model):
    __tablename__ = "referral"
    __table_args__ = (
        # A referral without both consents cannot exist, whatever route it came by.
        CheckConstraint("consent_to_referral AND consent_to_share", name="has_both_consents"),
        CheckConstraint(STATUS_CHECK, name="status_known"),
        CheckConstraint("status <> 'declined' OR decline_reason IS NOT NULL", name="declined_has_reason"),
        CheckConstraint("status <> 'declined_by_person' OR (decline_reason IS NOT NULL AND person_declined_on IS NOT NULL)",
                        name="person_declined_has_reason_and_date"),
        Index("ix_referral_practice_status", "practice_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(24), default=ReferralStatus.RECEIVED.value, index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    # Who the person is, as the practice gave it.
    nhs_number: Mapped[str] = mapped_column(String(10), index=True)

    # Why, and what a lone worker must know.
    concerns: Mapped[str] = mapped_column(Text, default="")
    risk_notes: Mapped[str] = mapped_column(Text, default="")

    # Where it came from.
    referrer_name: Mapped[str] = mapped_column(String(120))
    referrer_role: Mapped[str] = mapped_column(String(80))
    mdt_meeting_date: Mapped[date] = mapped_column(Date, index=True)
    # Who sent it (vocab.ReferralSource); the practice above is always the person's registered
    # GP practice, which sees the referral and gets the summary back whoever sent it.
    source: Mapped[str] = mapped_column(String(30), default=ReferralSource.GP_PRACTICE.value,
                                        server_default=ReferralSource.GP_PRACTICE.value)
    source_organisation: Mapped[str] = mapped_column(String(120), default="", server_default="")

    consent_to_referral: Mapped[bool] = mapped_column(Boolean)
    consent_to_share: Mapped[bool] = mapped_column(Boolean)

    decline_reason: Mapped[str | None] = mapped_column(Text)
    # The day the person said they did not want social prescribing (status declined_by_person).
    person_declined_on: Mapped[date | None] = mapped_column(Date)
    info_question: Mapped[str | None] = mapped_column(Text)
    info_answer: Mapped[str | None] = mapped_column(Text)

    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    practice: Mapped[Practice] = relationship()
    submitted_by: Mapped[User | None] = relationship()
    person: Mapped["Person | None"] = relationship(back_populates="referrals")  # noqa: F821
    needs: Mapped[list[ReferralNeed]] = relationship(cascade="all, delete-orphan", order_by="ReferralNeed.area")
    risks: Mapped[list[ReferralRisk]] = relationship(cascade="all, delete-orphan", order_by="ReferralRisk.risk")
    events: Mapped[list[ReferralEvent]] = relationship(back_populates="referral", order_by="ReferralEvent.id",
                                                       cascade="all, delete-orphan")
    episode: Mapped["Episode | None"] = relationship(back_populates="referral", uselist=False)  # noqa: F821

    @property
    def status_enum(self) -> ReferralStatus:
        return ReferralStatus(self.status)

    @property
    def source_enum(self) -> ReferralSource:
        return ReferralSource(self.source)

    @property
    def source_description(self) -> str:
        """"Hospital: Russells Hall, discharge team", or just the source's label."""
        label = self.source_enum.label
        return f"{label}: {self.source_organisation}" if self.source_organisation else label

    # Sorted, as the relationships load them: the same list whether the referral was read from
    # the database or has just been made (a new collection is in the order items were added).
    @property
    def need_areas(self) -> list[str]:
        return sorted(need.area for need in self.needs)

    @property
    def risk_flags(self) -> list[str]:
        return sorted(risk.risk for risk in self.risks)


class ReferralNeed(db.Model):
    """A need area the practice ticked (vocab.NeedArea)."""
    __tablename__ = "referral_need"
    __table_args__ = (UniqueConstraint("referral_id", "area", name="uq_referral_need_area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(40), index=True)


class ReferralRisk(db.Model):
    """A home-visit risk the practice ticked (vocab.HomeVisitRisk)."""
    __tablename__ = "referral_risk"
    __table_args__ = (UniqueConstraint("referral_id", "risk", name="uq_referral_risk_risk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    risk: Mapped[str] = mapped_column(String(40))


class ReferralEvent(db.Model):
    """Append-only history: who moved the referral, when, from what, to what."""
    __tablename__ = "referral_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    # Shown to the practice: the decline reason, the question asked, the officer allocated,
    # the discharge summary. Never case notes.
    note: Mapped[str] = mapped_column(Text, default="")

    referral: Mapped[Referral] = relationship(back_populates="events")
    by: Mapped[User | None] = relationship()

    @property
    def to_status_enum(self) -> ReferralStatus:
        return ReferralStatus(self.to_status)

    @property
    def from_status_label(self) -> str:
        return ReferralStatus(self.from_status).label if self.from_status else ""
