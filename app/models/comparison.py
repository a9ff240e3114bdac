"""The comparison cohort: people who were not referred, held under a keyed hash (CONTRACT.md §6).

* ``ComparisonPerson`` — one per pseudonym (HMAC-SHA256 of the NHS number, see
  ``app/services/pseudonyms.py``); the NHS number itself is never stored.  Sex, year of birth
  and practice are what matching needs; each is optional and "unknown" is NULL.
* ``ComparisonActivity`` — practice extract rows for those people, by the same natural key as
  ``Activity`` minus the practice (one person, day and type), so a re-imported extract replaces
  counts instead of adding them.
* ``ComparisonCohort`` — how one cohort was made: an imported file (its SHA-256) or a match
  (its parameters and seed), when and by whom.  The newest cohort is the one in use.
* ``ComparisonMember`` — a person in a cohort with their pseudo-anchor date.  A matched
  comparator used for two referred people (matching with replacement) is two members.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, \
    UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.activity import ACTIVITY_TYPE_CHECK
from app.models.base import utcnow
from app.models.org import Practice, User


class ComparisonPerson(db.Model):
    __tablename__ = "comparison_person"
    __table_args__ = (
        CheckConstraint("year_of_birth IS NULL OR (year_of_birth BETWEEN 1880 AND 2100)", name="year_of_birth_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practice.id"), index=True)
    sex: Mapped[str | None] = mapped_column(String(12))
    year_of_birth: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    practice: Mapped[Practice | None] = relationship()


class ComparisonActivity(db.Model):
    __tablename__ = "comparison_activity"
    __table_args__ = (
        UniqueConstraint("comparison_person_id", "activity_date", "activity_type",
                         name="uq_comparison_activity_natural_key"),
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint(ACTIVITY_TYPE_CHECK, name="type_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comparison_person_id: Mapped[int] = mapped_column(ForeignKey("comparison_person.id", ondelete="CASCADE"))
    activity_date: Mapped[date] = mapped_column(Date)
    activity_type: Mapped[str] = mapped_column(String(24))
    count: Mapped[int] = mapped_column(Integer, default=1)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("activity_import.id"), index=True)


class ComparisonCohort(db.Model):
    __tablename__ = "comparison_cohort"
    __table_args__ = (CheckConstraint("kind IN ('import', 'match')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(255), default="")
    # SHA-256 of the imported file's bytes (imports only).
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    # Match parameters as canonical JSON: per_person, caliper, seed, with_replacement, strata, ...
    parameters: Mapped[str] = mapped_column(Text, default="{}")
    seed: Mapped[int | None] = mapped_column(Integer)
    # SHA-256 of the sorted (pseudonym, anchor) members: the same cohort made again is not stored twice.
    fingerprint: Mapped[str] = mapped_column(String(64))
    members: Mapped[int] = mapped_column(Integer, default=0)
    referred_matched: Mapped[int | None] = mapped_column(Integer)
    referred_unmatched: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    by: Mapped[User | None] = relationship()


class ComparisonMember(db.Model):
    __tablename__ = "comparison_member"
    __table_args__ = (Index("ix_comparison_member_cohort_person", "cohort_id", "comparison_person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("comparison_cohort.id", ondelete="CASCADE"))
    comparison_person_id: Mapped[int] = mapped_column(ForeignKey("comparison_person.id", ondelete="CASCADE"),
                                                      index=True)
    anchor_date: Mapped[date] = mapped_column(Date)
    # For a matched comparator: the referred person matched to, and the distance in baseline GP use.
    matched_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    distance: Mapped[float | None] = mapped_column(Float)
