from flask import Blueprint

bp = Blueprint("triage", __name__, url_prefix="/triage")

from app.triage import routes  # noqa: E402,F401
