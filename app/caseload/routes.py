"""The link officer's caseload; a manager can open any officer's, and so can an officer covering a
colleague's leave (officers may open any person's record for the same reason: app/people)."""
from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.caseload import bp, queries
from app.caseload.flags import FlagRules
from app.converters import int_arg
from app.extensions import db
from app.models import User
from app.navigation import mark_current
from app.pagination import page_arg
from app.security import Role, requires
from app.services import audit, visits


@bp.get("/")
@requires(Role.LINK_OFFICER, Role.MANAGER)
def index():
    rules = FlagRules.from_config(current_app.config)
    officer_role = current_user.role == Role.LINK_OFFICER
    if officer_role and "officer" not in request.args:
        officer = current_user
    else:
        if "officer" not in request.args:
            return render_template("caseload/officers.html", summaries=queries.by_officer(rules))
        officer = db.session.get(User, int_arg("officer", 0))  # 0: no such officer
        if officer is None or officer.role != Role.LINK_OFFICER:
            abort(404)
    page, counts = queries.caseload_page(officer.id, rules, page=page_arg())
    open_visit = visits.in_progress_by_id(counts.open_visit_id) if counts.open_visit_id else None
    own = officer.id == current_user.id
    if officer_role and not own:
        mark_current(None)  # covering: not "My caseload"
    html = render_template("caseload/index.html", officer=officer, page=page, rows=page.items, counts=counts,
                           open_visit=open_visit, own=own, pager_args={} if own else {"officer": officer.id},
                           covering=officer_role and not own,
                           # One url_for for the page, not one per card: "/people/0" less its "0".
                           person_href=url_for("people.view", person_id=0)[:-1])
    shown = [row.person_id for row in page.items] + ([open_visit.episode.person_id] if open_visit else [])
    audit.viewed(by=current_user, action="caseload.view", subject_type="caseload", subject_id=officer.id,
                 detail=audit.shown(people=shown))
    return html


@bp.get("/colleagues")
@requires(Role.LINK_OFFICER)
def colleagues():
    """Covering for a colleague: the other active officers, each a link to their caseload (kept off
    the caseload page itself, which an officer opens many times a day)."""
    others = db.session.execute(select(User.id, User.name).where(
        User.role == Role.LINK_OFFICER.value, User.active.is_(True), User.id != current_user.id)
        .order_by(User.name)).all()
    mark_current(None)  # a way to someone else's caseload, not "My caseload"
    return render_template("caseload/colleagues.html", colleagues=others)
