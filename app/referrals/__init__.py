from flask import Blueprint

bp = Blueprint("referrals", __name__, url_prefix="/referrals")

from app.referrals import routes  # noqa: E402,F401
from app.referrals import routes_other_source  # noqa: E402,F401
from app.referrals import routes_person_declined  # noqa: E402,F401
from app.referrals import routes_summary  # noqa: E402,F401
