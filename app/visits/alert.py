"""The overdue-visit alert: on every page the service manager opens, not only the visits panel, so
an officer who has not checked out is noticed whatever the manager is doing. Base.html draws it in
its `alerts` block, which the visits panel (it lists them in full) and the error pages (a 500's
database may be down) leave empty."""
from __future__ import annotations

from datetime import datetime

from flask_login import current_user

from app.models.base import utcnow
from app.security import Role
from app.services import visits
from app.visits import bp


@bp.app_template_global("overdue_visits")
def overdue_visits() -> list[tuple[str, datetime, int]]:
    """(officer's name, expected end, whole minutes overdue) for each overdue visit, for a signed-in
    manager; nothing for anyone else, and no query."""
    if not current_user.is_authenticated or current_user.role != Role.MANAGER:
        return []
    now = utcnow()
    return [(name, end, int((now - end).total_seconds() // 60)) for name, end in visits.overdue_officers(now)]
