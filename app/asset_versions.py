"""Static files under addresses that change with their content, so browsers may keep them.

Every `url_for` of a static file (ours, nhsuk-frontend's and Plotly's) gets `?v=` and the first
twelve hex digits of the file's SHA-256. A response to an address with `v` may be kept for a year
without asking again (app/security_headers.py); when a file changes, pages name a new address and
browsers fetch it. A static address without `v` (an ES module's import, a bookmarked file) is
checked with the server on each use (`no-cache`: its ETag gives a 304 when unchanged).

Before, every static response said `no-cache`, so each page a browser opened asked the server
again for its stylesheets and scripts (four or five round trips a page, each answered "not
modified"): slow for an officer's tablet on a weak signal in someone's home.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask
from werkzeug.security import safe_join

VERSION_ARG = "v"


def _static_folders(app: Flask) -> dict[str, str]:
    """Each static endpoint and the folder its files come from."""
    folders = {"static": app.static_folder} if app.static_folder else {}
    for name, blueprint in app.blueprints.items():
        if blueprint.static_folder:
            folders[f"{name}.static"] = blueprint.static_folder
    return folders


def _digest(folder: str, filename: str) -> str | None:
    path = safe_join(folder, filename)
    if path is None or not Path(path).is_file():
        return None  # a folder (the NHS.UK icons' base path) or no such file: no version to give
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def register(app: Flask) -> None:
    """Call after every blueprint is registered. Each file is read once per process, when a page
    first names it; a deployment that changes a file restarts its processes."""
    folders = _static_folders(app)
    known: dict[tuple[str, str], str | None] = {}

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        folder = folders.get(endpoint)
        if folder is None or VERSION_ARG in values:
            return
        filename = values.get("filename")
        if not isinstance(filename, str):
            return
        key = (endpoint, filename)
        if key not in known:
            known[key] = _digest(folder, filename)
        if known[key] is not None:
            values[VERSION_ARG] = known[key]


def is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))
