"""Demo equality details and referrals from other sources (issue 15), set after the referrals part.

Each person's details are drawn from a generator seeded from (seed, NHS number), so loading again
gives the same values and changes nothing. Shares are loosely those of Dudley's adult population
(2021 census: about 88% White, 7% Asian or Asian British, 2% Black, 2% Mixed), with "not stated"
kept common, as it is in real records:

- ethnic category: not stated 12%; otherwise the weights in ETHNICITY (a person whose practice
  noted a Punjabi interpreter is Indian or Pakistani, or not stated);
- sex: not stated 8%, "in another way" 1%, otherwise as their first name was drawn;
- carer: yes 14%, no 56%, not known 30%;
- interpreter: everyone whose practice noted one (Punjabi), and 1 in 5 of the other Asian people
  (Urdu, Bengali or Gujarati);
- reasonable adjustments: hearing loss and wheelchair use as the practice noted, plus 4% easy read;
- on the referral itself, the practice gave the equality questions for 6 in 10 people; the
  person's record holds what the officer later asked.

About 15% of referrals came from other sources (SOURCES): the referral is re-labelled after it
is stored, as if the manager had entered it on /referrals/other-source.
"""
from __future__ import annotations

import random

from faker.providers.person.en_GB import Provider as Names
from sqlalchemy import select

from app.extensions import db
from app.models import Referral, User
from app.models.base import long_date
from app.models.vocab import ReferralSource
from app.security import Role

FEMALE_NAMES = frozenset(Names.first_names_female)
ETHNICITY = {"A": 80.5, "B": 0.6, "C": 3.4, "D": 1.0, "E": 0.3, "F": 0.6, "G": 0.4, "H": 2.3, "J": 3.6,
             "K": 0.9, "L": 0.9, "M": 1.2, "N": 0.9, "P": 0.4, "R": 0.4, "S": 0.6}
LANGUAGES = {"H": ["Punjabi", "Gujarati"], "J": ["Urdu", "Punjabi"], "K": ["Bengali (Sylheti)"], "L": ["Tamil"]}
SOURCES = {  # source: (weight, organisations, (referrer role...))
    ReferralSource.SELF: (30, [""], ["Self"]),
    ReferralSource.FAMILY_OR_CARER: (15, [""], ["Daughter", "Son", "Husband", "Neighbour and carer"]),
    ReferralSource.COUNCIL: (15, ["Dudley Council adult social care", "Dudley Council housing"],
                             ["Social worker", "Housing officer"]),
    ReferralSource.VOLUNTARY_ORGANISATION: (15, ["Dudley Citizens Advice", "Age UK Dudley", "Dudley Mind"],
                                            ["Adviser", "Support worker"]),
    ReferralSource.HOSPITAL: (15, ["Russells Hall Hospital discharge team"], ["Discharge co-ordinator"]),
    ReferralSource.OTHER_NHS: (10, ["Community mental health team", "District nursing team"],
                               ["Nurse", "Care co-ordinator"]),
}


def _ethnicity(rng: random.Random, accessibility: str) -> str:
    if rng.random() < 0.12:
        return "Z"
    if "Punjabi" in accessibility:
        return rng.choice("HJ")
    return rng.choices(list(ETHNICITY), weights=list(ETHNICITY.values()))[0]


def details(rng: random.Random, referral: Referral) -> dict:
    """What the person would say, asked by their officer."""
    draw = rng.random()
    sex = "not_stated" if draw < 0.08 else "other" if draw < 0.09 else \
        "female" if referral.given_name in FEMALE_NAMES else "male"
    letter = _ethnicity(rng, referral.accessibility_needs)
    interpreter = "Punjabi" if "Punjabi" in referral.accessibility_needs else \
        rng.choice(LANGUAGES[letter]) if letter in LANGUAGES and rng.random() < 0.2 else ""
    adjustments = {"Hard of hearing": "Face them when speaking; a hearing loop at group sessions",
                   "Uses a wheelchair": "Step-free venues; allow extra time to arrive"}.get(
        referral.accessibility_needs, "Easy read letters" if rng.random() < 0.04 else "")
    return {"sex": sex, "ethnic_category": letter,
            "carer": rng.choices(["yes", "no", "not_known"], weights=[14, 56, 30])[0],
            "interpreter_needed": bool(interpreter), "preferred_language": interpreter,
            "reasonable_adjustments": adjustments, "reasonable_adjustments_flag": bool(adjustments)}


FIRST_NAMES = ["Sam", "Alex", "Jo", "Chris", "Pat", "Nadia", "Imran", "Grace", "Tom", "Priya"]
SURNAMES = ["Okafor", "Bennett", "Hussain", "Walsh", "Kaur", "Price", "Morgan", "Ali"]


def _other_source(rng: random.Random, referral: Referral, manager: User) -> None:
    source = rng.choices(list(SOURCES), weights=[weight for weight, _, _ in SOURCES.values()])[0]
    _, organisations, roles = SOURCES[source]
    referral.source, referral.source_organisation = source.value, rng.choice(organisations)
    referral.referrer_role = rng.choice(roles)
    referral.referrer_name = referral.full_name if source is ReferralSource.SELF else \
        f"{rng.choice(FIRST_NAMES)} {referral.family_name if source is ReferralSource.FAMILY_OR_CARER else rng.choice(SURNAMES)}"
    referral.submitted_by = manager  # the manager typed it in
    first = referral.events[0] if referral.events else None
    if first is not None:
        first.by = manager
        first.note = (f"Referred by {referral.source_description} on {long_date(referral.mdt_meeting_date)}, "
                      "entered by the link service")


def load(*, seed, summary) -> None:
    referrals = db.session.scalars(select(Referral).where(Referral.source == ReferralSource.GP_PRACTICE.value,
                                                          Referral.sex == "not_stated")
                                   .order_by(Referral.id)).all()
    manager = db.session.scalar(select(User).where(User.role == Role.MANAGER.value).order_by(User.id))
    others = 0
    for referral in referrals:
        own = random.Random(f"{seed}:equality:{referral.nhs_number}")
        said = details(own, referral)
        if own.random() < 0.6:  # the practice asked
            for name, value in said.items():
                setattr(referral, name, value)
        if referral.person is not None:
            for name, value in said.items():
                setattr(referral.person, name, value)
        if own.random() < 0.15:
            _other_source(own, referral, manager)
            others += 1
    db.session.flush()
    summary.extra.append(f"Equality details for {len(referrals)} people; {others} referrals from other sources.")
