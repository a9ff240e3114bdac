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
import os
import stat
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


class Versions:
    """Each static file's version, read again only when the file's modification time or size
    changes: a stat a page per file, so an edit made while the app runs shows at the next page."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[tuple[int, int], str]] = {}

    def of(self, folder: str, filename: str) -> str | None:
        path = safe_join(folder, filename)
        if path is None:
            return None
        try:
            found = os.stat(path)
        except OSError:
            return None  # no such file: no version to give
        if not stat.S_ISREG(found.st_mode):
            return None  # a folder (the NHS.UK icons' base path)
        stamp = (found.st_mtime_ns, found.st_size)
        known = self._known.get(path)
        if known is None or known[0] != stamp:
            known = (stamp, hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12])
            self._known[path] = known
        return known[1]


def register(app: Flask) -> None:
    """Call after every blueprint is registered."""
    folders = _static_folders(app)
    versions = Versions()

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        folder = folders.get(endpoint)
        if folder is None or VERSION_ARG in values:
            return
        filename = values.get("filename")
        if isinstance(filename, str):
            version = versions.of(folder, filename)
            if version is not None:
                values[VERSION_ARG] = version

