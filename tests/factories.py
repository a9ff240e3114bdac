"""Factories: build just enough of the world for a test, with obvious values."""
from __future__ import annotations

import itertools

from app.extensions import db
from app.models import Locality, Practice, User
from app.security import Role

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def locality(name: str | None = None) -> Locality:
    item = Locality(name=name or f"Locality {next(_sequence)}")
    db.session.add(item)
    db.session.commit()
    return item


def practice(ods_code: str | None = None, name: str | None = None, locality_: Locality | None = None) -> Practice:
    number = next(_sequence)
    item = Practice(ods_code=ods_code or f"Y{10000 + number:05d}", name=name or f"Practice {number}",
                    locality=locality_ or locality())
    db.session.add(item)
    db.session.commit()
    return item


def user(role: str = Role.MANAGER, *, email: str | None = None, name: str | None = None,
         practice_: Practice | None = None, locality_: Locality | None = None, active: bool = True,
         password: str = PASSWORD) -> User:
    role = Role(role)
    if role is Role.GP_PRACTICE and practice_ is None:
        practice_ = practice()
    number = next(_sequence)
    item = User(email=email or f"{role.value}{number}@example.nhs.uk", name=name or f"{role.label} {number}",
                role=role.value, practice=practice_, locality=locality_, active=active)
    item.set_password(password)
    db.session.add(item)
    db.session.commit()
    return item


# --- referrals, people and support episodes -------------------------------------------
from datetime import date, timedelta  # noqa: E402

from app.models import Episode, Person, Referral, ReferralEvent, ReferralNeed, ReferralRisk  # noqa: E402
from app.models.base import uk_today, utcnow  # noqa: E402

def nhs_number(index: int | None = None) -> str:
    """A valid NHS number from the 999 range reserved for testing (check digit by nhs-number).

    Each index owns its own block of 16 stems, so two indexes never give the same number even
    when a stem has no valid check digit. Numbers the factories draw themselves start at index
    5001, so a test that names an index below 5000 never meets one of them: a referral made by
    default had taken its worker's running count as its index, and once that count reached 301 it
    was the reach journey's "Maureen", refused as a duplicate."""
    from nhs_number import is_valid

    number = index if index is not None else 5000 + next(_sequence)
    for stem in range(999_000_000 + number * 16, 999_000_000 + number * 16 + 16):
        for check in range(10):
            if is_valid(f"{stem}{check}"):
                return f"{stem}{check}"
    raise AssertionError(f"no valid NHS number near index {number}")


def referral(practice_: Practice | None = None, *, status: str = "received", needs=("loneliness",),
             risks=(), nhs: str | None = None, given_name: str = "Ada", family_name: str | None = None,
             mdt_meeting_date: date | None = None, received_days_ago: int = 3, by: User | None = None,
             source: str = "gp_practice", source_organisation: str = "", postcode: str = "DY1 1AA",
             **equality) -> Referral:
    """A referral as stored; `equality` sets sex, ethnic_category, carer... (default not stated)."""
    practice_ = practice_ or practice()
    number = next(_sequence)
    item = Referral(
        practice=practice_, status=status, nhs_number=nhs or nhs_number(5000 + number), given_name=given_name,
        family_name=family_name or f"Testperson{number}", date_of_birth=date(1950, 5, 17),
        address="1 Test Street\nDudley", postcode=postcode, phone="01384 000000", contact_method="phone",
        referrer_name="Dr Test", referrer_role="GP", mdt_meeting_date=mdt_meeting_date or uk_today() - timedelta(days=7),
        consent_to_referral=True, consent_to_share=True, concerns="Visits the GP every week; lonely since bereavement.",
        received_at=utcnow() - timedelta(days=received_days_ago),
        decline_reason="Not eligible" if status == "declined" else None, submitted_by=by,
        source=source, source_organisation=source_organisation, **equality)
    item.needs = [ReferralNeed(area=area) for area in needs]
    item.risks = [ReferralRisk(risk=risk) for risk in risks]
    item.events = [ReferralEvent(from_status=None, to_status="received", by=by, at=item.received_at)]
    db.session.add(item)
    db.session.commit()
    return item


def episode(officer: User | None = None, *, referral_: Referral | None = None, status: str = "allocated",
            first_contact_on: date | None = None, seen: bool = False) -> Episode:
    """An accepted referral with its person and an open episode allocated to `officer`."""
    referral_ = referral_ or referral(status=status)
    referral_.status = status
    person = Person(nhs_number=referral_.nhs_number, given_name=referral_.given_name,
                    family_name=referral_.family_name, date_of_birth=referral_.date_of_birth,
                    address=referral_.address, postcode=referral_.postcode, phone=referral_.phone,
                    contact_method=referral_.contact_method, practice=referral_.practice)
    referral_.person = person
    person.take_stated_equality_from(referral_)
    item = Episode(person=person, referral=referral_, officer=officer, allocated_at=utcnow() if officer else None,
                   officer_seen_at=utcnow() if seen else None, first_contact_on=first_contact_on)
    db.session.add(item)
    from app.services.risks import copy_from_referral  # as accepting does: ticked risks start the record
    copy_from_referral(by=None, person=person, referral=referral_)
    db.session.commit()
    return item


# --- community directory ------------------------------------------------------------------
def directory_service(name: str = "Befriending service", *, organisation: str = "Dudley Befriending",
                      sector: str = "voluntary", need_areas=("loneliness",), localities=(), schedule: str = "",
                      phone: str = "01384 000111", checked_on: date | None = None, **details):
    """A directory service added as a manager would (through app.services.directory.create)."""
    from app.services import directory as directory_service

    fields = directory_service.ServiceDetails(
        name=name, organisation_name=organisation, sector=sector, need_areas=list(need_areas),
        locality_ids=[loc.id for loc in localities], schedule=schedule, phone=phone, **details)
    return directory_service.create(by=None, details=fields, checked_on=checked_on)


# --- outcomes and the dashboard -------------------------------------------------------------
def supported_person(practice_: Practice | None = None, *, referred_on: date, needs=("loneliness",),
                     born: date = date(1950, 5, 17), first_contact_on: date | None = None,
                     discharged_on: date | None = None, officer: User | None = None,
                     given_name: str = "Ada") -> Episode:
    """A person whose referral (received on `referred_on`) was accepted into an episode."""
    from datetime import datetime

    # Spaced NHS numbers of our own: neighbouring stems can share a number when one has no check digit.
    item = referral(practice_, status="in_support", needs=needs, given_name=given_name,
                    nhs=nhs_number(30_000 + next(_sequence)))
    item.received_at = datetime.combine(referred_on, datetime.min.time()).replace(hour=10)
    item.date_of_birth = born
    found = episode(officer, referral_=item, status="discharged" if discharged_on else "in_support",
                    first_contact_on=first_contact_on)
    found.opened_at = item.received_at
    if discharged_on:
        found.discharged_on, found.discharge_reason = discharged_on, "goals_met"
    db.session.commit()
    return found


def activity(person: Person, on: date, activity_type: str = "gp_surgery", count: int = 1):
    """One row of practice activity for a person (as an imported extract would hold it)."""
    from app.models import Activity

    item = Activity(practice_id=person.practice_id, person_id=person.id, activity_date=on,
                    activity_type=activity_type, count=count)
    db.session.add(item)
    db.session.commit()
    return item
