"""Demo practice activity: what GP practices' extracts would show for the people the service supports.

The model (seed/MODEL.md) describes how people use services, not the answer the dashboard
should give: a person referred as a frequent attender has an underlying monthly rate for
each activity type; it is higher than usual in the months before the MDT meeting noticed
them (which is why they were referred, and why part of any fall afterwards is regression to
the mean); after referral it drifts back towards the person's own long-run rate, and, for
people who engaged with support, it is multiplied by an engagement effect drawn per person.
Counts per month are Poisson draws from those rates, spread over working days.

The rows go through the same import service a practice uses, one extract per practice.
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


def _month_starts(start: date, end: date):
    day = date(start.year, start.month, 1)
    while day <= end:
        yield day
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def person_rows(generator: np.random.Generator, *, nhs: str, referred: date, today: date, engaged: bool,
                age: int) -> list[str]:
    """CSV rows (person_id,date,activity_type,count) for one person, per the model above."""
    frailty = generator.gamma(shape=4.0, scale=0.25)              # this person's own level, mean 1
    effect = generator.uniform(*ENGAGED_EFFECT) if engaged else 1.0
    rows = []
    start = date(referred.year - 1, referred.month, 1)
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


def load(*, rng, fake, world: dict, people: int, summary) -> None:
    generator = np.random.default_rng(rng.randint(0, 2**32 - 1))
    today = date.today()
    episodes = db.session.execute(
        select(Person.nhs_number, Person.practice_id, Person.date_of_birth, Referral.received_at, Referral.status)
        .join(Episode, Episode.person_id == Person.id).join(Referral, Referral.id == Episode.referral_id)
        .order_by(Person.nhs_number)).all()
    extracts: dict[int, list[str]] = {}
    for nhs, practice_id, born, received, status in episodes:
        age = today.year - born.year
        extracts.setdefault(practice_id, []).extend(person_rows(
            generator, nhs=nhs, referred=received.date(), today=today, engaged=status in ENGAGED_STAGES, age=age))
    uploaders = {user.practice_id: user for user in db.session.scalars(
        select(User).where(User.role == Role.GP_PRACTICE.value))}
    total = 0
    for practice_id, rows in sorted(extracts.items()):
        practice = db.session.get(Practice, practice_id)
        content = ("person_id,date,activity_type,count\n" + "\n".join(rows) + "\n").encode()
        outcome = import_extract(by=uploaders.get(practice_id), content=content,
                                 filename=f"demo-extract-{practice.ods_code}.csv", practice=practice)
        total += outcome.matched_rows
    summary.extra.append(f"{total} activity rows over up to 30 months for {len(episodes)} supported people.")
