from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import api_clients, routes  # noqa: E402,F401
from app.admin import outbox  # noqa: E402,F401
