"""The overdue-visit alert: on every page the service manager opens, not only the visits panel, so
an officer who has not checked out is noticed whatever the manager is doing. (The officer on the
visit is reminded first, at the top of every page they open once it has passed its expected end.)
Base.html draws both in its `alerts` block; the error pages leave that empty (a 500's database may
be down), and the visits panel draws no banner (it lists them in full). A page left open asks `/visits/alert` again every
OVERDUE_ALERT_POLL_SECONDS (static/js/hearthlink.js), so the alert appears, changes and goes
without the manager reloading; the visits panel opens itself again when they change."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template, request
from flask_login import current_user

from app.auth.session import background, on_a_visit_past_its_end
from app.models.base import utcnow
from app.security import Role, requires
from app.services import visits
from app.visits import bp


@dataclass(frozen=True)
class Overdue:
    visit_id: int
    officer: str
    expected_end_at: datetime
    minutes: int  # whole minutes past the expected end


@bp.app_template_global("overdue_visits")
def overdue_visits() -> list[Overdue]:
    """Each overdue visit, the longest overdue first, for a signed-in manager; nothing for anyone
    else, and no query."""
    if not current_user.is_authenticated or current_user.role != Role.MANAGER:
        return []
    now = utcnow()
    return [Overdue(visit_id, name, end, int((now - end).total_seconds() // 60))
            for visit_id, name, end in visits.overdue_officers(now)]


@bp.app_template_global("own_visit_past_end")
def own_visit_past_end():
    """A signed-in link officer's own visit under way once past its expected end (base.html reminds
    them at the top of every page to check out); nothing for anyone else. The request's sign-in
    query has said whether there is one: queried only then."""
    if not current_user.is_authenticated or current_user.role != Role.LINK_OFFICER or not on_a_visit_past_its_end():
        return None
    return visits.past_end_for(current_user)


@bp.app_template_global("is_overdue")
def is_overdue(visit) -> bool:
    """Whether a visit under way is overdue now (past its expected end and the grace)."""
    return visit.is_overdue(utcnow(), current_app.config["VISIT_OVERDUE_GRACE_MINUTES"])


@bp.app_template_global("is_past_end")
def is_past_end(visit) -> bool:
    """Whether a visit under way has passed its expected end, overdue or not yet: its officer is
    asked to check out from then, before the manager is alerted."""
    return visit.is_overdue(utcnow(), grace_minutes=0)


@bp.app_template_global("manager_alerted_at")
def manager_alerted_at(visit) -> datetime:
    """When a visit not checked out becomes overdue and the manager is alerted."""
    return visit.overdue_from(current_app.config["VISIT_OVERDUE_GRACE_MINUTES"])


@bp.get("/alert")
@background  # asked by the page itself: not a use that keeps the session from its idle timeout
@requires(Role.MANAGER)
def alert():
    """The alert as the page draws it (empty when nothing is overdue), for the page's script to put
    in place of the one it has. Officers' names and times only: nobody visited is named. Asked by
    the Visits page (`?board=1`), it also gives the ids of every visit under way, so that page
    can tell when one has started or ended."""
    board = visits.open_visit_ids() if request.args.get("board") == "1" else None
    return render_template("visits/_alert.html", board=board), 200, {"Cache-Control": "no-store"}
