"""Onward support: linkages and formal referrals to community organisations, tracked to the end.

A linkage is information about a service, possibly accompanied; no formal consent is needed.
A formal referral shares responsibility (and information) with another organisation, so it needs
the person's written consent to share, recorded with its date (seed 000).
"""
from __future__ import annotations

from datetime import date

from app.extensions import db
from app.models import Episode, OnwardReferral, OnwardReferralNeed
from app.models.base import long_date, uk_today
from app.models.onward import STATUS_DATE_COLUMN, OnwardKind, OnwardStatus
from app.models.vocab import NeedArea, Sector
from app.services import casework
from app.services.errors import RuleBroken
from app.services.locking import check_version

STARTING_STATUSES = (OnwardStatus.SUGGESTED, OnwardStatus.MADE)


def create(*, by, episode: Episode, service_id: str | None, organisation_name: str, service_name: str,
           sector: str, kind: str, need_areas: list[str], consent_to_share: bool,
           consent_recorded_on: date | None, accompanied: bool = False, notes: str = "",
           status: str = "made") -> OnwardReferral:
    """Record onward support. A formal referral without the person's written consent to share,
    and the date it was given, is refused."""
    casework.require_open(episode)
    if not organisation_name.strip():
        raise RuleBroken("Enter the organisation's name", field="organisation_name")
    try:
        sector_ = Sector(sector)
    except ValueError:
        raise RuleBroken("Choose the organisation's sector", field="sector")
    try:
        kind_ = OnwardKind(kind)
    except ValueError:
        raise RuleBroken("Choose a linkage or a formal referral", field="kind")
    try:
        status_ = OnwardStatus(status)
    except ValueError:
        status_ = None
    if status_ not in STARTING_STATUSES:
        raise RuleBroken("Start onward support as suggested or made", field="status")
    areas = []
    for area in dict.fromkeys(need_areas):
        try:
            areas.append(NeedArea(area))
        except ValueError:
            raise RuleBroken("Choose the needs it addresses from the list", field="need_areas")
    if kind_ is OnwardKind.FORMAL_REFERRAL:
        if not consent_to_share:
            raise RuleBroken("A formal referral shares the person's information with another organisation, so it "
                             "needs their written consent to share. Record the consent, or make a linkage instead.",
                             field="consent_to_share")
        if consent_recorded_on is None:
            raise RuleBroken("Enter the date the person gave written consent to share", field="consent_recorded_on")
        if consent_recorded_on > uk_today():
            raise RuleBroken("The consent date cannot be in the future", field="consent_recorded_on")
    today = uk_today()
    onward = OnwardReferral(
        episode=episode, service_id=(service_id or None), organisation_name=organisation_name.strip()[:200],
        service_name=service_name.strip()[:200], sector=sector_.value, kind=kind_.value, status=status_.value,
        consent_to_share=bool(consent_to_share), consent_recorded_on=consent_recorded_on if consent_to_share else None,
        accompanied=accompanied, notes=notes.strip(), created_by_id=by.id if by else None,
        needs=[OnwardReferralNeed(area=area.value) for area in areas])
    onward.suggested_on = today
    if status_ is OnwardStatus.MADE:
        onward.made_on = today
    db.session.add(onward)
    db.session.flush()
    casework.record(by=by, episode=episode, action="onward.create",
                    detail=f"{kind_.value} {status_.value} to {onward.organisation_name} ({sector_.value})")
    db.session.commit()
    return onward


def move(*, by, onward: OnwardReferral, to: OnwardStatus, on: date, version: int) -> OnwardReferral:
    """Move onward support along suggested → made → accepted → attending → completed (or declined /
    did not attend), recording the date each status was reached."""
    casework.require_open(onward.episode)
    check_version(onward, version, what="this onward referral")
    current = onward.status_enum
    to = OnwardStatus(to)
    if not current.can_move_to(to):
        raise RuleBroken(f"Onward support that is '{current.label}' cannot become '{to.label}'", field="status")
    if on > uk_today():
        raise RuleBroken("The date cannot be in the future", field="on")
    earliest = max((d for d in (getattr(onward, c) for c in STATUS_DATE_COLUMN.values()) if d), default=None)
    if earliest and on < earliest:
        raise RuleBroken(f"The date cannot be before the last step ({long_date(earliest)})", field="on")
    onward.status = to.value
    setattr(onward, STATUS_DATE_COLUMN[to], on)
    casework.record(by=by, episode=onward.episode, action="onward.move",
                    detail=f"onward {onward.id}: {current.value} -> {to.value}")
    db.session.commit()
    return onward
