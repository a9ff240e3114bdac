"""Discharge: the end of an episode, with a summary the practice sees on its referral."""
from __future__ import annotations

from datetime import date

from sqlalchemy import update

from app.extensions import db
from app.models import Contact, Episode, HomeVisit, User
from app.models.base import uk_local, uk_today
from app.models.contact import ContactStatus
from app.models.outbox import OutboxEvent
from app.models.person import DischargeReason
from app.models.referral import ReferralStatus
from app.services import casework, outbox, referral_status
from app.services.errors import RuleBroken
from app.services.locking import check_version


def discharge(*, by: User, episode: Episode, reason: str, summary: str, on: date, version) -> Episode:
    """Close the episode. The summary goes to the practice as the note on the referral's
    'discharged' step (never case notes); planned contacts are cancelled. Refused while a home
    visit is still checked in."""
    casework.require_open(episode)
    check_version(episode, version, what="this support record")
    try:
        reason_ = DischargeReason(reason)
    except ValueError:
        raise RuleBroken("Choose the reason support is ending", field="reason")
    if not summary.strip():
        raise RuleBroken("Write a summary for the practice: what support was given and where the person was "
                         "linked to", field="summary")
    if on > uk_today():
        raise RuleBroken("The discharge date cannot be in the future", field="on")
    if on < uk_local(episode.opened_at).date():
        raise RuleBroken("The discharge date cannot be before support began", field="on")
    if any(visit.checked_out_at is None for visit in db.session.query(HomeVisit).filter_by(episode_id=episode.id)):
        raise RuleBroken("A home visit to this person is still checked in. Check out of it first.")
    episode.discharged_on, episode.discharge_reason = on, reason_.value
    episode.discharge_summary = summary.strip()
    db.session.execute(update(Contact).where(Contact.episode_id == episode.id,
                                             Contact.status == ContactStatus.PLANNED.value)
                       .values(status=ContactStatus.CANCELLED.value, version=Contact.version + 1))
    referral_status.move(by=by, referral=episode.referral, to=ReferralStatus.DISCHARGED, note=summary.strip())
    casework.record(by=by, episode=episode, action="episode.discharge", detail=reason_.value)
    outbox.add(referral=episode.referral, event_=OutboxEvent.DISCHARGED)  # with the summary, if it came by API
    db.session.commit()
    return episode
