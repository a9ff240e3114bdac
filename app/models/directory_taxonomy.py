"""Taxonomies, their terms, the attributes that link terms to directory entries, and the
corrections link officers propose to an entry."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.org import User


class Taxonomy(db.Model):
    __tablename__ = "taxonomy"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    uri: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[str | None] = mapped_column(String(40))


class TaxonomyTerm(db.Model):
    __tablename__ = "taxonomy_term"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str | None] = mapped_column(String(80))
    parent_id: Mapped[str | None] = mapped_column(String(36))
    taxonomy_id: Mapped[str | None] = mapped_column(ForeignKey("taxonomy.id"), index=True)
    term_uri: Mapped[str | None] = mapped_column(String(500))

    taxonomy: Mapped[Taxonomy | None] = relationship()


class Attribute(db.Model):
    """ORUK's link from any entry (link_id, link_type) to a taxonomy term. Hearthlink's own need
    areas, access routes and sectors are published as attributes but kept in their own columns."""
    __tablename__ = "attribute"
    __table_args__ = (Index("ix_attribute_term_link", "taxonomy_term_id", "link_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    link_id: Mapped[str] = mapped_column(String(36), index=True)
    link_type: Mapped[str | None] = mapped_column(String(40))
    taxonomy_term_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_term.id"))

    taxonomy_term: Mapped[TaxonomyTerm] = relationship(lazy="joined")


class CorrectionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"pending": "Waiting for a manager", "accepted": "Accepted", "rejected": "Rejected"}[self.value]

    @property
    def colour(self) -> str:
        return {"pending": "yellow", "accepted": "green", "rejected": "grey"}[self.value]


class DirectoryCorrection(db.Model):
    """A link officer's proposed change to one field of a service; a manager accepts or rejects it."""
    __tablename__ = "directory_correction"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="status_known"),
        CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="decided_has_date"),
        Index("ix_directory_correction_status_service", "status", "service_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    proposed_value: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=CorrectionStatus.PENDING.value)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    service: Mapped["Service"] = relationship()  # noqa: F821
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def status_enum(self) -> CorrectionStatus:
        return CorrectionStatus(self.status)
