"""Demo referrals: every status, across every practice, over the last 18 months.

Referrals go through the same services a practice and the manager use (submit, accept,
allocate, decline, ask a question); only their timestamps are then moved back to the
synthetic dates, because the services stamp "now". The model is in seed/MODEL.md.

Adds world["episodes"]: the open and to-be-discharged episodes, each with a transient
`demo_stage` attribute ("allocated", "first_contact", "in_support" or "discharged") that
seed/support.py uses to fill in the support that followed.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.extensions import db
from app.models import Referral, ReferralEvent, User
from app.models.base import uk_local, uk_today, utcnow
from app.models.risk import PersonRisk
from app.models.vocab import ContactMethod, HomeVisitRisk, NeedArea
from app.security import Role
from app.services import referrals, triage
from seed.identities import nhs_numbers, postcode, street_address
from seed.working_days import working_day

HISTORY_DAYS = 548  # 18 months
# Prevalence of each need area at referral (Integrated Plus, seed 004: over 70% of people over
# 35 lonely or isolated, 60% depressed/stressed/anxious, 50% with a long-term condition; the
# others are this model's assumptions, documented in seed/MODEL.md).
NEED_PREVALENCE = {
    NeedArea.LONELINESS: 0.72, NeedArea.LOW_MOOD: 0.60, NeedArea.LONG_TERM_CONDITION: 0.50,
    NeedArea.NAVIGATING_CARE: 0.30, NeedArea.BENEFITS: 0.28, NeedArea.DEBT: 0.22, NeedArea.HOUSING: 0.14,
    NeedArea.HEATING: 0.16, NeedArea.FOOD: 0.10, NeedArea.HOUSEHOLD: 0.12, NeedArea.FAMILY: 0.20,
    NeedArea.BEREAVEMENT: 0.15, NeedArea.CARER_SUPPORT: 0.10, NeedArea.EMPLOYMENT: 0.06,
    NeedArea.VOLUNTEERING: 0.08, NeedArea.PHYSICAL_ACTIVITY: 0.18, NeedArea.DIGITAL_INCLUSION: 0.12,
}
CONCERNS = [
    "Attends the surgery most weeks; lives alone since {pronoun} partner died.",
    "Frequent calls to the practice about pain; low mood and not leaving the house.",
    "Struggling with bills and the heating; worried about losing the flat.",
    "Carer for a spouse with dementia and close to breaking point.",
    "Repeated A&E visits after falls; family live far away.",
    "Anxious and isolated; stopped going to the day centre.",
]
DECLINE_REASONS = ["Lives outside the service area", "Already supported by another link service",
                   "The person changed their mind when we phoned"]
ROLES = ["GP partner", "Salaried GP", "Practice nurse", "Care co-ordinator", "Practice manager"]


def _age(rng) -> int:
    return rng.choice([rng.randint(19, 34)] + [rng.randint(36, 94)] * 11)


def _needs(rng, age: int) -> list[str]:
    chosen = [area.value for area, p in NEED_PREVALENCE.items()
              if rng.random() < (p if area is not NeedArea.LONELINESS or age > 35 else 0.4)]
    return chosen or [NeedArea.LONELINESS.value]


def _stage(rng, age_days: int) -> str:
    """The referral's status today, given how long ago it was received."""
    if rng.random() < 0.07:
        return "declined"
    if age_days < 7:
        return rng.choice(["received", "received", "more_info_requested", "accepted"])
    if age_days < 21:
        return rng.choice(["received", "allocated", "allocated", "first_contact"])
    if age_days < 120:
        return rng.choice(["allocated", "first_contact", "in_support", "in_support", "discharged"])
    return "discharged" if rng.random() < 0.85 else "in_support"


STEP = timedelta(days=2, hours=1)  # between one status move and the next, when there has been time


def history_moments(received: datetime, now: datetime, moves: int) -> list[datetime]:
    """When each of a referral's `moves` status moves happened (its arrival first): every two days
    or so, or, for a referral received in the last few days, evenly between then and `now`."""
    step = min(STEP, (now - received) / max(moves, 3))
    return [received + index * step for index in range(max(moves, 3))]


def _backdate(referral: Referral, received: datetime, now: datetime) -> None:
    """Spread the referral's history over the days after `received`, never after `now`."""
    referral.received_at = received
    events = db.session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
                                .order_by(ReferralEvent.id)).all()
    moments = history_moments(received, now, len(events))  # received, accepted, allocated at least
    for event, moment in zip(events, moments):
        event.at = moment
    if referral.episode is not None:
        full = moments[1] - received == STEP
        referral.episode.opened_at = received + timedelta(days=2) if full else moments[1]
        if referral.episode.allocated_at:
            referral.episode.allocated_at = moments[2]
            referral.episode.officer_seen_at = None


def _risks_from_the_referral_dated_as_it() -> None:
    """Risks an accepted referral carried into the person's record are recorded at the referral's
    arrival (app/services/risks.py, copy_from_referral), which `_backdate` moved after the service
    had stamped it: "recorded 3 November from the referral", not the day of the load. One UPDATE."""
    received = select(Referral.received_at).where(Referral.id == PersonRisk.from_referral_id).scalar_subquery()
    db.session.execute(update(PersonRisk).where(PersonRisk.from_referral_id.is_not(None))
                       .values(recorded_at=received).execution_options(synchronize_session=False))


def _on_a_weekday(when):
    """A day (or a stored moment, by the UK's calendar) on a Saturday or Sunday moved back to the
    Friday before: practices hold their MDT meetings and send referrals in the working week.
    Nothing more is drawn: the referrals' people, needs and statuses are those of the same seed."""
    day = uk_local(when).date() if isinstance(when, datetime) else when
    return when - (day - working_day(day, day - timedelta(days=2), day))


def load(*, rng, fake, world: dict, people: int, summary) -> None:
    manager = db.session.scalar(select(User).where(User.role == Role.MANAGER.value))
    officers_by_locality: dict[int, list[User]] = {}
    for officer in world["officers"]:
        officers_by_locality.setdefault(officer.locality_id, []).append(officer)
    gp_by_practice = {user.practice_id: user for user in world["practice_users"]}
    numbers = nhs_numbers(rng)
    now = utcnow()
    episodes = []
    for index in range(people):
        practice = rng.choice(world["practices"])
        age_days = int(HISTORY_DAYS * (rng.random() ** 1.3))
        received = _on_a_weekday(now - timedelta(days=age_days, hours=rng.randint(0, 8)))
        age = _age(rng)
        born = uk_today() - timedelta(days=365 * age + rng.randint(0, 364))
        sex = rng.choice(["female", "male"])
        given = fake.first_name_female() if sex == "female" else fake.first_name_male()
        meeting = _on_a_weekday(uk_local(received).date() - timedelta(days=rng.randint(0, 3)))
        details = dict(
            by=gp_by_practice[practice.id], practice=practice, given_name=given, family_name=fake.last_name(),
            date_of_birth=born, nhs_number=next(numbers), address=f"{street_address(fake)}\n{practice.locality.name}",
            postcode=postcode(rng, practice.locality.name),
            phone=f"01384 {rng.randint(100000, 999999)}", contact_method=rng.choice(list(ContactMethod)).value,
            contact_times=rng.choice(["", "Mornings", "Afternoons", "Not on Wednesdays (dialysis)"]),
            accessibility_needs=rng.choice(["", "", "", "Punjabi interpreter", "Hard of hearing", "Uses a wheelchair"]),
            need_areas=_needs(rng, age), concerns=rng.choice(CONCERNS).format(pronoun=rng.choice(["her", "his"])),
            risks=[risk.value for risk in HomeVisitRisk if rng.random() < 0.08], risk_notes="",
            referrer_name=f"Dr {fake.last_name()}", referrer_role=rng.choice(ROLES), mdt_meeting_date=meeting,
            consent_to_referral=True, consent_to_share=True)
        stage = _stage(rng, age_days)
        officer = rng.choice(officers_by_locality.get(practice.locality_id) or world["officers"])
        reason = rng.choice(DECLINE_REASONS)
        if db.session.scalar(select(Referral.id).where(Referral.nhs_number == details["nhs_number"]).limit(1)):
            continue  # loaded before: loading twice changes nothing
        referral = referrals.submit(**details)
        episode = _decide(referral, stage, manager, officer, reason)
        _backdate(referral, received, now)
        if episode is not None:
            episode.demo_stage = stage if stage in ("first_contact", "in_support", "discharged") else "allocated"
            episodes.append(episode)
    db.session.flush()
    _risks_from_the_referral_dated_as_it()
    world["episodes"] = episodes
    summary.extra.append(f"{people} referrals over the last 18 months; {len(episodes)} people allocated to officers.")


def _decide(referral: Referral, stage: str, manager: User, officer: User, reason: str):
    """Take the manager's decision that leads to `stage`; returns the episode if one was opened."""
    if stage == "received":
        return None
    if stage == "more_info_requested":
        triage.request_information(by=manager, referral=referral, version=referral.version,
                                   question="Does the person have a carer or family nearby?")
        return None
    if stage == "declined":
        triage.decline(by=manager, referral=referral, version=referral.version, reason=reason)
        return None
    return triage.accept(by=manager, referral=referral, version=referral.version,
                         officer=None if stage == "accepted" else officer)
