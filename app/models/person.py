"""A person supported by the service (one per NHS number) and their support episodes."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, select, text
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.deprivation import DeprivationArea, quintile_of
from app.models.identity import IdentityDetails
from app.models.org import Practice, User


class Person(IdentityDetails, db.Model):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    nhs_number: Mapped[str] = mapped_column(String(10), unique=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    practice: Mapped[Practice] = relationship()
    referrals: Mapped[list["Referral"]] = relationship(back_populates="person")  # noqa: F821
    episodes: Mapped[list[Episode]] = relationship(back_populates="person", order_by="Episode.opened_at")

    def age_on(self, day: date) -> int:
        from app.validators import age_on

        return age_on(self.date_of_birth, day)

    @property
    def imd_quintile(self) -> int | None:
        return quintile_of(self.imd_decile) if self.imd_decile else None


# Not a column: read through the current postcode, so a change of address follows at once.
# Deferred, so pages that do not show it pay nothing; usable in queries as Person.imd_decile.
Person.imd_decile = column_property(
    select(DeprivationArea.imd_decile).where(DeprivationArea.postcode == Person.postcode)
    .correlate_except(DeprivationArea).scalar_subquery(), deferred=True)


class DischargeReason(StrEnum):
    GOALS_MET = "goals_met"
    CHOSE_TO_END = "chose_to_end"
    MOVED_AWAY = "moved_away"
    NO_LONGER_ENGAGING = "no_longer_engaging"
    REFERRED_ON = "referred_on"
    DIED = "died"

    @property
    def label(self) -> str:
        return {"goals_met": "Goals met", "chose_to_end": "Chose to end support", "moved_away": "Moved away",
                "no_longer_engaging": "No longer engaging", "referred_on": "Referred on to another service",
                "died": "Died"}[self.value]


class Episode(db.Model):
    """One period of support, opened when a referral is accepted and closed at discharge."""
    __tablename__ = "episode"
    __table_args__ = (
        CheckConstraint("(discharged_on IS NULL) = (discharge_reason IS NULL)", name="discharge_has_reason"),
        Index("ix_episode_officer_open", "officer_id", "discharged_on"),
        # Open episodes only, by officer: triage's open-caseload counts read this small index
        # alone (migration 0014).
        Index("ix_episode_open_by_officer", "officer_id", postgresql_where=text("discharged_on IS NULL"),
              sqlite_where=text("discharged_on IS NULL")),
        # ...and with every column the caseload's counts and the manager's summary read, so those
        # read this index alone too (migration 0016).
        Index("ix_episode_open_counts", "officer_id", "officer_seen_at", "first_contact_on", "allocated_at",
              "opened_at", "last_contact_on", postgresql_where=text("discharged_on IS NULL"),
              sqlite_where=text("discharged_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), unique=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    allocated_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The officer has opened the record since allocation: until then it is "new" on the caseload.
    officer_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    first_contact_on: Mapped[date | None] = mapped_column(Date)
    # The last held contact's date, kept by services/casework.py so that counting flagged people
    # across every caseload reads episodes only, not every contact ever recorded.
    last_contact_on: Mapped[date | None] = mapped_column(Date)
    discharged_on: Mapped[date | None] = mapped_column(Date, index=True)
    discharge_reason: Mapped[str | None] = mapped_column(String(24))
    discharge_summary: Mapped[str | None] = mapped_column(Text)
    what_matters_to_me: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    person: Mapped[Person] = relationship(back_populates="episodes")
    referral: Mapped["Referral"] = relationship(back_populates="episode")  # noqa: F821
    officer: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None
