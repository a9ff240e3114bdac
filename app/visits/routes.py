"""The manager's lone-working panel: home visits in progress, overdue ones first, and the last two
weeks' history a page at a time, for every officer or one."""
from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user

from app.converters import int_arg
from app.extensions import db
from app.models.base import uk_local, utcnow
from app.pagination import link_args, page_arg, paginate
from app.security import Role, requires
from app.services import audit, visits
from app.visits import bp

HISTORY_DAYS = 14
HISTORY_PER_PAGE = 20


@bp.app_template_filter("uk_time")
def uk_time(moment, style: str = "%H:%M") -> str:
    """A stored UTC time shown in UK time."""
    return uk_local(moment).strftime(style) if moment else ""


@bp.get("/")
@requires(Role.MANAGER)
def index():
    now = utcnow()
    grace = current_app.config["VISIT_OVERDUE_GRACE_MINUTES"]
    in_progress = db.session.scalars(visits.in_progress()).unique().all()
    overdue = [visit for visit in in_progress if visit.is_overdue(now, grace)]
    officers = visits.officers_in_history(days=HISTORY_DAYS, now=now)
    officer_id = int_arg("officer")
    officer = next(((id_, name) for id_, name in officers if id_ == officer_id), None)  # else every officer's
    history = paginate(visits.recent(days=HISTORY_DAYS, now=now, officer_id=officer[0] if officer else None),
                       page=page_arg(), per_page=HISTORY_PER_PAGE)
    html = render_template("visits/index.html", overdue=overdue, grace=grace, now=now, history=history,
                           in_progress=[visit for visit in in_progress if visit not in overdue],
                           officers=officers, officer=officer, days=HISTORY_DAYS,
                           pager_args=link_args(request.args, keep=("officer",)) if officer else {},
                           labels_for=lambda visit: [risk.label for risk in visit.episode.person.active_risks])
    audit.viewed(by=current_user, action="visits.list", subject_type="home_visits", subject_id="recent",
                 detail=audit.shown(people=[visit.episode.person_id for visit in in_progress + history.items]))
    return html
