"""The manager's lone-working panel: home visits in progress, overdue ones first, and recent history."""
from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from app.extensions import db
from app.models.base import uk_local, utcnow
from app.security import Role, requires
from app.services import audit, visits
from app.visits import bp


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
    recent = db.session.scalars(visits.recent(days=14, now=now).limit(100)).unique().all()
    html = render_template("visits/index.html", overdue=overdue, grace=grace, now=now, recent=recent,
                           in_progress=[visit for visit in in_progress if visit not in overdue],
                           labels_for=lambda visit: [risk.label for risk in visit.episode.person.active_risks])
    audit.viewed(by=current_user, action="visits.list", subject_type="home_visits", subject_id="recent",
                 detail=audit.shown(people=[visit.episode.person_id for visit in in_progress + recent]))
    return html
