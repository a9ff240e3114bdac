"""Corrections: a link officer proposes a change to a directory entry; a manager accepts or rejects.

Accepting applies the proposed text when the field is one the form holds as plain text (phone,
description, who it is for, how to get in, website, e-mail, and "when it runs" in the schedule
notation); anything else (an address, a closure, "something else") is accepted as a note and the
manager edits the entry. Either way the entry counts as checked today.
"""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.base import utcnow
from app.models.directory import Service
from app.models.directory_taxonomy import CorrectionStatus, DirectoryCorrection
from app.models.org import User
from app.services import audit
from app.services import directory as directory_service
from app.services.errors import RuleBroken

APPLIED_FIELDS = {"phone", "description", "who_it_is_for", "application_process", "url", "email", "schedule"}


def propose(*, by: User, service: Service, field: str, proposed_value: str, reason: str = "") -> DirectoryCorrection:
    if not proposed_value.strip():
        raise RuleBroken("Enter what the entry should say", field="proposed_value")
    correction = DirectoryCorrection(service=service, field=field, proposed_value=proposed_value.strip(),
                                     reason=reason.strip(), proposed_by=by)
    db.session.add(correction)
    db.session.flush()
    audit.record(by=by, action="directory.correction.propose", subject_type="service", subject_id=service.id,
                 detail=f"{field}: {proposed_value.strip()[:200]}")
    db.session.commit()
    return correction


def pending():
    """Corrections waiting for a manager, oldest first (a select the caller may page)."""
    return (select(DirectoryCorrection).where(DirectoryCorrection.status == CorrectionStatus.PENDING.value)
            .options(selectinload(DirectoryCorrection.service), selectinload(DirectoryCorrection.proposed_by))
            .order_by(DirectoryCorrection.proposed_at))


def _decide(correction: DirectoryCorrection, by: User, status: CorrectionStatus, note: str) -> None:
    if correction.status != CorrectionStatus.PENDING.value:
        raise RuleBroken("This correction has already been decided")
    correction.status = status.value
    correction.decided_by = by
    correction.decided_at = utcnow()
    correction.decision_note = note.strip()


def accept(*, by: User, correction: DirectoryCorrection, note: str = "") -> bool:
    """Accept; returns True when the change was applied to the entry, False when it needs an edit."""
    service = correction.service
    applied = correction.field in APPLIED_FIELDS
    _decide(correction, by, CorrectionStatus.ACCEPTED, note)
    audit.record(by=by, action="directory.correction.accept", subject_type="service", subject_id=service.id,
                 detail=f"{correction.field}: {correction.proposed_value[:200]}")
    if applied:
        details = replace(directory_service.details_of(service), **{correction.field: correction.proposed_value})
        try:
            directory_service.update(by=by, service=service, details=details, version=service.version)
        except RuleBroken as error:
            db.session.rollback()
            raise RuleBroken(f"The proposed text cannot be applied as it is: {error.message}. "
                             "Edit the entry instead, then reject or accept the correction.") from error
    else:
        directory_service.mark_checked(by=by, service=service)
    return applied


def reject(*, by: User, correction: DirectoryCorrection, note: str = "") -> None:
    _decide(correction, by, CorrectionStatus.REJECTED, note)
    audit.record(by=by, action="directory.correction.reject", subject_type="service",
                 subject_id=correction.service_id, detail=note.strip()[:200])
    db.session.commit()
