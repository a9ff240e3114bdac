"""Onward support: a linkage or a formal referral to a community organisation's service."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.org import User


class OnwardKind(StrEnum):
    LINKAGE = "linkage"
    FORMAL_REFERRAL = "formal_referral"

    @property
    def label(self) -> str:
        return {"linkage": "Linkage (information, possibly accompanied)",
                "formal_referral": "Formal referral (needs written consent to share)"}[self.value]


class OnwardStatus(StrEnum):
    SUGGESTED = "suggested"
    MADE = "made"
    ACCEPTED = "accepted"
    ATTENDING = "attending"
    COMPLETED = "completed"
    DECLINED = "declined"
    DID_NOT_ATTEND = "did_not_attend"

    @property
    def label(self) -> str:
        return {"suggested": "Suggested", "made": "Made", "accepted": "Accepted", "attending": "Attending",
                "completed": "Completed", "declined": "Declined", "did_not_attend": "Did not attend"}[self.value]

    def can_move_to(self, target: OnwardStatus) -> bool:
        return target in ONWARD_MOVES[self]


O = OnwardStatus
ONWARD_MOVES: dict[OnwardStatus, frozenset[OnwardStatus]] = {
    O.SUGGESTED: frozenset({O.MADE, O.DECLINED}),
    O.MADE: frozenset({O.ACCEPTED, O.ATTENDING, O.DECLINED, O.DID_NOT_ATTEND}),
    O.ACCEPTED: frozenset({O.ATTENDING, O.DECLINED, O.DID_NOT_ATTEND}),
    O.ATTENDING: frozenset({O.COMPLETED, O.DID_NOT_ATTEND}),
    O.COMPLETED: frozenset(),
    O.DECLINED: frozenset(),
    O.DID_NOT_ATTEND: frozenset(),
}
ONWARD_TERMINAL = frozenset(s for s, moves in ONWARD_MOVES.items() if not moves)
ONWARD_SUCCESS = frozenset({O.ATTENDING, O.COMPLETED})
# The column that records the date each status was reached.
STATUS_DATE_COLUMN = {O.SUGGESTED: "suggested_on", O.MADE: "made_on", O.ACCEPTED: "accepted_on",
                      O.ATTENDING: "attending_on", O.COMPLETED: "completed_on", O.DECLINED: "declined_on",
                      O.DID_NOT_ATTEND: "did_not_attend_on"}


class OnwardReferral(db.Model):
    __tablename__ = "onward_referral"
    __table_args__ = (
        # A formal referral needs the person's written consent to share, with its date.
        CheckConstraint("kind <> 'formal_referral' OR (consent_to_share AND consent_recorded_on IS NOT NULL)",
                        name="formal_needs_consent"),
        CheckConstraint("kind IN ('linkage', 'formal_referral')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    # The directory service's ORUK id. No foreign key: the directory is re-imported and edited,
    # and the onward referral keeps its own copy of the names and sector for the record.
    service_id: Mapped[str | None] = mapped_column(String(36), index=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    service_name: Mapped[str] = mapped_column(String(200), default="")
    sector: Mapped[str] = mapped_column(String(24), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=OnwardStatus.SUGGESTED.value, index=True)
    consent_to_share: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_recorded_on: Mapped[date | None] = mapped_column(Date)
    accompanied: Mapped[bool] = mapped_column(Boolean, default=False)
    suggested_on: Mapped[date | None] = mapped_column(Date)
    made_on: Mapped[date | None] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    attending_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    declined_on: Mapped[date | None] = mapped_column(Date)
    did_not_attend_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    episode: Mapped["Episode"] = relationship()  # noqa: F821
    created_by: Mapped[User | None] = relationship()
    needs: Mapped[list[OnwardReferralNeed]] = relationship(cascade="all, delete-orphan")

    @property
    def status_enum(self) -> OnwardStatus:
        return OnwardStatus(self.status)


class OnwardReferralNeed(db.Model):
    """Which of the person's needs an onward referral addresses (by need area)."""
    __tablename__ = "onward_referral_need"
    __table_args__ = (UniqueConstraint("onward_referral_id", "area", name="uq_onward_referral_need_area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    onward_referral_id: Mapped[int] = mapped_column(ForeignKey("onward_referral.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(40), index=True)
