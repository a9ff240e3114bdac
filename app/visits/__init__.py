from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits")

from app.visits import alert, routes  # noqa: E402,F401
