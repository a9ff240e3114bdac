"""The demo's people, in the order the service meets them: the directory they can be linked to,
referrals from the practices, the support that follows, the risk record and safeguarding concerns
kept during it, and the practices' activity data.

Each part lives in its own module and goes through the app's services where a user would.
"""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Person, Referral


def has_people() -> bool:
    return bool(db.session.scalar(select(func.count(Person.id)))
                or db.session.scalar(select(func.count(Referral.id))))


def load(*, seed: int, world: dict, people: int, summary) -> None:
    """Each part draws from its own generator seeded from (seed, part), so what one part finds
    already loaded cannot shift the random numbers another part sees."""
    import random

    from faker import Faker

    from seed import activity, directory, referrals, risk_statements, safeguarding, support

    for part in (directory, referrals, support, risk_statements, safeguarding, activity):
        name = part.__name__.rsplit(".", 1)[-1]
        fake = Faker("en_GB")
        fake.seed_instance(f"{seed}:{name}")
        part.load(rng=random.Random(f"{seed}:{name}"), fake=fake, world=world, people=people, summary=summary)
    # Who is reached (issue 15): equality details, other sources, the synthetic deprivation lookup.
    from seed import deprivation_demo, equality

    equality.load(seed=seed, summary=summary)
    deprivation_demo.load(summary=summary)
