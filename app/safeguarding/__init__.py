"""The manager's list of open safeguarding concerns across the service (/safeguarding/)."""
from flask import Blueprint

bp = Blueprint("safeguarding", __name__, url_prefix="/safeguarding")

from app.safeguarding import routes  # noqa: E402,F401
