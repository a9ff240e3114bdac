from flask import Blueprint

bp = Blueprint("caseload", __name__, url_prefix="/caseload")

from app.caseload import routes  # noqa: E402,F401
