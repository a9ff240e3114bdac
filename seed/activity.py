"""Demo practice activity: what GP practices' extracts would show for the people the service supports.

The model (seed/MODEL.md) describes how people use services, not the answer the dashboard
should give.  Everyone in the extracts, referred or not, has a lasting personal level of use
(mean 1, spread narrow: these are all frequent attenders) times their transient high spells:
a few months of 3 to 5 times their usual use, arriving at random, about 0.4 a year.  A person
is referred just after the peak of such a spell (the MDT meeting noticed them then), which is
why most of the fall afterwards is regression to the mean.  From the referral month, people who
engaged with support have their rates multiplied by a modest engagement effect drawn per person
(0.8 to 1.0).  Counts per month are Poisson draws from those rates, spread over working days.

The rows go through the same import service a practice uses, one extract per practice.

Each extract also holds a pool of frequent attenders who were never referred (issue 16): people
drawn by the same model, with spells at random times over their three years of rows and no
support.  Their rows carry ``sex`` and ``year_of_birth``; the import keeps them only under a
keyed hash, and ``seed/comparison_demo.py`` matches them to the referred people on GP use in
the year before each referral date — which picks pool people who were in a spell then, so they
regress too, and the difference-in-differences estimate takes that away from the plain fall.
"""
from __future__ import annotations

import functools
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select

from app.extensions import db
from app.models import Episode, Person, Practice, Referral, User
from app.models.base import uk_today
from app.security import Role
from app.services.activity_import import import_extract

MONTHS_BEFORE = 12
# Long-run monthly rates for a frequent attender (per person), before any spell or effect.
BASE_RATES = {
    "gp_surgery": 1.6, "gp_telephone": 0.9, "practice_nurse": 0.5, "gp_home_visit": 0.12,
    "ae_attendance": 0.08, "emergency_admission": 0.03, "outpatient": 0.15,
}
LEVEL_SHAPE = 50.0               # a person's lasting level: gamma, mean 1, sd 0.14
SPELL_RATE = 0.4                 # transient high spells a year, anyone (referred or not), at random times
SPELL_MONTHS = (3, 5)            # a spell lasts 3 to 5 months (inclusive) ...
SPELL_EXTRA = (2.0, 4.0)         # ... with use 3 to 5 times the person's own level (1 + uniform extra)
NOTICED_AFTER_PEAK = 1           # the spell that got a person referred peaked the month before
ENGAGED_EFFECT = (0.8, 1.0)      # modest: uniform range of the multiplier after first contact, if engaged
ENGAGED_STAGES = {"in_support", "discharged"}
POOL_PER_REFERRED = 8            # unreferred frequent attenders in each extract, per referred person


def _month_starts(start: date, end: date):
    day = date(start.year, start.month, 1)
    while day <= end:
        yield day
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _spell_extra(generator: np.random.Generator, months: int, *, peak: int | None = None) -> np.ndarray:
    """Extra use per month (added to the person's level 1) from transient high spells over ``months``
    months: a Poisson number of spells at random times, plus, when ``peak`` is given, the spell
    whose last month is month ``peak`` (the one that got the person noticed)."""
    extra = np.zeros(months)
    count = generator.poisson(SPELL_RATE * months / 12)
    ends = list(generator.integers(0, months + SPELL_MONTHS[1] - 1, size=count))
    if peak is not None:
        ends.append(peak)
    for end in ends:
        length = int(generator.integers(SPELL_MONTHS[0], SPELL_MONTHS[1] + 1))
        extra[max(0, end - length + 1):max(0, min(months, end + 1))] += generator.uniform(*SPELL_EXTRA)
    return extra


def person_rows(generator: np.random.Generator, *, nhs: str, referred: date, today: date, engaged: bool,
                age: int, start: date | None = None, noticed: bool = True) -> list[str]:
    """CSV rows (person_id,date,activity_type,count) for one person, per the model above, from
    ``start`` (default: 12 months before the referral) to today.

    When ``noticed`` (a referred person), a high spell peaks the month before ``referred``, the
    referral date; the unreferred pool pass ``noticed=False`` and have only random spells.
    Every month's count of each kind is drawn in one call, then every contact's day in another."""
    level = generator.gamma(shape=LEVEL_SHAPE, scale=1 / LEVEL_SHAPE)   # this person's lasting level, mean 1
    effect = generator.uniform(*ENGAGED_EFFECT) if engaged else 1.0
    start = date(start.year, start.month, 1) if start else date(referred.year - 1, referred.month, 1)
    months = list(_month_starts(start, today))
    peak = _months_between(start, referred) - NOTICED_AFTER_PEAK if noticed else None
    multiplier = level * (1 + _spell_extra(generator, len(months), peak=peak))
    if engaged:
        supported = np.array([month >= date(referred.year, referred.month, 1) for month in months])
        multiplier = np.where(supported, multiplier * effect, multiplier)
    rates = np.array([rate * 0.25 if kind == "gp_home_visit" and age < 75 else rate  # home visits are mostly
                      for kind, rate in BASE_RATES.items()])                          # for the housebound elderly
    counts = generator.poisson(np.outer(multiplier, rates)).ravel()  # month by month, each kind in turn
    cells = np.repeat(np.arange(counts.size), counts)                # one per contact, in that order
    days = generator.integers(0, 28, size=cells.size)
    labels = [_day_labels(month, today) for month in months]
    return [f"{nhs},{label},{_KINDS[cell % len(_KINDS)]},1"
            for cell, day in zip(cells.tolist(), days.tolist())
            if (label := labels[cell // len(_KINDS)][day]) is not None]


_KINDS = list(BASE_RATES)


@functools.cache
def _day_labels(month: date, today: date) -> tuple[str | None, ...]:
    """The month's first 28 days as written in an extract; None for a day after today."""
    days = (month + timedelta(days=offset) for offset in range(28))
    return tuple(day.isoformat() if day <= today else None for day in days)


def pool_rows(generator: np.random.Generator, rng, *, numbers, today: date, count: int) -> list[str]:
    """Rows (with sex and year of birth) for ``count`` unreferred frequent attenders."""
    rows = []
    history_start = date(today.year - 3, today.month, 1)
    for _ in range(count):
        nhs = next(numbers)
        age = rng.choice([rng.randint(19, 34)] + [rng.randint(36, 94)] * 11)
        draw = rng.random()
        sex = "not_stated" if draw < 0.08 else "female" if draw < 0.55 else "male"
        extra = f",{sex},{today.year - age}"
        # Their whole history under the same model, with no spell tied to any date (noticed=False):
        # their spells come at random times, so at any referral date some of them are at a peak, and
        # matching on last year's GP use picks those, who then fall back as the referred do.
        rows.extend(row + extra for row in person_rows(generator, nhs=nhs, referred=today, today=today,
                                                        engaged=False, age=age, start=history_start,
                                                        noticed=False))
    return rows


def load(*, rng, fake, world: dict, people: int, summary) -> None:
    from seed.identities import nhs_numbers

    generator = np.random.default_rng(rng.randint(0, 2**32 - 1))
    today = uk_today()
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
