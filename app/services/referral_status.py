"""The one place a referral's status moves; each move appends a history row."""
from __future__ import annotations

from app.extensions import db
from app.models import Referral, ReferralEvent, User
from app.models.referral import ReferralStatus
from app.services import audit
from app.services.errors import RuleBroken


def move(*, by: User | None, referral: Referral, to: ReferralStatus, note: str = "") -> ReferralEvent:
    """Move the referral to `to` if the state machine allows it; adds the history row and audit
    event to the current transaction (the caller commits)."""
    current = referral.status_enum
    if not current.can_move_to(to):
        raise RuleBroken(f"A referral that is '{current.label}' cannot become '{to.label}'")
    event = ReferralEvent(referral=referral, by=by, from_status=current.value, to_status=to.value, note=note)
    referral.status = to.value
    db.session.add(event)
    audit.record(by=by, action=f"referral.{to.value}", subject_type="referral", subject_id=referral.id or "new",
                 detail=f"{current.value} -> {to.value}")
    return event
