"""Writing to the audit log."""
from __future__ import annotations

from flask import has_request_context, request

from app.extensions import db
from app.models import AuditEvent, User


def record(*, by: User | None, action: str, subject_type: str, subject_id, detail: str = "") -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    remote = ""
    if has_request_context():
        remote = (request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
                  or request.remote_addr or "")
    event = AuditEvent(
        actor_id=by.id if by else None,
        actor_email=by.email if by else "",
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        detail=detail,
        remote_addr=remote[:64],
    )
    db.session.add(event)
    return event
