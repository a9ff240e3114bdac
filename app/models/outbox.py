"""Messages back to a referring GP system, waiting to be delivered (the transactional outbox).

A message is added in the same transaction as the status change it reports, so a change can
never be committed without its message, nor a message sent for a change that was rolled back.
The task queue's worker delivers it (`app/tasks.py`), retrying with exponential back-off; a
message that keeps failing becomes `failed` and waits for the administrator (`/admin/outbox`).
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class OutboxEvent(StrEnum):
    ACCEPTED = "accepted"
    DECLINED_BY_SERVICE = "declined_by_service"
    DECLINED_BY_PERSON = "declined_by_person"
    DISCHARGED = "discharged"

    @property
    def label(self) -> str:
        return {"accepted": "Accepted", "declined_by_service": "Declined by the service",
                "declined_by_person": "Declined by the person", "discharged": "Discharged"}[self.value]


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"pending": "Waiting", "delivered": "Delivered", "failed": "Failed"}[self.value]


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{value.value}'" for value in values) + ")"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint(_in("event", OutboxEvent), name="event_known"),
        CheckConstraint(_in("status", OutboxStatus), name="status_known"),
        # What the periodic task asks for: pending messages whose next try is due.
        Index("ix_outbox_message_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    api_client_id: Mapped[int] = mapped_column(ForeignKey("api_client.id"), index=True)
    event: Mapped[str] = mapped_column(String(24))
    # The whole servicerequest-response Bundle as JSON text, built when the change was made.
    bundle: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    referral: Mapped["Referral"] = relationship()  # noqa: F821
    api_client: Mapped["ApiClient"] = relationship()  # noqa: F821

    @property
    def status_enum(self) -> OutboxStatus:
        return OutboxStatus(self.status)

    @property
    def event_enum(self) -> OutboxEvent:
        return OutboxEvent(self.event)
