"""Wellbeing measures: ONS4 personal wellbeing and the UCLA 3-item loneliness scale."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.person import Episode
from app.models.support import _known


class Instrument(StrEnum):
    ONS4 = "ons4"
    UCLA3 = "ucla3"

    @property
    def label(self) -> str:
        return {"ons4": "ONS4 personal wellbeing", "ucla3": "UCLA 3-item loneliness scale"}[self.value]


class Stage(StrEnum):
    BASELINE = "baseline"
    REVIEW = "review"
    DISCHARGE = "discharge"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# ONS, Personal well-being user guidance: four questions answered 0 (not at all) to 10 (completely).
ONS4_ITEMS = {
    "life_satisfaction": "Overall, how satisfied are you with your life nowadays?",
    "worthwhile": "Overall, to what extent do you feel the things you do in your life are worthwhile?",
    "happiness": "Overall, how happy did you feel yesterday?",
    "anxiety": "Overall, how anxious did you feel yesterday?",
}
# Hughes et al. (2004): three questions answered 1 (hardly ever), 2 (some of the time), 3 (often).
UCLA_ITEMS = {
    "ucla_companionship": "How often do you feel that you lack companionship?",
    "ucla_left_out": "How often do you feel left out?",
    "ucla_isolated": "How often do you feel isolated from others?",
}
ONS4_CHECK = " AND ".join(f"{item} BETWEEN 0 AND 10" for item in ONS4_ITEMS)
UCLA_CHECK = " AND ".join(f"{item} BETWEEN 1 AND 3" for item in UCLA_ITEMS)
ONS4_NULL = " AND ".join(f"{item} IS NULL" for item in ONS4_ITEMS)
UCLA_NULL = " AND ".join(f"{item} IS NULL" for item in (*UCLA_ITEMS, "ucla_total"))


class WellbeingMeasure(db.Model):
    __tablename__ = "wellbeing_measure"
    __table_args__ = (
        CheckConstraint(_known("instrument", Instrument), name="instrument_known"),
        CheckConstraint(_known("stage", Stage), name="stage_known"),
        CheckConstraint(f"instrument <> 'ons4' OR ({ONS4_CHECK} AND {UCLA_NULL})", name="ons4_items"),
        CheckConstraint(
            f"instrument <> 'ucla3' OR ({UCLA_CHECK} AND {ONS4_NULL} AND "
            "ucla_total = ucla_companionship + ucla_left_out + ucla_isolated)", name="ucla_items"),
        Index("ix_wellbeing_measure_episode_instrument", "episode_id", "instrument", "taken_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(8))
    stage: Mapped[str] = mapped_column(String(10))
    taken_on: Mapped[date] = mapped_column(Date, index=True)
    life_satisfaction: Mapped[int | None] = mapped_column(Integer)
    worthwhile: Mapped[int | None] = mapped_column(Integer)
    happiness: Mapped[int | None] = mapped_column(Integer)
    anxiety: Mapped[int | None] = mapped_column(Integer)
    ucla_companionship: Mapped[int | None] = mapped_column(Integer)
    ucla_left_out: Mapped[int | None] = mapped_column(Integer)
    ucla_isolated: Mapped[int | None] = mapped_column(Integer)
    ucla_total: Mapped[int | None] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    episode: Mapped[Episode] = relationship(
        backref=backref("measures", order_by=lambda: (WellbeingMeasure.taken_on, WellbeingMeasure.id)))

    @property
    def instrument_enum(self) -> Instrument:
        return Instrument(self.instrument)

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    def scores(self) -> dict[str, int | None]:
        items = ONS4_ITEMS if self.instrument == Instrument.ONS4 else {**UCLA_ITEMS, "ucla_total": ""}
        return {item: getattr(self, item) for item in items}
