"""Front-end assets served as their maintainers build them (nhsuk-frontend from npm, plotly.js)."""
from __future__ import annotations

from pathlib import Path

import plotly
from flask import Blueprint

from app.config import REPO_ROOT

NHSUK_DIST = REPO_ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
NHSUK_VERSION = "10.6.1"
PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"


def asset_blueprints() -> list[Blueprint]:
    nhsuk = Blueprint("nhsuk_assets", __name__, static_folder=str(NHSUK_DIST),
                      static_url_path="/assets")
    plotly_js = Blueprint("plotly_assets", __name__, static_folder=str(PLOTLY_DIR),
                          static_url_path="/vendor/plotly")
    return [nhsuk, plotly_js]
