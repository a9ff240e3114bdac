"""Wellbeing measures: ONS4 (four questions, 0–10) and UCLA 3-item loneliness (items 1–3, total 3–9),
at baseline, review and discharge."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.extensions import db
from app.models import Episode, User, WellbeingMeasure
from app.models.base import long_date, uk_today
from app.models.wellbeing import ONS4_ITEMS, UCLA_ITEMS, Instrument, Stage
from app.services import casework
from app.services.errors import RuleBroken

RANGES = {Instrument.ONS4: (ONS4_ITEMS, 0, 10), Instrument.UCLA3: (UCLA_ITEMS, 1, 3)}
# For anxiety (ONS4) and loneliness (UCLA) a fall is an improvement.
LOWER_IS_BETTER = {"anxiety", "ucla_total"}


def record(*, by: User, episode: Episode, instrument: str, stage: str, taken_on: date,
           scores: dict[str, int | None]) -> WellbeingMeasure:
    """Record one completed questionnaire. Every item must be answered within its range; an
    episode has one baseline and one discharge measure per instrument, and any number of reviews."""
    casework.require_open(episode)
    try:
        instrument_, stage_ = Instrument(instrument), Stage(stage)
    except ValueError:
        raise RuleBroken("Choose the questionnaire and when it was taken", field="stage")
    items, low, high = RANGES[instrument_]
    values = {}
    for item in items:
        value = scores.get(item)
        if value is None or not isinstance(value, int) or not low <= value <= high:
            raise RuleBroken(f"Answer every question with a whole number from {low} to {high}", field=item)
        values[item] = value
    if taken_on > uk_today():
        raise RuleBroken("The date cannot be in the future", field="taken_on")
    if stage_ is not Stage.REVIEW:
        for existing in episode.measures:
            if existing.instrument == instrument_.value and existing.stage == stage_.value:
                raise RuleBroken(f"A {stage_.value} {instrument_.label} was already recorded on "
                                 f"{long_date(existing.taken_on)}; record a review instead", field="stage")
    measure = WellbeingMeasure(episode=episode, instrument=instrument_.value, stage=stage_.value, taken_on=taken_on,
                               recorded_by_id=by.id if by else None, **values)
    if instrument_ is Instrument.UCLA3:
        measure.ucla_total = sum(values.values())
    db.session.add(measure)
    db.session.flush()
    casework.record(by=by, episode=episode, action="measure.create", detail=f"{instrument_.value} {stage_.value}")
    db.session.commit()
    return measure


@dataclass
class Change:
    item: str
    baseline: int
    latest: int

    @property
    def difference(self) -> int:
        return self.latest - self.baseline

    @property
    def improved(self) -> bool | None:
        if self.difference == 0:
            return None
        return (self.difference < 0) if self.item in LOWER_IS_BETTER else (self.difference > 0)


def changes(measures: list[WellbeingMeasure], instrument: str) -> list[Change]:
    """Baseline against the latest later measure (discharge, else the last review), item by item."""
    own = [m for m in measures if m.instrument == instrument]
    baseline = next((m for m in own if m.stage == Stage.BASELINE), None)
    later = [m for m in own if m.stage != Stage.BASELINE]
    if baseline is None or not later:
        return []
    latest = next((m for m in later if m.stage == Stage.DISCHARGE), later[-1])
    items = list(ONS4_ITEMS) if instrument == Instrument.ONS4 else ["ucla_total"]
    return [Change(item, getattr(baseline, item), getattr(latest, item)) for item in items]
