"""The support plan inside an episode: needs found in the holistic assessment, the person's goals
with their actions, and the peer support or volunteering they took up."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.org import User
from app.models.person import Episode


def _known(column: str, enum_class) -> str:
    return f"{column} IN (" + ", ".join(f"'{member.value}'" for member in enum_class) + ")"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def colour(self) -> str:
        return {"low": "grey", "medium": "yellow", "high": "red"}[self.value]


class NeedStatus(StrEnum):
    IDENTIFIED = "identified"
    BEING_ADDRESSED = "being_addressed"
    MET = "met"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"identified": "Identified", "being_addressed": "Being addressed", "met": "Met",
                "declined": "Person chose not to pursue"}[self.value]

    @property
    def colour(self) -> str:
        return {"identified": "blue", "being_addressed": "yellow", "met": "green", "declined": "grey"}[self.value]

    @property
    def is_open(self) -> bool:
        return self in OPEN_NEED_STATUSES


OPEN_NEED_STATUSES = frozenset({NeedStatus.IDENTIFIED, NeedStatus.BEING_ADDRESSED})
# The column that records when a need reached each status.
NEED_STATUS_DATE = {NeedStatus.IDENTIFIED: "identified_on", NeedStatus.BEING_ADDRESSED: "addressed_on",
                    NeedStatus.MET: "met_on", NeedStatus.DECLINED: "declined_on"}


class Need(db.Model):
    """One need area found in the holistic assessment; at most one per area per episode."""
    __tablename__ = "need"
    __table_args__ = (
        CheckConstraint(_known("severity", Severity), name="severity_known"),
        CheckConstraint(_known("status", NeedStatus), name="status_known"),
        CheckConstraint("status <> 'met' OR met_on IS NOT NULL", name="met_has_date"),
        Index("uq_need_episode_area", "episode_id", "area", unique=True),
        Index("ix_need_episode_status", "episode_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    area: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=NeedStatus.IDENTIFIED.value)
    # True when the practice ticked this area on the referral; False is a need found at home.
    from_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    identified_on: Mapped[date] = mapped_column(Date)
    addressed_on: Mapped[date | None] = mapped_column(Date)
    met_on: Mapped[date | None] = mapped_column(Date)
    declined_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    episode: Mapped[Episode] = relationship(backref=backref("needs", order_by=lambda: (Need.identified_on, Need.id)))

    @property
    def status_enum(self) -> NeedStatus:
        return NeedStatus(self.status)

    @property
    def severity_enum(self) -> Severity:
        return Severity(self.severity)


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        return {"active": "Working on it", "achieved": "Achieved", "stopped": "No longer wanted"}[self.value]

    @property
    def colour(self) -> str:
        return {"active": "blue", "achieved": "green", "stopped": "grey"}[self.value]


class Goal(db.Model):
    """A goal in the person's own words, with a review date and the actions that get there."""
    __tablename__ = "goal"
    __table_args__ = (CheckConstraint(_known("status", GoalStatus), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    need_area: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default=GoalStatus.ACTIVE.value)
    agreed_on: Mapped[date] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date, index=True)
    achieved_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    episode: Mapped[Episode] = relationship(backref=backref("goals", order_by=lambda: (Goal.agreed_on, Goal.id)))
    actions: Mapped[list[GoalAction]] = relationship(back_populates="goal", order_by="GoalAction.id",
                                                     cascade="all, delete-orphan")

    @property
    def status_enum(self) -> GoalStatus:
        return GoalStatus(self.status)


class GoalAction(db.Model):
    """A step towards a goal and who takes it (the person, the officer, a family member...)."""
    __tablename__ = "goal_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)

    goal: Mapped[Goal] = relationship(back_populates="actions")


class PeerKind(StrEnum):
    PEER_ACTIVITY = "peer_activity"
    VOLUNTEERING = "volunteering"

    @property
    def label(self) -> str:
        return {"peer_activity": "Joined a peer-led activity", "volunteering": "Started volunteering"}[self.value]


class PeerSupport(db.Model):
    """The date a person joined a peer-led activity or started volunteering, and where."""
    __tablename__ = "peer_support"
    __table_args__ = (CheckConstraint(_known("kind", PeerKind), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    started_on: Mapped[date] = mapped_column(Date, index=True)
    where: Mapped[str] = mapped_column(String(200))
    service_id: Mapped[str | None] = mapped_column(String(36))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    episode: Mapped[Episode] = relationship(backref=backref("peer_support",
                                                            order_by="PeerSupport.started_on"))
    created_by: Mapped[User | None] = relationship()

    @property
    def kind_enum(self) -> PeerKind:
        return PeerKind(self.kind)
