from flask import Blueprint, current_app

bp = Blueprint("directory", __name__, url_prefix="/directory")


@bp.app_context_processor
def directory_template_helpers():
    """`has_endpoint` lets shared partials (the suggestions on the support record) offer an action
    only once the area that answers it is installed."""
    return {"has_endpoint": lambda endpoint: endpoint in current_app.view_functions}


from app.directory import routes  # noqa: E402,F401
