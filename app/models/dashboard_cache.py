"""The dashboard's computed figures, kept in the database so every app process shares them.

A row is keyed by the filters and a fingerprint of the data they were computed from; when the
records change the fingerprint changes and the old row is simply never asked for again
(rows older than a week are pruned).  Only aggregates are stored, never a person's data.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class DashboardCache(db.Model):
    __tablename__ = "dashboard_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    filters: Mapped[str] = mapped_column(String(200))
    figures: Mapped[str] = mapped_column(Text)
    seconds: Mapped[str] = mapped_column(String(12), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
