"""The manager's comparison cohort page: upload a cohort file, see how the cohort in use was made."""
from flask import Blueprint

bp = Blueprint("comparison", __name__, url_prefix="/activity/comparison")

from app.comparison import routes  # noqa: E402,F401
