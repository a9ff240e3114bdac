"""The contact log: contacts held with the person, and the ones planned next."""
from __future__ import annotations

from datetime import date, time

from app.extensions import db
from app.models import Contact, Episode, User
from app.models.base import uk_today
from app.models.contact import ContactKind, ContactStatus
from app.services import casework
from app.services.errors import RuleBroken
from app.services.locking import check_version

MAX_MINUTES = 12 * 60


def _kind(value: str) -> ContactKind:
    try:
        return ContactKind(value)
    except ValueError:
        raise RuleBroken("Choose the kind of contact", field="kind")


def _check_held(on: date, duration_minutes: int | None) -> None:
    if on > uk_today():
        raise RuleBroken("A contact that has happened cannot be in the future; plan it instead", field="contact_on")
    if not duration_minutes or duration_minutes < 1 or duration_minutes > MAX_MINUTES:
        raise RuleBroken("Enter how long the contact lasted, in minutes (1 to 720)", field="duration_minutes")


def record(*, by: User, episode: Episode, kind: str, status: str, on: date, at_time: time | None = None,
           duration_minutes: int | None = None, who_was_there: str = "", notes: str = "",
           commit: bool = True) -> Contact:
    """Log a held contact (with its duration) or plan one. A held contact may be the first contact
    or agree the plan, which moves the practice's referral on (services/casework.py)."""
    casework.require_open(episode)
    kind_ = _kind(kind)
    try:
        status_ = ContactStatus(status)
    except ValueError:
        raise RuleBroken("Say whether the contact happened or is planned", field="status")
    if status_ is ContactStatus.HELD:
        _check_held(on, duration_minutes)
    elif status_ is ContactStatus.PLANNED:
        if on < uk_today():
            raise RuleBroken("A planned contact must be today or later", field="contact_on")
        duration_minutes = None
    else:
        raise RuleBroken("Record a held or a planned contact", field="status")
    contact = Contact(episode=episode, kind=kind_.value, status=status_.value, contact_on=on, at_time=at_time,
                      duration_minutes=duration_minutes, who_was_there=who_was_there.strip(), notes=notes.strip(),
                      recorded_by_id=by.id if by else None)
    db.session.add(contact)
    db.session.flush()
    casework.record(by=by, episode=episode, action=f"contact.{status_.value}", detail=f"{kind_.value} on {on}")
    if status_ is ContactStatus.HELD:
        casework.contact_held(by=by, episode=episode, on=on)
    if commit:
        db.session.commit()
    return contact


def update(*, by: User, contact: Contact, status: str, duration_minutes: int | None, who_was_there: str,
           notes: str, version, on: date | None = None) -> Contact:
    """Record that a planned contact happened (or was cancelled), or correct a held one's notes."""
    episode = contact.episode
    casework.require_open(episode)
    check_version(contact, version, what="this contact")
    try:
        status_ = ContactStatus(status)
    except ValueError:
        raise RuleBroken("Say whether the contact happened, is planned or was cancelled", field="status")
    if contact.status_enum is ContactStatus.HELD and status_ is not ContactStatus.HELD:
        raise RuleBroken("A contact that happened stays recorded; correct its notes instead", field="status")
    on = on or contact.contact_on
    if status_ is ContactStatus.HELD:
        _check_held(on, duration_minutes)
        contact.duration_minutes = duration_minutes
    was = contact.status
    contact.status, contact.contact_on = status_.value, on
    contact.who_was_there, contact.notes = who_was_there.strip(), notes.strip()
    casework.record(by=by, episode=episode, action="contact.update", detail=f"contact {contact.id}: {was} -> {status_.value}")
    if status_ is ContactStatus.HELD and was != ContactStatus.HELD.value:
        casework.contact_held(by=by, episode=episode, on=on)
    elif status_ is ContactStatus.HELD:  # a held contact's date corrected
        db.session.flush()
        casework.keep_last_contact(episode)
    db.session.commit()
    return contact
