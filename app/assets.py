"""Front-end assets served as their maintainers build them, from npm (package.json): nhsuk-frontend,
and plotly.js's "strict" build, which draws without eval so the Content-Security-Policy can forbid it
(app/security_headers.py). Its version matches the plotly.js that the Python plotly package writes
figures for."""
from __future__ import annotations

from flask import Blueprint

from app.config import REPO_ROOT

NHSUK_DIST = REPO_ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
NHSUK_VERSION = "10.6.1"
PLOTLY_DIR = REPO_ROOT / "node_modules" / "plotly.js-strict-dist-min"
PLOTLY_SCRIPT = "plotly-strict.min.js"


def asset_blueprints() -> list[Blueprint]:
    nhsuk = Blueprint("nhsuk_assets", __name__, static_folder=str(NHSUK_DIST),
                      static_url_path="/assets")
    plotly_js = Blueprint("plotly_assets", __name__, static_folder=str(PLOTLY_DIR),
                          static_url_path="/vendor/plotly")
    return [nhsuk, plotly_js]
