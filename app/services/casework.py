"""Rules shared by every change to a support record: the episode must be open, the change is
audited against the person, and the referral's status follows the work done.

Status moves (shown to the practice on its referral):
- the first contact that is *held* (any kind) sets `episode.first_contact_on` and moves the
  referral to `first_contact`;
- the support plan is agreed — the first need or goal is recorded once first contact has been
  made, or a held contact is recorded when needs or goals already exist, or a second contact is
  held — and the referral moves to `in_support`;
- discharge moves it to `discharged` with the discharge summary as the note (services/discharge.py).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import Contact, Episode, Goal, Need, User
from app.models.base import long_date
from app.models.contact import ContactStatus
from app.models.referral import ReferralStatus
from app.services import audit, referral_status
from app.services.errors import RuleBroken


def require_open(episode: Episode) -> None:
    if not episode.is_open:
        raise RuleBroken(f"Support ended on {long_date(episode.discharged_on)}; this record can no longer be changed. "
                         "If the person needs support again, the practice can make a new referral.")


def _detail(episode: Episode, detail: str) -> str:
    return f"episode {episode.id}: {detail}" if detail else f"episode {episode.id}"


def record(*, by: User | None, episode: Episode, action: str, detail: str = "") -> None:
    """Audit a change of a person's support record, against the person."""
    audit.record(by=by, action=action, subject_type="person", subject_id=episode.person_id,
                 detail=_detail(episode, detail))


def _move(by: User | None, episode: Episode, to: ReferralStatus, note: str) -> None:
    referral = episode.referral
    if referral.status_enum is not to and referral.status_enum.can_move_to(to):
        referral_status.move(by=by, referral=referral, to=to, note=note)


def _held_contacts(episode: Episode) -> int:
    return db.session.scalar(select(func.count(Contact.id)).where(
        Contact.episode_id == episode.id, Contact.status == ContactStatus.HELD.value)) or 0


def _has_plan(episode: Episode) -> bool:
    needs = db.session.scalar(select(func.count(Need.id)).where(Need.episode_id == episode.id)) or 0
    goals = db.session.scalar(select(func.count(Goal.id)).where(Goal.episode_id == episode.id)) or 0
    return bool(needs or goals)


def keep_last_contact(episode: Episode) -> None:
    """Keep `episode.last_contact_on` (the caseload's "last contact") equal to its last held
    contact; call after a held contact is added or its date corrected (flushed). Written past the
    ORM so that it does not move the episode's version: logging a contact is no edit of the record
    that someone else's open form should be refused over."""
    from sqlalchemy import update
    from sqlalchemy.orm.attributes import set_committed_value

    last = db.session.scalar(select(func.max(Contact.contact_on)).where(
        Contact.episode_id == episode.id, Contact.status == ContactStatus.HELD.value))
    # The session's copy is set just below, so the UPDATE need not search the session for it.
    db.session.execute(update(Episode).where(Episode.id == episode.id).values(last_contact_on=last)
                       .execution_options(synchronize_session=False))
    set_committed_value(episode, "last_contact_on", last)


def keep_later_contact(episode: Episode, on: date) -> None:
    """A held contact on `on` was added: the last contact is the later of it and the one kept.
    One UPDATE, decided in the database (so a contact another officer logs meanwhile is never
    lost), instead of searching the episode's contacts again; past the ORM, as keep_last_contact."""
    from sqlalchemy import case, or_, update
    from sqlalchemy.orm.attributes import set_committed_value

    db.session.execute(update(Episode).where(Episode.id == episode.id).values(last_contact_on=case(
        (or_(Episode.last_contact_on.is_(None), Episode.last_contact_on < on), on),
        else_=Episode.last_contact_on)).execution_options(synchronize_session=False))
    kept = episode.last_contact_on
    set_committed_value(episode, "last_contact_on", on if kept is None or kept < on else kept)


def contact_held(*, by: User | None, episode: Episode, on: date) -> None:
    """Call after a held contact is added (flushed): first contact, then in support when due."""
    db.session.flush()
    keep_later_contact(episode, on)
    if episode.first_contact_on is None or on < episode.first_contact_on:
        first = episode.first_contact_on is None
        episode.first_contact_on = on
        if first:
            _move(by, episode, ReferralStatus.FIRST_CONTACT, f"First contact on {long_date(on)}")
    referral = episode.referral
    if referral.status_enum is ReferralStatus.IN_SUPPORT \
            or not referral.status_enum.can_move_to(ReferralStatus.IN_SUPPORT):
        return  # already in support (the usual case: most contacts come later), or past it
    if _has_plan(episode) or _held_contacts(episode) >= 2:
        _move(by, episode, ReferralStatus.IN_SUPPORT, "Support plan agreed with the person")


def plan_agreed(*, by: User | None, episode: Episode) -> None:
    """Call after a need or goal is added: once first contact is made the person is in support."""
    if episode.first_contact_on is not None:
        _move(by, episode, ReferralStatus.IN_SUPPORT, "Support plan agreed with the person")


def viewed(*, by: User, episode: Episode) -> None:
    """Every view of a support record is audited. The allocated officer's first view also ends
    'newly allocated' on their caseload."""
    from app.models.base import utcnow

    if episode.officer_id == by.id and episode.officer_seen_at is None:
        episode.officer_seen_at = utcnow()
    # The event as rows (audit.viewed), after the change above is flushed; one commit for both.
    audit.viewed(by=by, action="person.view", subject_type="person", subject_id=episode.person_id,
                 detail=_detail(episode, "" if episode.is_open else "discharged"))
