"""The community directory as an Open Referral UK 3.0 read API (CONTRACT.md §3): public,
read-only, rate-limited, and carrying directory data only — never anything about a person."""
from flask import Blueprint, current_app

from app.extensions import limiter

bp = Blueprint("openreferral", __name__, url_prefix="/openreferral")
# One limit for the whole API, per client address, read from config at request time.
limiter.limit(lambda: current_app.config["OPENREFERRAL_RATE_LIMIT"])(bp)

from app.openreferral import routes  # noqa: E402,F401
