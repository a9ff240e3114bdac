"""Open safeguarding concerns, the longest open first: managers only, a page at a time, and each
view audited with the people it showed."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.models.base import uk_today
from app.pagination import page_arg
from app.safeguarding import bp
from app.security import Role, requires
from app.services import audit, risk_summary


@bp.get("/")
@requires(Role.MANAGER)
def index():
    page = risk_summary.open_concerns(page_arg("page"))
    html = render_template("safeguarding/index.html", page=page, today=uk_today())
    audit.viewed(by=current_user, action="safeguarding.list", subject_type="safeguarding_concerns",
                 subject_id="open", detail=f"page {page.page}: "
                 + audit.shown(people=[concern.person_id for concern in page.items]))
    return html
