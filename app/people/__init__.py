from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")

from app.people import routes, routes_contacts, routes_onward  # noqa: E402,F401

from app.people.labels import template_helpers  # noqa: E402

bp.context_processor(template_helpers)
