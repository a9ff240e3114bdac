"""Security headers on every response (issue 12, finding 2): a strict Content-Security-Policy with no
inline script, no framing, no sniffing, a same-origin referrer, HSTS in production, and pages with
personal data kept out of every cache."""
from __future__ import annotations

import base64
import hashlib
import os
import re
from datetime import date
from pathlib import Path

import pytest
from flask import url_for

from app.security import Role
from tests import factories
from tests.conftest import make_app


def directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_a_signed_in_page_carries_a_strict_content_security_policy(client, sign_in):
    sign_in.as_role(Role.MANAGER)
    csp = directives(client.get("/"))
    assert csp["default-src"] == ["'self'"]
    assert "'self'" in csp["script-src"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert all(source == "'self'" or source.startswith("'sha256-") for source in csp["script-src"])
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["font-src"] == ["'self'", "https://assets.nhs.uk"]  # Frutiger, as nhsuk-frontend's CSS loads it
    assert csp["style-src"] == ["'self'"]


def test_the_dashboard_needs_no_eval_either(client, sign_in):
    sign_in.as_role(Role.COMMISSIONER)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    script_src = directives(response)["script-src"]
    assert "'unsafe-eval'" not in script_src and "'unsafe-inline'" not in script_src
    assert "plotly-strict.min.js" in response.get_data(as_text=True)
    # Plotly styles its charts inline, so the dashboard alone allows inline styles (never scripts).
    assert directives(response)["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives(client.get("/dashboard/methods"))["style-src"] == ["'self'"]


def test_pages_cannot_be_framed_sniffed_or_leak_their_address(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions


def test_development_sends_no_hsts_so_plain_http_keeps_working(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_production_tells_browsers_to_use_https_for_a_year_and_subdomains(tmp_path):
    production = make_app(f"sqlite:///{tmp_path / 'prod.db'}", HEARTHLINK_ENV="production")
    hsts = production.test_client().get("/healthz").headers["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 365 * 24 * 3600 and "includeSubDomains" in hsts


def test_pages_with_personal_data_are_kept_out_of_every_cache(client, sign_in):
    sign_in.as_role(Role.MANAGER)
    for url in ("/", "/login", "/caseload/", "/dashboard/", "/dashboard/export/needs.csv",
                "/dashboard/export/needs.xlsx", "/no-such-page"):
        response = client.get(url)
        assert "no-store" in response.headers.get("Cache-Control", ""), url


def test_static_assets_and_the_public_api_stay_cacheable(client):
    for url in ("/static/hearthlink.css", "/assets/nhsuk-frontend.min.css", "/openreferral/", "/healthz",
                "/vendor/plotly/plotly-strict.min.js", "/static/js/hearthlink.js"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url


ASSETS = [("static", "hearthlink.css"), ("static", "js/hearthlink.js"),
          ("nhsuk_assets.static", "nhsuk-frontend.min.css"), ("plotly_assets.static", "plotly-strict.min.js")]


def test_pages_name_each_asset_by_its_content_and_browsers_keep_it_a_year(app, client):
    """app/asset_versions.py: `?v=` is the start of the file's SHA-256, so a changed file gets a new
    address; that address may be kept without asking again, the bare one is checked each time."""
    for endpoint, filename in ASSETS:
        folder = app.static_folder if endpoint == "static" else app.blueprints[endpoint.split(".")[0]].static_folder
        expected = hashlib.sha256((Path(folder) / filename).read_bytes()).hexdigest()[:12]
        with app.test_request_context():
            url = url_for(endpoint, filename=filename)
        assert url.endswith(f"?v={expected}"), url
        kept = client.get(url)
        assert kept.status_code == 200 and kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert kept.get_data() == (Path(folder) / filename).read_bytes()
        unchanged = client.get(url, headers={"If-None-Match": kept.headers["ETag"]})
        assert unchanged.status_code == 304 and "immutable" in unchanged.headers["Cache-Control"]
        bare = client.get(url.split("?")[0])
        assert bare.status_code == 200 and bare.headers["Cache-Control"] == "no-cache", url
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/assets/nhsuk-frontend.min.css?v=' in page and 'src="/static/js/hearthlink.js?v=' in page


def test_a_changed_file_gets_a_new_address_at_once_and_a_folder_or_missing_file_none(app, tmp_path):
    from app.asset_versions import Versions

    versions = Versions()
    site = tmp_path / "site.css"
    site.write_text("body { color: #212b32; }")
    first = versions.of(str(tmp_path), "site.css")
    assert first == hashlib.sha256(site.read_bytes()).hexdigest()[:12]
    site.write_text("body { color: #005eb8; }")  # edited while the app runs
    os.utime(site, ns=(site.stat().st_atime_ns, site.stat().st_mtime_ns + 1_000_000_000))
    assert versions.of(str(tmp_path), "site.css") not in (None, first)
    assert versions.of(str(tmp_path), "nothing.css") is None
    assert versions.of(str(tmp_path), ".") is None
    assert versions.of(str(tmp_path), "../site.css") is None
    with app.test_request_context():
        assert url_for("nhsuk_assets.static", filename="assets") == "/assets/assets"  # the icons' folder
        assert url_for("static", filename="no-such.css") == "/static/no-such.css"
        assert url_for("static", filename="hearthlink.css", v="mine") == "/static/hearthlink.css?v=mine"


# --- no inline script, no inline event handlers -------------------------------------------------

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.S)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*?\sstyle\s*=", re.S)


def inline_scripts_not_allowed_by_hash(html: str, script_src: list[str]) -> list[str]:
    """Inline scripts a browser would refuse: not JSON data, and not listed by hash in the policy."""
    refused = []
    for attributes, body in SCRIPT.findall(html):
        if "src=" in attributes or 'type="application/json"' in attributes:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        if f"'sha256-{digest}'" not in script_src:
            refused.append(body[:80])
    return refused


def pages_for(app) -> list[str]:
    """Every GET page without a path parameter (the forms and lists people see first)."""
    skip = ("/logout", "/static", "/assets", "/vendor", "/openreferral", "/healthz", "/dashboard/export")
    return sorted({rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(skip)})


@pytest.mark.parametrize("role", list(Role))
def test_no_page_runs_inline_script_or_inline_event_handlers(app, client, sign_in, role):
    sign_in.as_user(factories.user(role=role))
    checked = 0
    for url in pages_for(app):
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        html = response.get_data(as_text=True)
        script_src = directives(response)["script-src"]
        assert inline_scripts_not_allowed_by_hash(html, script_src) == [], url
        assert EVENT_HANDLER.search(html) is None, f"{url}: {EVENT_HANDLER.search(html).group(0)[:120]}"
        if directives(response)["style-src"] == ["'self'"]:  # a style attribute would be refused
            assert STYLE_ATTRIBUTE.search(html) is None, f"{url}: {STYLE_ATTRIBUTE.search(html).group(0)[:120]}"
        checked += 1
    assert checked >= 3


def test_the_printable_report_prints_without_an_inline_handler(client, sign_in):
    sign_in.as_role(Role.COMMISSIONER)
    html = client.get("/dashboard/report").get_data(as_text=True)
    assert "onclick" not in html and "data-hl-print" in html


def test_the_only_inline_script_is_the_nhsuk_page_templates_own_line(client):
    """NHS.UK's page template marks <body> as able to run JavaScript with one fixed line; the policy
    allows exactly that line by its hash, so no other inline script (an injected one) can run."""
    response = client.get("/login")
    html = response.get_data(as_text=True)
    bodies = [body for attributes, body in SCRIPT.findall(html) if "src=" not in attributes
              and 'type="application/json"' not in attributes]
    assert len(bodies) == 1 and "js-enabled" in bodies[0]
    hashes = [source for source in directives(response)["script-src"] if source.startswith("'sha256-")]
    assert len(hashes) == 1


def test_the_strict_plotly_bundle_is_the_plotly_js_the_python_library_writes_figures_for():
    from plotly.offline import get_plotlyjs_version

    from app.assets import PLOTLY_DIR, PLOTLY_SCRIPT

    header = (PLOTLY_DIR / PLOTLY_SCRIPT).read_text()[:200]
    assert f"v{get_plotlyjs_version()}\n" in header


def test_a_persons_pages_carry_no_inline_script_style_or_handler(client, sign_in):
    episode = factories.supported_person(referred_on=date(2024, 1, 8), first_contact_on=date(2024, 1, 15))
    sign_in.as_role(Role.MANAGER)
    for url in (f"/referrals/{episode.referral_id}", f"/triage/{episode.referral_id}", f"/people/{episode.person_id}",
                f"/people/{episode.person_id}/onward/new"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert inline_scripts_not_allowed_by_hash(html, directives(response)["script-src"]) == [], url
        assert EVENT_HANDLER.search(html) is None and STYLE_ATTRIBUTE.search(html) is None, url
        assert response.headers["Cache-Control"] == "no-store"
