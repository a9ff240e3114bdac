"""The audit log. Events carry no foreign keys, so they outlive what they describe."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_subject", "subject_type", "subject_id"),
                      Index("ix_audit_event_at_id", "at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # ix_audit_event_at_id: newest first, paged
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    remote_addr: Mapped[str] = mapped_column(String(64), default="")


class AuditMention(db.Model):
    """A person or referral an event concerns, a row each: its subject and every `[person:<id>]`
    or `[referral:<id>]` marker in its detail. Searching the log by person reads this indexed
    table (kind, ref_id) instead of scanning every event's detail text.

    No foreign key to audit_event: a mention is written with its event (app/services/audit.py,
    in the same statement on PostgreSQL) and the log is only ever added to. The key's check was
    a trigger call per row, 66 for a caseload page's view: about 0.4 ms of PostgreSQL's time a
    page (migration 0018)."""
    __tablename__ = "audit_mention"
    __table_args__ = (Index("ix_audit_mention_kind_ref_id", "kind", "ref_id", "audit_event_id"),)

    audit_event_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # "person" or "referral"
    ref_id: Mapped[int] = mapped_column(Integer, primary_key=True)
