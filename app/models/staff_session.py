"""A signed-in browser, held on the server so that signing out, and the timeouts, really end it.

The cookie carries a random identifier inside Flask's signed session; the table keeps only its
SHA-256, so a copy of the database cannot be replayed as anyone's session.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.org import User


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffSession(db.Model):
    __tablename__ = "staff_session"
    __table_args__ = (
        CheckConstraint("(ended_at IS NULL) = (ended_reason IS NULL)", name="ended_has_reason"),
        Index("ix_staff_session_user_open", "user_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(40))
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()

    def end(self, *, reason: str, at: datetime | None = None) -> None:
        if self.ended_at is None:
            self.ended_at = at or utcnow()
            self.ended_reason = reason

    def __repr__(self) -> str:
        return f"<StaffSession {self.id} user={self.user_id} ended={self.ended_reason}>"
