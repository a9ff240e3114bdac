"""The demo's wellbeing measures: each sitting's questionnaires written in one statement.

An officer records ONS4 and the UCLA loneliness scale together at baseline, review and discharge;
``measures.record`` takes one questionnaire at a time, with a flush and a commit each, about 700
of them in a demo load. Recording a measure decides nothing about the referral, so ``record``
puts in the database what the service would leave for the sitting's questionnaires (the items,
the UCLA total, who recorded it) with a 'measure.create' audit event each, in the same order.
``tests/test_support_bulk.py`` loads the demo both ways and finds every row of every table the same.

A sitting the service would refuse (the episode closed, a date to come, an answer out of range,
a second baseline or discharge) goes through the service instead, which says why.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import insert

from app.extensions import db
from app.models import WellbeingMeasure
from app.models.base import uk_today, utcnow
from app.models.wellbeing import ONS4_ITEMS, UCLA_ITEMS, Instrument, Stage
from app.services import casework, measures

Drawn = tuple[str, dict]  # (instrument, its scores) as the demo draws them
_EVERY_ITEM = {item: None for item in [*ONS4_ITEMS, *UCLA_ITEMS]}


def record(officer, episode, stage: str, day: date, drawn: list[Drawn], *, bulk: bool = True) -> None:
    """Record the sitting's questionnaires on `day`, as measures.record would one by one."""
    if not drawn:
        return
    if not (bulk and _plain(episode, stage, day, drawn)):
        record_through_services(officer, episode, stage, day, drawn)
        return
    rows = []
    for instrument, scores in drawn:
        items = measures.RANGES[Instrument(instrument)][0]
        values = {item: scores[item] for item in items}
        rows.append({"episode_id": episode.id, "instrument": instrument, "stage": stage, "taken_on": day,
                     **_EVERY_ITEM, **values,
                     "ucla_total": sum(values.values()) if instrument == Instrument.UCLA3.value else None,
                     "recorded_by_id": officer.id if officer else None, "created_at": utcnow()})
    db.session.flush()
    db.session.execute(insert(WellbeingMeasure.__table__), rows)
    for instrument, _ in drawn:
        casework.record(by=officer, episode=episode, action="measure.create", detail=f"{instrument} {stage}")
    db.session.expire(episode, ["measures"])  # the session's list, if loaded, lacks these
    db.session.commit()


def record_through_services(officer, episode, stage: str, day: date, drawn: list[Drawn]) -> None:
    for instrument, scores in drawn:
        measures.record(by=officer, episode=episode, instrument=instrument, stage=stage, taken_on=day, scores=scores)


def _answered(instrument: Instrument, scores: dict) -> bool:
    items, low, high = measures.RANGES[instrument]
    return all(type(scores.get(item)) is int and low <= scores[item] <= high for item in items)


def _plain(episode, stage: str, day: date, drawn: list[Drawn]) -> bool:
    """What measures.record would accept without a word: nothing for it to refuse."""
    try:
        stage_, instruments = Stage(stage), [Instrument(instrument) for instrument, _ in drawn]
    except ValueError:
        return False
    if not (episode.is_open and day <= uk_today() and len(set(instruments)) == len(instruments)):
        return False
    if not all(_answered(instrument, scores) for instrument, (_, scores) in zip(instruments, drawn, strict=True)):
        return False
    held = {(measure.instrument, measure.stage) for measure in episode.measures}
    return stage_ is Stage.REVIEW or not any((instrument.value, stage) in held for instrument in instruments)
