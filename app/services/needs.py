"""The holistic assessment: needs across Health, Home, Purpose and Community."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Episode, Need, User
from app.models.base import long_date, uk_today
from app.models.support import NEED_STATUS_DATE, NeedStatus, Severity
from app.models.vocab import NeedArea
from app.services import casework
from app.services.errors import RuleBroken
from app.services.locking import check_version

# identified → being addressed → met; the person may choose not to pursue a need at any point,
# and may change their mind.
NEED_MOVES = {
    NeedStatus.IDENTIFIED: {NeedStatus.BEING_ADDRESSED, NeedStatus.MET, NeedStatus.DECLINED},
    NeedStatus.BEING_ADDRESSED: {NeedStatus.MET, NeedStatus.DECLINED, NeedStatus.IDENTIFIED},
    NeedStatus.MET: {NeedStatus.BEING_ADDRESSED},
    NeedStatus.DECLINED: {NeedStatus.IDENTIFIED, NeedStatus.BEING_ADDRESSED},
}


def _area(value: str) -> NeedArea:
    try:
        return NeedArea(value)
    except ValueError:
        raise RuleBroken("Choose the need area from the list", field="area")


def _severity(value: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise RuleBroken("Choose how severe the need is: low, medium or high", field="severity")


def add(*, by: User, episode: Episode, area: str, severity: str, notes: str = "", on: date | None = None,
        status: str = NeedStatus.IDENTIFIED.value) -> Need:
    """Record a need. One per need area per episode; `from_referral` is set when the practice
    ticked the same area, so needs found at home are counted apart."""
    casework.require_open(episode)
    area_ = _area(area)
    severity_ = _severity(severity)
    on = on or uk_today()
    existing = db.session.scalar(select(Need).where(Need.episode_id == episode.id, Need.area == area_.value))
    if existing:
        raise RuleBroken(f"{area_.label} is already recorded (since {long_date(existing.identified_on)}); "
                         "update that need instead", field="area")
    need = Need(episode=episode, area=area_.value, severity=severity_.value, identified_on=on,
                from_referral=area_.value in episode.referral.need_areas, notes=notes.strip(),
                created_by_id=by.id if by else None)
    db.session.add(need)
    _set_status(need, NeedStatus(status), on)
    db.session.flush()
    casework.record(by=by, episode=episode, action="need.create",
                    detail=f"{area_.value} ({severity_.value}){'' if need.from_referral else ', found at home'}")
    casework.plan_agreed(by=by, episode=episode)
    db.session.commit()
    return need


def _set_status(need: Need, status: NeedStatus, on: date) -> None:
    need.status = status.value
    column = NEED_STATUS_DATE[status]
    if getattr(need, column) is None or status is not NeedStatus.IDENTIFIED:
        setattr(need, column, on)


def update(*, by: User, need: Need, severity: str, status: str, notes: str, version, on: date | None = None) -> Need:
    """Change a need's severity, status or notes; refuses a save made from an out-of-date page."""
    casework.require_open(need.episode)
    check_version(need, version, what="this need")
    severity_ = _severity(severity)
    try:
        target = NeedStatus(status)
    except ValueError:
        raise RuleBroken("Choose the need's status", field="status")
    current = need.status_enum
    if target is not current and target not in NEED_MOVES[current]:
        raise RuleBroken(f"A need that is '{current.label}' cannot become '{target.label}'", field="status")
    changes = []
    if target is not current:
        _set_status(need, target, on or uk_today())
        changes.append(f"{current.value} -> {target.value}")
    if severity_.value != need.severity:
        changes.append(f"severity {need.severity} -> {severity_.value}")
        need.severity = severity_.value
    if notes.strip() != need.notes:
        changes.append("notes")
        need.notes = notes.strip()
    casework.record(by=by, episode=need.episode, action="need.update",
                    detail=f"{need.area}: {', '.join(changes) or 'no change'}")
    db.session.commit()
    return need
