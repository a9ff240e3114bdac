"""Contacts with the person (held or planned) and the lone-working record of home visits."""
from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.org import User
from app.models.person import Episode
from app.models.support import _known


class ContactKind(StrEnum):
    HOME_VISIT = "home_visit"
    PHONE = "phone"
    VIDEO = "video"
    COMMUNITY_VENUE = "community_venue"
    ACCOMPANIED_VISIT = "accompanied_visit"
    GROUP_SESSION = "group_session"

    @property
    def label(self) -> str:
        return {"home_visit": "Home visit", "phone": "Phone call", "video": "Video call",
                "community_venue": "Meeting at a community venue", "accompanied_visit": "Accompanied visit",
                "group_session": "Group session"}[self.value]


class ContactStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def colour(self) -> str:
        return {"planned": "blue", "held": "green", "cancelled": "grey"}[self.value]


class Contact(db.Model):
    """A contact that happened (held, with its duration) or is planned for a date."""
    __tablename__ = "contact"
    __table_args__ = (
        CheckConstraint(_known("kind", ContactKind), name="kind_known"),
        CheckConstraint(_known("status", ContactStatus), name="status_known"),
        CheckConstraint("status <> 'held' OR duration_minutes IS NOT NULL", name="held_has_duration"),
        CheckConstraint("duration_minutes IS NULL OR duration_minutes > 0", name="duration_positive"),
        Index("ix_contact_episode_status_on", "episode_id", "status", "contact_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default=ContactStatus.HELD.value)
    contact_on: Mapped[date] = mapped_column(Date, index=True)
    at_time: Mapped[time | None] = mapped_column(Time)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    who_was_there: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    episode: Mapped[Episode] = relationship(
        backref=backref("contacts", order_by=lambda: (Contact.contact_on.desc(), Contact.id.desc())))
    recorded_by: Mapped[User | None] = relationship()

    @property
    def kind_enum(self) -> ContactKind:
        return ContactKind(self.kind)

    @property
    def status_enum(self) -> ContactStatus:
        return ContactStatus(self.status)


class HomeVisit(db.Model):
    """Lone-working safety: checked in with an expected end, checked out when the officer leaves.

    A visit with no check-out after its expected end (plus the configured grace) is overdue and
    shows on the manager's panel. Times are UTC."""
    __tablename__ = "home_visit"
    __table_args__ = (
        CheckConstraint("expected_end_at > checked_in_at", name="ends_after_start"),
        CheckConstraint("checked_out_at IS NULL OR checked_out_at >= checked_in_at", name="out_after_in"),
        Index("ix_home_visit_open", "checked_out_at", "expected_end_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    expected_end_at: Mapped[datetime] = mapped_column(DateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime)
    checked_out_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # What the officer left with the office at check-in (e.g. a second address, a mobile number).
    check_in_note: Mapped[str] = mapped_column(Text, default="")
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    episode: Mapped[Episode] = relationship(
        backref=backref("home_visits", order_by=lambda: HomeVisit.checked_in_at.desc()))
    officer: Mapped[User] = relationship(foreign_keys=[officer_id])
    checked_out_by: Mapped[User | None] = relationship(foreign_keys=[checked_out_by_id])
    contact: Mapped[Contact | None] = relationship()

    @property
    def in_progress(self) -> bool:
        return self.checked_out_at is None

    def overdue_from(self, grace_minutes: int) -> datetime:
        """When the visit becomes overdue if it is not checked out: the grace after its expected end."""
        from datetime import timedelta

        return self.expected_end_at + timedelta(minutes=grace_minutes)

    def is_overdue(self, now: datetime, grace_minutes: int) -> bool:
        """Still under way past `overdue_from(grace_minutes)`; with no grace, past its expected end."""
        return self.checked_out_at is None and now > self.overdue_from(grace_minutes)

    def minutes_overdue_at_check_out(self, grace_minutes: int) -> int | None:
        """For a finished visit that had become overdue before its check-out, how long after the
        expected end it was checked out, in whole minutes; None for one checked out in time."""
        if self.checked_out_at is None:
            return None
        late = self.checked_out_at - self.expected_end_at
        return int(late.total_seconds() // 60) if late.total_seconds() > grace_minutes * 60 else None
