from flask import Blueprint

bp = Blueprint("activity", __name__, url_prefix="/activity")

from app.activity import routes  # noqa: E402,F401
