"""The commissioners' outcomes dashboard: figures, charts, exports, methods and a printable report.

Only aggregates leave these views — never a name, NHS number, date of birth, address or free text.
"""
from __future__ import annotations

import re

from flask import abort, jsonify, render_template
from flask_login import current_user

import outcomes
from app.auth.session import background
from app.dashboard import bp, exports, freshness
from app.dashboard.page import build_charts, current_view
from app.models.base import utcnow
from app.security import Role, requires
from app.services import audit

DASHBOARD_ROLES = (Role.COMMISSIONER, Role.MANAGER)


def _view():
    return current_view(with_caseloads=current_user.role == Role.MANAGER)


@bp.route("/")
@requires(*DASHBOARD_ROLES)
def index():
    view = _view()
    return render_template("dashboard/index.html", view=view, charts=build_charts(view),
                           calculated=freshness.calculated_in_words(view.figures["computed_at"], utcnow()))


@bp.route("/status")
@background  # asked by the page itself: not a use that keeps the session from its idle timeout
@requires(*DASHBOARD_ROLES)
def status():
    """Whether the view's up-to-date figures are ready: the dashboard's script asks while it shows
    older ones. A yes or no and a time, no personal data."""
    return jsonify(freshness.status(freshness.requested_filters())), 200, {"Cache-Control": "no-store"}


@bp.route("/report")
@requires(*DASHBOARD_ROLES)
def report():
    view = _view()
    return render_template("dashboard/report.html", view=view)


@bp.route("/methods")
@requires(*DASHBOARD_ROLES)
def methods():
    view = _view()  # the balance table is for the view's filters (everything, from the dashboard's link)
    return render_template("dashboard/methods.html", unit_costs=outcomes.shipped_unit_costs(), view=view)


@bp.route("/export/<name>.<fmt>")
@requires(*DASHBOARD_ROLES)
def export(name: str, fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    view = _view()
    table = view.tables.get(name) or abort(404)
    slug = re.sub(r"[^a-z0-9]+", "-", view.description.lower()).strip("-")
    filename = f"hearthlink-{name.replace('_', '-')}-{slug}.{fmt}"
    if fmt == "csv":
        body, mimetype = exports.as_csv(table), "text/csv"
    else:
        body = exports.as_xlsx(table, described=view.description)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    # Aggregates only, but who took which figures out of the service, and when, is still kept.
    audit.viewed(by=current_user, action="dashboard.export", subject_type="export", subject_id=f"{name}.{fmt}",
                 detail=f"{view.description}; {len(table.rows)} rows")
    return body, 200, {"Content-Type": mimetype, "Content-Disposition": f'attachment; filename="{filename}"',
                       "Cache-Control": "private, no-store"}

