from __future__ import annotations

from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from app.extensions import db
from app.main import bp
from app.security import ALL_STAFF, home_endpoint, public, requires


@bp.route("/")
@requires(*ALL_STAFF)
def index():
    return redirect(url_for(home_endpoint(current_user.role_enum)))


@bp.route("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database is the answer, not a crash
        db.session.rollback()
        return jsonify(status="error", database="error"), 503
    return jsonify(status="ok", database="ok")



@bp.route("/accessibility")
@public
def accessibility():
    """The accessibility statement, open to everyone: people must be able to read it before signing in."""
    return render_template("main/accessibility.html")
