"""The header navigation each role sees."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import g, request, url_for

from app.security import Role

# (label, endpoint) in the order they appear; an endpoint only shows once its blueprint exists.
NAVIGATION: dict[Role, list[tuple[str, str]]] = {
    Role.GP_PRACTICE: [("Referrals", "referrals.index"), ("Refer someone", "referrals.new"),
                       ("Activity data", "activity.upload"), ("Directory", "directory.index")],
    Role.MANAGER: [("Triage", "triage.index"), ("Referrals", "referrals.index"),
                   ("Caseloads", "caseload.index"), ("Find a person", "people.find"), ("Visits", "visits.index"),
                   ("Safeguarding", "safeguarding.index"), ("Directory", "directory.index"),
                   ("Dashboard", "dashboard.index"), ("Activity data", "activity.upload"), ("Audit log", "audit.index")],
    Role.LINK_OFFICER: [("My caseload", "caseload.index"), ("Find a person", "people.find"),
                        ("Directory", "directory.index")],
    Role.COMMISSIONER: [("Dashboard", "dashboard.index"), ("Methods", "dashboard.methods")],
    Role.ADMIN: [("Administration", "admin.index"), ("Directory", "directory.index")],
}


_BY_ADDRESS = object()


def mark_current(endpoint: str | None) -> None:
    """Name this page's navigation item where its address alone would mislead (None: no item): an
    officer covering a colleague's caseload, at /caseload/?officer=..., is not on "My caseload"."""
    g.navigation_current = endpoint


def navigation_for(user) -> list[dict]:
    """The role's items, each marked current when the page is under its address, unless the view
    named the current item itself (`mark_current`)."""
    from flask import current_app

    named = g.get("navigation_current", _BY_ADDRESS)
    items = []
    for label, endpoint in NAVIGATION.get(Role(user.role), []):
        if endpoint not in current_app.view_functions:
            continue
        href = url_for(endpoint)
        current = (request.path == href or (href != "/" and request.path.startswith(href))) \
            if named is _BY_ADDRESS else endpoint == named
        items.append({"text": label, "href": href, "current": current})
    return items


def came_from(endpoint: str) -> str | None:
    """The page at `endpoint` as the user left it (its search, filters and page kept) when the
    browser's Referer says they came from it, else None. Read from this site's own Referer only
    (its pages send Referrer-Policy: same-origin); only the endpoint's own path is ever given."""
    path = url_for(endpoint)
    referrer = urlsplit(request.referrer or "")
    if referrer.path != path or referrer.netloc != request.host:
        return None
    return f"{path}?{referrer.query}" if referrer.query else path
