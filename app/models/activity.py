"""Practice activity (GP visits and wider NHS use) for people known to the service.

Stored by its natural key — practice, person, date, activity type — so re-importing the
same extract, or an overlapping one, replaces counts and never adds them twice.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.org import Practice, User
from app.models.vocab import ActivityType

# One comparison per type rather than `activity_type IN (...)`: SQLite builds an IN list's lookup
# table again for every row it checks, which made storing an extract's rows about twice as slow
# (migration 0017).
ACTIVITY_TYPE_CHECK = " OR ".join(f"activity_type = '{kind.value}'" for kind in ActivityType)


class Activity(db.Model):
    __tablename__ = "activity"
    __table_args__ = (
        UniqueConstraint("practice_id", "person_id", "activity_date", "activity_type", name="uq_activity_natural_key"),
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint(ACTIVITY_TYPE_CHECK, name="type_known"),
        Index("ix_activity_person_date", "person_id", "activity_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    activity_date: Mapped[date] = mapped_column(Date, index=True)
    activity_type: Mapped[str] = mapped_column(String(24))
    count: Mapped[int] = mapped_column(Integer, default=1)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("activity_import.id"), index=True)


class ActivityImport(db.Model):
    """One upload of an extract: who, when, and what it did (counts only, never rows)."""
    __tablename__ = "activity_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practice.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    matched_rows: Mapped[int] = mapped_column(Integer, default=0)
    unmatched_rows: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")

    by: Mapped[User | None] = relationship()
    practice: Mapped[Practice | None] = relationship()
