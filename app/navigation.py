"""The header navigation each role sees."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for

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


def navigation_for(user) -> list[dict]:
    from flask import current_app

    items = []
    for label, endpoint in NAVIGATION.get(Role(user.role), []):
        if endpoint not in current_app.view_functions:
            continue
        href = url_for(endpoint)
        items.append({"text": label, "href": href,
                      "current": request.path == href or (href != "/" and request.path.startswith(href))})
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
