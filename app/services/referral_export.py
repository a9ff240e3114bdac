"""A practice's referrals as CSV rows, with the SNOMED CT code its GP record needs for each.

871731000000106 *Referral to social prescribing service* is dated the person's first contact of
the episode (when they accepted), never later activity; 871711000000103 *Social prescribing
declined* is dated the day the person declined. A referral with neither (waiting, declined by the
service, or not yet contacted) has no code: nothing is guessed. Every cell goes through
`app.spreadsheet_safety`, so a name typed as a formula stays text.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.fhir.codes import REFERRAL_TO_SOCIAL_PRESCRIBING, SNOMED_DISPLAY, SOCIAL_PRESCRIBING_DECLINED
from app.models import Practice, Referral
from app.models.base import uk_local
from app.models.referral import ReferralStatus
from app.spreadsheet_safety import safe_row

HEADER = ["referral_id", "nhs_number", "given_name", "family_name", "date_of_birth", "received_on",
          "mdt_meeting_date", "status", "first_contact_on", "person_declined_on", "discharged_on",
          "snomed_ct_code", "snomed_ct_term", "code_date"]


def code_for(referral: Referral) -> tuple[str, str, str]:
    """(code, term, date) for the GP record, or three empty strings."""
    if referral.status == ReferralStatus.DECLINED_BY_PERSON.value and referral.person_declined_on:
        return (SOCIAL_PRESCRIBING_DECLINED, SNOMED_DISPLAY[SOCIAL_PRESCRIBING_DECLINED],
                referral.person_declined_on.isoformat())
    first = referral.episode.first_contact_on if referral.episode else None
    if first is not None:
        return (REFERRAL_TO_SOCIAL_PRESCRIBING, SNOMED_DISPLAY[REFERRAL_TO_SOCIAL_PRESCRIBING], first.isoformat())
    return "", "", ""


def referrals_of(practice: Practice) -> list[Referral]:
    return list(db.session.scalars(
        select(Referral).where(Referral.practice_id == practice.id)
        .options(selectinload(Referral.episode)).order_by(Referral.received_at, Referral.id)))


def rows(referrals: list[Referral]) -> Iterator[list]:
    yield HEADER
    for referral in referrals:
        episode = referral.episode
        yield safe_row([  # the day received is the UK's, as the pages show it
            referral.id, referral.nhs_number, referral.given_name, referral.family_name,
            referral.date_of_birth.isoformat(), uk_local(referral.received_at).date().isoformat(),
            referral.mdt_meeting_date.isoformat(), referral.status_enum.label,
            episode.first_contact_on.isoformat() if episode and episode.first_contact_on else "",
            referral.person_declined_on.isoformat() if referral.person_declined_on else "",
            episode.discharged_on.isoformat() if episode and episode.discharged_on
            and referral.status == ReferralStatus.DISCHARGED.value else "",
            *code_for(referral)])
