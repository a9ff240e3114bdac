"""The demo's onward support: each referral or linkage drawn whole, then written in one go.

Through the services an onward referral is ``onward.create`` (made today), a commit moving its
dates back to the day it was made, and an ``onward.move`` for each later step, each a flush and a
commit: about 1,200 calls in a demo load. None of them changes the practice's referral, so
``draw`` takes each one's organisation, kind, day and path from the generator (the same numbers
in the same order whichever way it is written), and ``write`` puts in the database the row, its
need and its edit counter as the services leave them, with the same audit events in the same
order. ``tests/test_support_bulk.py`` loads the demo both ways and finds every row of every table
the same. Anything the services would refuse goes through them instead, which say why.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert

from app.extensions import db
from app.models import OnwardReferral, OnwardReferralNeed
from app.models.base import uk_today, utcnow
from app.models.onward import STATUS_DATE_COLUMN, OnwardKind, OnwardStatus
from app.models.vocab import NeedArea, Sector
from app.services import casework, onward
from seed import support_plan as plan


@dataclass(frozen=True)
class Drawn:
    """One onward referral or linkage: where to, for which need, made on `on`, then its steps."""

    organisation: dict
    area: str
    formal: bool
    on: date
    accompanied: bool
    steps: tuple[tuple[str, date], ...]

    @property
    def kind(self) -> str:
        return (OnwardKind.FORMAL_REFERRAL if self.formal else OnwardKind.LINKAGE).value


def draw(rng, organisations, made, first: date, end: date) -> list[Drawn]:
    """Onward support for one to three of the episode's needs, made within three weeks of `first`, each
    moving on a step every 3 to 21 days until `end` (today, or the day support ended)."""
    drawn = []
    for need in rng.sample(made, k=min(len(made), rng.choice([1, 1, 2, 3]))):
        organisation = plan.organisation_for(rng, organisations, need.area)
        formal = rng.random() < 0.35
        on = min(end, first + timedelta(days=rng.randint(1, 21)))
        accompanied = not formal and rng.random() < 0.4
        steps, day = [], on
        for step in plan.onward_path(rng):
            day += timedelta(days=rng.randint(3, 21))
            if day <= end:  # a step still to come is left out: the referral rests where it has got to
                steps.append((step, day))
        drawn.append(Drawn(organisation, need.area, formal, on, accompanied, tuple(steps)))
    return drawn


def write(officer, episode, drawn: list[Drawn], *, bulk: bool = True) -> None:
    """The drawn onward support's rows and audit events, as the services would leave them."""
    if not drawn:
        return
    if not (bulk and episode.is_open and all(_plain(item) for item in drawn)):
        write_through_services(officer, episode, drawn)
        return
    today = uk_today()
    db.session.flush()
    rows = []
    for item in drawn:
        dates = dict.fromkeys(STATUS_DATE_COLUMN.values())
        dates.update(suggested_on=item.on, made_on=item.on)
        dates.update((STATUS_DATE_COLUMN[OnwardStatus(step)], day) for step, day in item.steps)
        rows.append({
            "episode_id": episode.id, "service_id": item.organisation["service_id"] or None,
            "organisation_name": item.organisation["organisation_name"].strip()[:200],
            "service_name": item.organisation["service_name"].strip()[:200], "sector": item.organisation["sector"],
            "kind": item.kind, "status": item.steps[-1][0] if item.steps else OnwardStatus.MADE.value,
            "consent_to_share": item.formal, "consent_recorded_on": item.on if item.formal else None,
            "accompanied": item.accompanied, **dates, "notes": "", "created_at": utcnow(),
            "created_by_id": officer.id if officer else None,
            # Made today, then moved back to its day (a change only when that is another day), then each step.
            "version": 1 + (item.on != today) + len(item.steps)})
    table = OnwardReferral.__table__
    ids = db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars().all()
    db.session.execute(insert(OnwardReferralNeed.__table__), [{"onward_referral_id": onward_id, "area": item.area}
                                                              for item, onward_id in zip(drawn, ids, strict=True)])
    for item, row, onward_id in zip(drawn, rows, ids, strict=True):
        casework.record(by=officer, episode=episode, action="onward.create",
                        detail=f"{item.kind} {OnwardStatus.MADE.value} to {row['organisation_name']} ({row['sector']})")
        was = OnwardStatus.MADE.value
        for step, _ in item.steps:
            casework.record(by=officer, episode=episode, action="onward.move",
                            detail=f"onward {onward_id}: {was} -> {step}")
            was = step
    db.session.commit()


def write_through_services(officer, episode, drawn: list[Drawn]) -> None:
    for item in drawn:
        org = item.organisation
        made = onward.create(by=officer, episode=episode, service_id=org["service_id"],
                             organisation_name=org["organisation_name"], service_name=org["service_name"],
                             sector=org["sector"], kind=item.kind, need_areas=[item.area],
                             consent_to_share=item.formal, consent_recorded_on=item.on if item.formal else None,
                             accompanied=item.accompanied)
        made.suggested_on = made.made_on = item.on
        db.session.commit()
        for step, day in item.steps:
            onward.move(by=officer, onward=made, to=OnwardStatus(step), on=day, version=made.version)


def _plain(item: Drawn) -> bool:
    """What the services would take without a word: a known sector and need area, a named
    organisation, a day not to come, and known steps each allowed from the last, on or after its day."""
    try:
        Sector(item.organisation["sector"])
        NeedArea(item.area)
        steps = [(OnwardStatus(step), day) for step, day in item.steps]
    except ValueError:
        return False
    today, was, last = uk_today(), OnwardStatus.MADE, item.on
    for status, day in steps:
        if not was.can_move_to(status) or not last <= day <= today:
            return False
        was, last = status, day
    return bool(item.organisation["organisation_name"].strip()) and item.on <= today
