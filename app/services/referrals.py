"""A practice submits a referral; duplicates are caught before a second one is made."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Episode, Person, Practice, Referral, ReferralEvent, ReferralNeed, ReferralRisk, User
from app.models.base import long_date
from app.models.referral import TERMINAL, ReferralStatus
from app.models.vocab import ContactMethod, HomeVisitRisk, NeedArea, ReferralSource
from app.services import audit, equality
from app.services.errors import RuleBroken
from app.services.locking import check_version
from app.validators import normalise_address, normalise_nhs_number, normalise_postcode


class DuplicateReferral(RuleBroken):
    """The person already has an open referral or support episode.

    A practice may learn only that the person is known to the link service: the existing record
    may be another practice's patient, so it is not carried to the page at all. `own_referral_id`
    is set only when the open referral came from the same practice, to point it to a page it may
    already open."""

    def __init__(self, *, existing: Referral, practice: Practice):
        self.own_referral_id = existing.id if existing.practice_id == practice.id else None
        self.existing_referral_id = existing.id  # for the link service's own pages only, never a practice's
        super().__init__("Your practice has already referred this person" if self.own_referral_id else
                         "This person is already known to the link service. Contact the link service about them",
                         field="nhs_number")


SOURCE_ORGANISATION_MAX = 120
# Sources that are organisations: the referral must name which one. (A practice is named by `practice`.)
ORGANISATION_SOURCES = frozenset({ReferralSource.COUNCIL, ReferralSource.VOLUNTARY_ORGANISATION,
                                  ReferralSource.HOSPITAL, ReferralSource.OTHER_NHS})


def _source(value: str) -> ReferralSource:
    try:
        return ReferralSource(value)
    except ValueError:
        raise RuleBroken("Choose who made the referral from the list", field="source") from None


@dataclass(frozen=True)
class MeetingDefaults:
    """What "Save and refer another" carries over to the next referral from the same meeting."""
    referrer_name: str
    referrer_role: str
    mdt_meeting_date: date


def open_referral_for(nhs_number: str) -> Referral | None:
    """The person's open referral, or the referral behind their open support episode."""
    open_statuses = [status.value for status in ReferralStatus if status not in TERMINAL]
    found = db.session.scalar(select(Referral).where(Referral.nhs_number == nhs_number,
                                                     Referral.status.in_(open_statuses))
                              .order_by(Referral.received_at.desc()))
    if found:
        return found
    return db.session.scalar(select(Referral).join(Episode, Episode.referral_id == Referral.id)
                             .join(Person, Person.id == Episode.person_id)
                             .where(Person.nhs_number == nhs_number, Episode.discharged_on.is_(None)))


def submit(*, by: User, practice: Practice, given_name: str, family_name: str, date_of_birth: date,
           nhs_number: str, address: str, postcode: str, phone: str, contact_method: str,
           contact_times: str, accessibility_needs: str, need_areas: list[str], concerns: str,
           risks: list[str], risk_notes: str, referrer_name: str, referrer_role: str,
           mdt_meeting_date: date, consent_to_referral: bool, consent_to_share: bool,
           on_stored: Callable[[Referral], None] | None = None,
           source: str = ReferralSource.GP_PRACTICE.value, source_organisation: str = "",
           **equality_details) -> Referral:
    """Store a referral for a person registered with `practice`. Both consents are required
    (seed 000: consent to referral and to release of information is a legal requirement); one
    open referral per NHS number. `on_stored` runs with the new referral just before the one
    commit, so what a caller keeps with it (the FHIR intake's original message) is stored in the
    same transaction or not at all.

    `source` is who sent it (a practice's own referrals, by default; the manager enters the
    others, naming `source_organisation`); `equality_details` are the optional columns of
    services/equality.py, "not stated" when left out."""
    source_ = _source(source)
    source_organisation = (source_organisation or "").strip()
    if len(source_organisation) > SOURCE_ORGANISATION_MAX:
        raise RuleBroken(f"Organisation must be {SOURCE_ORGANISATION_MAX} characters or fewer",
                         field="source_organisation")
    if source_ in ORGANISATION_SOURCES and not source_organisation:
        raise RuleBroken(f"Enter the name of the {source_.label.lower()} that made the referral",
                         field="source_organisation")
    equality_values = equality.clean(**equality_details)
    if not consent_to_referral:
        raise RuleBroken("The person must agree to be referred", field="consent_to_referral")
    if not consent_to_share:
        raise RuleBroken("The person must agree to their information being shared", field="consent_to_share")
    nhs_number = normalise_nhs_number(nhs_number)
    postcode = normalise_postcode(postcode)
    ContactMethod(contact_method)
    if not need_areas:
        raise RuleBroken("Tick at least one reason for the referral", field="need_areas")
    existing = open_referral_for(nhs_number)
    if existing is not None:
        # Telling a practice that someone is known to the service is itself a disclosure: audit it.
        audit.record(by=by, action="referral.duplicate_refused", subject_type="referral", subject_id=existing.id,
                     detail=f"practice {practice.ods_code}", person_id=existing.person_id)
        db.session.commit()
        raise DuplicateReferral(existing=existing, practice=practice)
    referral = Referral(
        practice=practice, submitted_by=by, status=ReferralStatus.RECEIVED.value, nhs_number=nhs_number,
        given_name=given_name.strip(), family_name=family_name.strip(), date_of_birth=date_of_birth,
        address=normalise_address(address), postcode=postcode, phone=phone.strip(), contact_method=contact_method,
        contact_times=contact_times.strip(), accessibility_needs=accessibility_needs.strip(),
        concerns=concerns.strip(), risk_notes=risk_notes.strip(), referrer_name=referrer_name.strip(),
        referrer_role=referrer_role.strip(), mdt_meeting_date=mdt_meeting_date,
        consent_to_referral=True, consent_to_share=True, source=source_.value,
        source_organisation=source_organisation, **equality_values)
    referral.needs = [ReferralNeed(area=NeedArea(area).value) for area in dict.fromkeys(need_areas)]
    referral.risks = [ReferralRisk(risk=HomeVisitRisk(risk).value) for risk in dict.fromkeys(risks)]
    db.session.add(referral)
    db.session.flush()
    note = (f"Referred from the MDT meeting on {long_date(mdt_meeting_date)}" if source_ is ReferralSource.GP_PRACTICE
            else f"Referred by {referral.source_description} on {long_date(mdt_meeting_date)}, "
                 "entered by the link service")
    db.session.add(ReferralEvent(referral=referral, by=by, from_status=None, to_status=ReferralStatus.RECEIVED.value,
                                 note=note))
    audit.record(by=by, action="referral.submit", subject_type="referral", subject_id=referral.id,
                 detail=f"practice {practice.ods_code}" + ("" if source_ is ReferralSource.GP_PRACTICE
                                                           else f"; source {source_.value}"))
    if on_stored is not None:
        on_stored(referral)
    db.session.commit()
    return referral


def answer_question(*, by: User, referral: Referral, answer: str, version: int) -> None:
    """The practice answers the manager's request for more information; triage sees it again."""
    from app.services import referral_status

    check_version(referral, version, what="this referral")
    if referral.status_enum is not ReferralStatus.MORE_INFO_REQUESTED:
        raise RuleBroken("This referral is not waiting for an answer")
    referral.info_answer = answer.strip()
    referral_status.move(by=by, referral=referral, to=ReferralStatus.RECEIVED,
                         note=f"The practice answered: {answer.strip()}")
    db.session.commit()
