"""The person's support record (/people/<id>): one page with its sections, and a form per change.

Who may open it: link officers and managers (PRODUCT.md: "Officers and managers see support
records"). Any officer may open and update any person's record, so that a colleague can cover a
visit or a leave; each officer's caseload lists only the people allocated to them. Practices and
commissioners are refused (403). Every view and every change is audited against the person.
"""
from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")

from app.people import routes, routes_contacts, routes_onward  # noqa: E402,F401
from app.people import routes_about  # noqa: E402,F401
from app.people import routes_risks  # noqa: E402,F401
from app.people import routes_find  # noqa: E402,F401

from app.people.labels import template_helpers  # noqa: E402

bp.context_processor(template_helpers)
