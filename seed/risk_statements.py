"""Demo "no known risks" statements: for about 85% of the people still in support whose first contact
has been made and who have no risk in force, their officer recorded at that first contact that there
are no known risks, as a service that asks at the first visit would. Their record's first section
then reads "No known risks (recorded <the first contact's day>)"; the rest, and everyone with a risk
from the referral, read as before.

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
    if db.session.scalar(select(func.count(NoKnownRisks.id))):
        return  # loaded before: loading again changes nothing
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
        statement = risks.no_known_risks(by=episode.officer, person=episode.person)
        clock = time(rng.randint(9, 15), rng.choice([0, 15, 30, 45]))
        statement.recorded_at = min(utc_of_uk(episode.first_contact_on, clock), now)
        made += 1
    db.session.commit()
    summary.extra.append(f"Risk record: no known risks recorded at first contact for {made} people in support.")
