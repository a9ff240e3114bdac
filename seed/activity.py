"""Demo practice activity: what GP practices' extracts would show for the people the service supports.

The model (seed/MODEL.md) describes how people use services, not the answer the dashboard
should give: a person referred as a frequent attender has an underlying monthly rate for
each activity type; it is higher than usual in the months before the MDT meeting noticed
them (which is why they were referred, and why part of any fall afterwards is regression to
the mean); after referral it drifts back towards the person's own long-run rate, and, for
people who engaged with support, it is multiplied by an engagement effect drawn per person.
Counts per month are Poisson draws from those rates, spread over working days.

The rows go through the same import service a practice uses, one extract per practice.

Each extract also holds a pool of frequent attenders who were never referred (issue 16): people
drawn the same way, each with a qualifying date at any time in their three years, the same spell of
high use in the 4 months before it and the same drift back afterwards — but no support, so no
engagement effect.  Their rows carry ``sex`` and ``year_of_birth``; the import keeps them only
under a keyed hash, and ``seed/comparison_demo.py`` matches them to the referred people.  Their
fall after the qualifying date is regression to the mean alone, which is what the
difference-in-differences estimate takes away from the plain before-and-after fall.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy import select

from app.extensions import db
from app.models import Episode, Person, Practice, Referral, User
from app.security import Role
from app.services.activity_import import import_extract

MONTHS_BEFORE = 12
# Long-run monthly rates for a frequent attender (per person), before any spike or effect.
BASE_RATES = {
    "gp_surgery": 1.6, "gp_telephone": 0.9, "practice_nurse": 0.5, "gp_home_visit": 0.12,
    "ae_attendance": 0.08, "emergency_admission": 0.03, "outpatient": 0.15,
}
SPIKE_BEFORE_REFERRAL = 1.5      # rate multiplier in the 4 months before referral
SPIKE_MONTHS = 4
ENGAGED_EFFECT = (0.55, 0.95)    # uniform range of the multiplier after first contact, if engaged
ENGAGED_STAGES = {"in_support", "discharged"}
POOL_PER_REFERRED = 4            # unreferred frequent attenders in each extract, per referred person
POOL_HISTORY_DAYS = 3 * 365      # the pool's extract rows cover their last three years


def _month_starts(start: date, end: date):
    day = date(start.year, start.month, 1)
    while day <= end:
        yield day
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def person_rows(generator: np.random.Generator, *, nhs: str, referred: date, today: date, engaged: bool,
                age: int, start: date | None = None) -> list[str]:
    """CSV rows (person_id,date,activity_type,count) for one person, per the model above, from
    ``start`` (default: 12 months before the referral) to today."""
    frailty = generator.gamma(shape=4.0, scale=0.25)              # this person's own level, mean 1
    effect = generator.uniform(*ENGAGED_EFFECT) if engaged else 1.0
    rows = []
    start = start or date(referred.year - 1, referred.month, 1)
    for month in _month_starts(start, today):
        months_to_referral = (referred.year - month.year) * 12 + referred.month - month.month
        multiplier = frailty
        if 0 < months_to_referral <= SPIKE_MONTHS:
            multiplier *= SPIKE_BEFORE_REFERRAL
        if months_to_referral <= 0 and engaged:
            multiplier *= effect
        for kind, rate in BASE_RATES.items():
            if kind == "gp_home_visit" and age < 75:
                rate *= 0.25  # home visits are mostly for the housebound elderly
            count = int(generator.poisson(rate * multiplier))
            for _ in range(count):
                day = month + timedelta(days=int(generator.integers(0, 28)))
                if day <= today:
                    rows.append(f"{nhs},{day.isoformat()},{kind},1")
    return rows


def pool_rows(generator: np.random.Generator, rng, *, numbers, today: date, count: int) -> list[str]:
    """Rows (with sex and year of birth) for ``count`` unreferred frequent attenders."""
    rows = []
    history_start = date(today.year - 3, today.month, 1)
    for _ in range(count):
        nhs = next(numbers)
        # Any time in their three years: an unreferred frequent attender's high spell is no more
        # likely just before a given referral date than just after it.
        qualifying = today - timedelta(days=rng.randint(0, POOL_HISTORY_DAYS - 125))
        age = rng.choice([rng.randint(19, 34)] + [rng.randint(36, 94)] * 11)
        draw = rng.random()
        sex = "not_stated" if draw < 0.08 else "female" if draw < 0.55 else "male"
        extra = f",{sex},{today.year - age}"
        # Their whole history, not just the year around their own spell: a comparator's windows sit
        # around the referral date of the person they are matched to, wherever their own spell fell.
        rows.extend(row + extra for row in person_rows(generator, nhs=nhs, referred=qualifying, today=today,
                                                        engaged=False, age=age, start=history_start))
    return rows


def load(*, rng, fake, world: dict, people: int, summary) -> None:
    from seed.identities import nhs_numbers

    generator = np.random.default_rng(rng.randint(0, 2**32 - 1))
    today = date.today()
    episodes = db.session.execute(
        select(Person.nhs_number, Person.practice_id, Person.date_of_birth, Referral.received_at, Referral.status)
        .join(Episode, Episode.person_id == Person.id).join(Referral, Referral.id == Episode.referral_id)
        .order_by(Person.nhs_number)).all()
    extracts: dict[int, list[str]] = {}
    for nhs, practice_id, born, received, status in episodes:
        age = today.year - born.year
        extracts.setdefault(practice_id, []).extend(row + ",," for row in person_rows(
            generator, nhs=nhs, referred=received.date(), today=today, engaged=status in ENGAGED_STAGES, age=age))
    referred = set(db.session.scalars(select(Person.nhs_number))) | set(db.session.scalars(select(Referral.nhs_number)))
    numbers = (n for n in nhs_numbers(rng) if n not in referred)
    pooled = 0
    for practice_id in sorted(extracts):
        referred_here = sum(1 for e in episodes if e[1] == practice_id)
        rows = pool_rows(generator, rng, numbers=numbers, today=today, count=POOL_PER_REFERRED * referred_here)
        extracts[practice_id].extend(rows)
        pooled += POOL_PER_REFERRED * referred_here
    uploaders = {user.practice_id: user for user in db.session.scalars(
        select(User).where(User.role == Role.GP_PRACTICE.value))}
    total = 0
    for practice_id, rows in sorted(extracts.items()):
        practice = db.session.get(Practice, practice_id)
        content = ("person_id,date,activity_type,count,sex,year_of_birth\n" + "\n".join(rows) + "\n").encode()
        outcome = import_extract(by=uploaders.get(practice_id), content=content,
                                 filename=f"demo-extract-{practice.ods_code}.csv", practice=practice)
        total += outcome.matched_rows
    summary.extra.append(f"{total} activity rows over up to 30 months for {len(episodes)} supported people; "
                         f"{pooled} unreferred frequent attenders in the extracts, kept under a keyed hash.")
