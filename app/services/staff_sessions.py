"""Ending staff sessions: signing out of other devices, an admin signing someone out, password changes."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.auth import passwords
from app.extensions import db
from app.models import StaffSession, User
from app.models.base import utcnow
from app.services import audit
from app.services.errors import RuleBroken


def open_sessions(user: User) -> list[StaffSession]:
    """The user's sessions that would still let someone in, most recently used first."""
    now = utcnow()
    return list(db.session.scalars(
        select(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None),
               StaffSession.last_seen_at > now - timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]),
               StaffSession.created_at > now - timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"]))
        .order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())))


def end_all_for(user: User, *, reason: str, keep: StaffSession | None = None) -> int:
    """End every open session of this user except `keep`, in the caller's transaction."""
    ended = 0
    now = utcnow()
    for record in db.session.scalars(select(StaffSession).where(StaffSession.user_id == user.id,
                                                                StaffSession.ended_at.is_(None))):
        if keep is not None and record.id == keep.id:
            continue
        record.end(reason=reason, at=now)
        ended += 1
    return ended


def sign_out_other_devices(*, by: User, keep: StaffSession | None) -> int:
    """Someone ends their own sessions on every other device (keep=None: this one too)."""
    ended = end_all_for(by, reason="signed_out_elsewhere" if keep else "signed_out_everywhere", keep=keep)
    audit.record(by=by, action="session.sign_out_others" if keep else "session.sign_out_everywhere",
                 subject_type="user", subject_id=by.id, detail=f"{ended} sessions ended")
    db.session.commit()
    return ended


def sign_user_out_everywhere(*, by: User, user: User) -> int:
    """An administrator ends every session of another account (audited: who, whom, when)."""
    ended = end_all_for(user, reason="ended_by_admin")
    audit.record(by=by, action="session.admin_sign_out", subject_type="user", subject_id=user.id,
                 detail=f"{user.email}: {ended} sessions ended")
    db.session.commit()
    return ended


def change_own_password(*, by: User, current_password: str, new_password: str,
                        keep: StaffSession | None) -> int:
    """Change one's own password, which signs every other device out. Returns how many were."""
    if not by.check_password(current_password or ""):
        raise RuleBroken("Your current password is not right. Enter it again", field="current_password")
    passwords.check(new_password, email=by.email, name=by.name, field="new_password")
    if by.check_password(new_password):
        raise RuleBroken("Your new password must be different from your current one", field="new_password")
    by.set_password(new_password)
    ended = end_all_for(by, reason="password_changed", keep=keep)
    audit.record(by=by, action="user.change_password", subject_type="user", subject_id=by.id,
                 detail=f"{ended} other sessions ended")
    db.session.commit()
    return ended
