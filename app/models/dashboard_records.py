"""The dashboard's kept records, stored so that every app process can share them.

The process that works out the landing view reads every record the figures use
(``app.analytics.records``) and stores those frames here, one row per frame, under the data's
fingerprint.  A web process that has not made the landing view itself — under ``make serve``
the task queue's worker makes it — loads them from here for a view nobody has opened, instead
of reading every row of that view again.

Unlike the cached figures these rows are records about people, pseudonymised as the figures
read them: internal ids, dates, practice, locality, the needs ticked, the groups the reach
figures count (sex, ethnic category, deprivation decile, date of birth) and a number standing
for the NHS number within one read — never a name, an address or an NHS number.  Only the newest
fingerprint's rows are kept: storing a new set deletes the rest.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class DashboardRecords(db.Model):
    __tablename__ = "dashboard_records"

    #: A digest of the figures' version and the data's fingerprint (``app.analytics.records_store``).
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Which frame: people, groups, measures, onward, referrals or needs.
    frame: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: The frame as Parquet (index and column types kept).
    data: Mapped[bytes] = mapped_column(LargeBinary)
    #: The latest activity date held when the records were read.
    as_of: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
