from flask import Blueprint

from app.security import may_use

bp = Blueprint("main", __name__)


@bp.app_context_processor
def access_template_helpers():
    """`can(endpoint)`: show a link or button only to the roles its view declares (app/security.py)."""
    return {"can": may_use}


from app.main import routes  # noqa: E402,F401
