"""The person declines social prescribing: an outcome of its own, distinct from the service
declining a referral.

Recorded by the manager (who may phone the person while the referral waits in triage) or the
link officer (at the first attempt to make contact), with the day the person said so and their
reason in their words. Allowed until first contact is made: after that, the person ending
support is a discharge ("chose to end support"). An open episode with no contact is closed on
the same day. The practice sees it on its referral ("Person declined"), the GP record gets
SNOMED CT 871711000000103 *Social prescribing declined* in the message back and the CSV, and the
dashboard counts it as its own outcome.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import update

from app.extensions import db
from app.models import Contact, Referral, User
from app.models.base import long_date, uk_local, uk_today
from app.models.contact import ContactStatus
from app.models.outbox import OutboxEvent
from app.models.person import DischargeReason
from app.models.referral import ReferralStatus
from app.services import audit, outbox, referral_status
from app.services.errors import RuleBroken
from app.services.locking import check_version

MAX_REASON = 2000


def can_record(referral: Referral) -> bool:
    return referral.status_enum.can_move_to(ReferralStatus.DECLINED_BY_PERSON)


def record(*, by: User, referral: Referral, version, on: date | None, reason: str) -> Referral:
    check_version(referral, version, what="this referral")
    if not can_record(referral):
        raise RuleBroken(f"A referral that is '{referral.status_enum.label}' cannot be recorded as declined by the "
                         "person. Once first contact is made, discharge with the reason 'Chose to end support'.")
    reason = (reason or "").strip()
    if not reason:
        raise RuleBroken("Write what the person said, in their words; the practice will see it", field="reason")
    if len(reason) > MAX_REASON:
        raise RuleBroken(f"Keep the reason to {MAX_REASON} characters or fewer", field="reason")
    if on is None:
        raise RuleBroken("Enter the date the person declined", field="on")
    if on > uk_today():
        raise RuleBroken("The date the person declined cannot be in the future", field="on")
    arrived = uk_local(referral.received_at).date()
    if on < arrived:
        raise RuleBroken(f"The date cannot be before the referral arrived ({long_date(arrived)})",
                         field="on")
    referral.decline_reason, referral.person_declined_on = reason, on
    episode = referral.episode
    if episode is not None and episode.is_open:
        episode.discharged_on = max(on, uk_local(episode.opened_at).date())
        episode.discharge_reason = DischargeReason.CHOSE_TO_END.value
        episode.discharge_summary = f"Declined social prescribing before first contact: {reason}"
        db.session.execute(update(Contact).where(Contact.episode_id == episode.id,
                                                 Contact.status == ContactStatus.PLANNED.value)
                           .values(status=ContactStatus.CANCELLED.value, version=Contact.version + 1))
        audit.record(by=by, action="episode.person_declined", subject_type="person", subject_id=episode.person_id,
                     detail=f"episode {episode.id}")
    referral_status.move(by=by, referral=referral, to=ReferralStatus.DECLINED_BY_PERSON,
                         note=f"The person declined on {long_date(on)}: {reason}")
    outbox.add(referral=referral, event_=OutboxEvent.DECLINED_BY_PERSON)
    db.session.commit()
    return referral
