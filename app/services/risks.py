"""Changes to the person's risk record and safeguarding concerns. Each public function is
keyword-only, takes the acting user as `by=`, writes its audit event against the person and
commits once (except `copy_from_referral`, which runs inside the acceptance's transaction).

Risks are changed only while the person has an open support episode (the record is read-only
after discharge, like the rest of it); safeguarding concerns can be raised and closed at any
time, because what was done about one often finishes after support has ended.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Episode, Person, Referral, User
from app.models.base import long_date, uk_today, utcnow
from app.models.risk import OTHER_RISK, ConcernStatus, NoKnownRisks, PersonRisk, SafeguardingConcern
from app.models.vocab import HomeVisitRisk
from app.services import audit, casework
from app.services.errors import RuleBroken
from app.services.locking import check_version

REFERRAL_NOTE = "Note from the referral"


def _audit(by: User | None, person_id: int, action: str, detail: str) -> None:
    audit.record(by=by, action=action, subject_type="person", subject_id=person_id, detail=detail)


def _require_open_support(person_id: int) -> None:
    episode = db.session.scalar(select(Episode).where(Episode.person_id == person_id)
                                .order_by(Episode.opened_at.desc(), Episode.id.desc()).limit(1))
    if episode is None:
        raise RuleBroken("This person has no support record")
    casework.require_open(episode)


def _active(person_id: int) -> list[PersonRisk]:
    return list(db.session.scalars(select(PersonRisk).where(PersonRisk.person_id == person_id,
                                                            PersonRisk.ended_at.is_(None))))


def _kind(risk: str, other_text: str) -> tuple[str, str | None]:
    if risk == OTHER_RISK:
        if not other_text.strip():
            raise RuleBroken("Say what the other risk is", field="other_text")
        return OTHER_RISK, other_text.strip()
    try:
        return HomeVisitRisk(risk).value, None
    except ValueError:
        raise RuleBroken("Choose the risk from the list, or choose another risk and describe it", field="risk")


def record(*, by: User, person: Person, risk: str, other_text: str = "", detail: str = "") -> PersonRisk:
    """Record a risk. A listed risk already in force is not recorded twice: review that one."""
    _require_open_support(person.id)
    kind, other = _kind(risk, other_text)
    for existing in _active(person.id):
        if kind != OTHER_RISK and existing.risk == kind:
            raise RuleBroken(f"{existing.label} is already recorded (since {long_date(existing.recorded_at)}); "
                             "review that risk instead", field="risk")
    item = PersonRisk(person_id=person.id, risk=kind, other_text=other, detail=detail.strip(),
                      recorded_at=utcnow(), recorded_by_id=by.id)
    db.session.add(item)
    db.session.flush()
    _audit(by, person.id, "risk.record", f"risk {item.id}: {kind}")
    db.session.commit()
    return item


def review(*, by: User, risk: PersonRisk, version, detail: str) -> None:
    """Confirm a risk is still in force, with its detail brought up to date."""
    check_version(risk, version, what="this risk")
    _require_open_support(risk.person_id)
    if not risk.is_active:
        raise RuleBroken("This risk has ended; record it again if it applies once more")
    by_id = by.id  # read before the change: loading it must not flush half a pair
    risk.detail, risk.reviewed_at, risk.reviewed_by_id = detail.strip(), utcnow(), by_id
    _audit(by, risk.person_id, "risk.review", f"risk {risk.id}: {risk.risk}")
    db.session.commit()


def end(*, by: User, risk: PersonRisk, version, reason: str) -> None:
    """End a risk that no longer applies, saying why. It stays on the record as ended."""
    check_version(risk, version, what="this risk")
    _require_open_support(risk.person_id)
    if not risk.is_active:
        raise RuleBroken(f"This risk already ended on {long_date(risk.ended_at)}")
    if not reason.strip():
        raise RuleBroken("Say why this risk no longer applies", field="reason")
    by_id, ended_at = by.id, max(utcnow(), risk.recorded_at)
    risk.ended_at, risk.ended_by_id, risk.end_reason = ended_at, by_id, reason.strip()
    _audit(by, risk.person_id, "risk.end", f"risk {risk.id}: {risk.risk}")
    db.session.commit()


def no_known_risks(*, by: User, person: Person, note: str = "") -> NoKnownRisks:
    """State, with today's date, that the person has no known risks. Refused while any risk is in
    force: end those first, so the record never says both."""
    _require_open_support(person.id)
    active = _active(person.id)
    if active:
        raise RuleBroken(f"{len(active)} risk{'' if len(active) == 1 else 's'} still in force: "
                         "end each one that no longer applies first")
    item = NoKnownRisks(person_id=person.id, recorded_at=utcnow(), recorded_by_id=by.id, note=note.strip())
    db.session.add(item)
    db.session.flush()
    _audit(by, person.id, "risk.none_known", f"statement {item.id}")
    db.session.commit()
    return item


def copy_from_referral(*, by: User | None, person: Person, referral: Referral) -> list[PersonRisk]:
    """Carry an accepted referral's ticked risks and risk notes into the person's record, recorded
    by the referral at its received time. A risk already in force (a returning person) is kept as
    it is. Adds to the caller's transaction; does not commit."""
    db.session.flush()
    active = {risk.risk for risk in _active(person.id)}
    added = []
    for ticked in referral.risk_flags:
        if ticked not in active and ticked in {known.value for known in HomeVisitRisk}:
            added.append(PersonRisk(person_id=person.id, risk=ticked, detail="", recorded_at=referral.received_at,
                                    from_referral_id=referral.id))
    if (referral.risk_notes or "").strip():
        added.append(PersonRisk(person_id=person.id, risk=OTHER_RISK, other_text=REFERRAL_NOTE,
                                detail=referral.risk_notes.strip(), recorded_at=referral.received_at,
                                from_referral_id=referral.id))
    db.session.add_all(added)
    if added:
        _audit(by, person.id, "risk.record",
               f"from referral {referral.id}: " + ", ".join(item.risk for item in added))
    return added


def _day(value: date | None, *, field: str, what: str) -> date:
    if value is None:
        raise RuleBroken(f"Enter the date {what}", field=field)
    if value > uk_today():
        raise RuleBroken(f"The date {what} cannot be in the future", field=field)
    return value


def raise_concern(*, by: User, person: Person, raised_on: date | None, concern: str,
                  action_taken: str) -> SafeguardingConcern:
    """Record a safeguarding concern with what was done about it; the manager sees it until closed."""
    raised_on = _day(raised_on, field="raised_on", what="the concern was raised")
    if not concern.strip():
        raise RuleBroken("Describe the concern", field="concern")
    if not action_taken.strip():
        raise RuleBroken("Say what was done, for example who it was reported to", field="action_taken")
    item = SafeguardingConcern(person_id=person.id, raised_on=raised_on, raised_by_id=by.id,
                               concern=concern.strip(), action_taken=action_taken.strip(),
                               status=ConcernStatus.OPEN.value)
    db.session.add(item)
    db.session.flush()
    _audit(by, person.id, "safeguarding.raise", f"concern {item.id}")
    db.session.commit()
    return item


def close_concern(*, by: User, concern: SafeguardingConcern, version, closed_on: date | None,
                  outcome: str, action_taken: str) -> None:
    """Close a concern with its outcome; what was done may be brought up to date at the same time."""
    check_version(concern, version, what="this safeguarding concern")
    if not concern.is_open:
        raise RuleBroken(f"This concern was already closed on {long_date(concern.closed_on)}")
    closed_on = _day(closed_on, field="closed_on", what="the concern was closed")
    if closed_on < concern.raised_on:
        raise RuleBroken(f"The concern was raised on {long_date(concern.raised_on)}; "
                         "it cannot be closed before then", field="closed_on")
    if not outcome.strip():
        raise RuleBroken("Say what the outcome was", field="outcome")
    if not action_taken.strip():
        raise RuleBroken("Say what was done", field="action_taken")
    by_id = by.id
    with db.session.no_autoflush:
        concern.action_taken = action_taken.strip()
        concern.status = ConcernStatus.CLOSED.value
        concern.closed_on, concern.closed_by_id, concern.outcome = closed_on, by_id, outcome.strip()
    _audit(by, concern.person_id, "safeguarding.close", f"concern {concern.id}")
    db.session.commit()
