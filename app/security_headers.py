"""Security headers on every response: Content-Security-Policy, no framing, no sniffing, a
same-origin referrer, HSTS in production, and `Cache-Control: no-store` on everything that may
carry personal data.

Our own after-request hook rather than Flask-Talisman: the policy is one fixed string, the cache
rule is ours (which endpoints are public and cacheable), and Talisman would also redirect to
HTTPS and set session-cookie flags, which the proxy and app/config.py already own. Thirty lines
we can read beat a dependency with options we would have to switch off.

Scripts come only from our origin. The one inline script left is the fixed line in NHS.UK's page
template (nhsuk_frontend_jinja's template.jinja) that adds `js-enabled` to <body> before the page
paints; it is allowed by its SHA-256 hash, read from the installed template, so no other inline
script — an injected one included — can run. Plotly is served as its "strict" build, which needs
no eval. Styles come only from our origin too, except on the dashboard, whose charts Plotly styles
inline (Chromium refuses four of its style changes otherwise); there styles allow 'unsafe-inline',
which cannot run script, and scripts stay strict.
"""
from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources

from flask import Flask, Response, request

from app.asset_versions import VERSION_ARG

ONE_YEAR = 365 * 24 * 3600
# Static assets, the public Open Referral API and the health check carry no personal data.
STATIC_ENDPOINTS = {"static", "nhsuk_assets.static", "plotly_assets.static"}
CACHEABLE_ENDPOINTS = STATIC_ENDPOINTS | {"main.healthz"}
CACHEABLE_BLUEPRINTS = {"openreferral"}
CHART_PAGES = {"dashboard.index"}  # Plotly styles the SVG it draws inline
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb", "interest-cohort"))


def nhsuk_template_script_hashes() -> list[str]:
    """CSP hash sources for the inline scripts in NHS.UK's page template, as installed."""
    template = resources.files("nhsuk_frontend_jinja").joinpath("templates/nhsuk/template.jinja").read_text()
    bodies = re.findall(r"<script[^>]*>(.*?)</script>", template, re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'" for body in bodies]


def content_security_policy(*, inline_styles: bool = False) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *nhsuk_template_script_hashes()],
        "style-src": ["'self'", "'unsafe-inline'"] if inline_styles else ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "https://assets.nhs.uk"],  # Frutiger, as nhsuk-frontend's CSS loads it
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def _cacheable() -> bool:
    return request.endpoint in CACHEABLE_ENDPOINTS or request.blueprint in CACHEABLE_BLUEPRINTS


def register(app: Flask) -> None:
    policy = content_security_policy()
    chart_policy = content_security_policy(inline_styles=True)
    production = app.config.get("HEARTHLINK_ENV") == "production"

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = chart_policy if request.endpoint in CHART_PAGES else policy
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if production:
            headers["Strict-Transport-Security"] = f"max-age={ONE_YEAR}; includeSubDomains"
        if not _cacheable() and "no-store" not in headers.get("Cache-Control", ""):
            headers["Cache-Control"] = "no-store"  # a shared PC's browser keeps no copy of a person's page
        elif response.status_code in (200, 304) and request.endpoint in STATIC_ENDPOINTS and request.args.get(VERSION_ARG):
            # The address changes with the file (app/asset_versions.py): keep it, and never ask again.
            headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response
