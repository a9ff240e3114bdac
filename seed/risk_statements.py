"""Demo "no known risks" statements: for about 85% of the people still in support whose first contact
has been made and who have no risk in force, their officer recorded at that first contact that there
are no known risks, as a service that asks at the first visit would. Their record's first section
then reads "No known risks (recorded <the first contact's day>)"; the rest, and everyone with a risk
from the referral, read as before. Everyone discharged without a risk in force had theirs recorded
too (by seed/support.py, with `state_none_known`, while their support was open): by the end of
support every officer has asked.

Recorded through app/services/risks.py (with its audit event), then dated back to the first contact
(services stamp "now"), never later than the load itself.
"""
from __future__ import annotations

from datetime import time

from sqlalchemy import func, select

from app.extensions import db
from app.models import Episode
from app.models.base import uk_today, utc_of_uk, utcnow
from app.models.risk import NoKnownRisks, PersonRisk
from app.services import risks

SHARE = 0.85


def load(*, rng, fake, world: dict, people: int, summary) -> None:  # the parts share one signature
    if db.session.scalar(select(func.count(NoKnownRisks.id)).join(Episode, Episode.person_id == NoKnownRisks.person_id)
                         .where(Episode.discharged_on.is_(None))):
        return  # loaded before (discharged people's come from seed/support.py): loading again changes nothing
    today, now = uk_today(), utcnow()
    begun = db.session.scalars(select(Episode).where(Episode.officer_id.is_not(None), Episode.discharged_on.is_(None),
                                                      Episode.first_contact_on.is_not(None),
                                                      Episode.first_contact_on <= today)
                               .order_by(Episode.id)).all()
    at_risk = set(db.session.scalars(select(PersonRisk.person_id).where(PersonRisk.ended_at.is_(None))))
    made = 0
    for episode in begun:
        if episode.person_id in at_risk or rng.random() >= SHARE:
            continue
        state_none_known(episode, time(rng.randint(9, 15), rng.choice([0, 15, 30, 45])), now)
        made += 1
    db.session.commit()
    summary.extra.append(f"Risk record: no known risks recorded at first contact for {made} people in support.")


def state_none_known(episode: Episode, clock: time, now) -> NoKnownRisks:
    """The officer records that the person has no known risks, through the service (while their
    support is open), dated back to the first contact at `clock` (never later than `now`)."""
    statement = risks.no_known_risks(by=episode.officer, person=episode.person)
    statement.recorded_at = min(utc_of_uk(episode.first_contact_on, clock), now)
    return statement


def has_risk_in_force(person_id: int) -> bool:
    return db.session.scalar(select(PersonRisk.id).where(PersonRisk.person_id == person_id,
                                                         PersonRisk.ended_at.is_(None)).limit(1)) is not None
