"""Roles and access declarations: every view says who may use it, and nothing else gets in.

`requires(...)` and `public` tag a view function; `enforce_declared_access` runs before
every request and refuses any endpoint that carries no declaration (deny by default).
"""
from __future__ import annotations

from enum import StrEnum
from functools import wraps
from typing import Callable

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    LINK_OFFICER = "link_officer"
    GP_PRACTICE = "gp_practice"
    COMMISSIONER = "commissioner"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.MANAGER: "Service manager",
    Role.LINK_OFFICER: "Link officer",
    Role.GP_PRACTICE: "GP practice",
    Role.COMMISSIONER: "Commissioner",
}

ALL_STAFF = frozenset(Role)
ACCESS_ATTRIBUTE = "_hearthlink_roles"
PUBLIC = "public"
# Views for other systems, authenticated by a bearer token, never by a staff session
# (app/fhir_api/auth.py); no staff role opens them in a browser.
API_TOKEN = "api_token"


def requires(*roles: Role) -> Callable:
    """Declare the roles that may use a view; other signed-in users get 403."""
    allowed = frozenset(roles)
    if not allowed or not allowed <= set(Role):
        raise ValueError(f"requires() needs roles from Role, got {roles!r}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        setattr(guarded, ACCESS_ATTRIBUTE, allowed)
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    """Declare a view open to anonymous users (sign-in, health check, open data)."""
    setattr(view, ACCESS_ATTRIBUTE, PUBLIC)
    return view


def declared_access(view: Callable | None):
    return getattr(view, ACCESS_ATTRIBUTE, None)


def may_use(endpoint: str, user=None) -> bool:
    """Whether `user` (the signed-in user by default) may use `endpoint`, read from the roles its view
    declares. Templates offer an action through this (`can(...)`), so nobody is shown a button the
    view would then refuse with 403; unknown and undeclared endpoints are refused here too."""
    access = declared_access(current_app.view_functions.get(endpoint))
    if access == PUBLIC:
        return True
    if access == API_TOKEN:
        return False
    user = current_user if user is None else user
    return bool(access) and user.is_authenticated and user.role in access


def enforce_declared_access():
    """before_request hook: a view with no declaration is refused, whoever asks."""
    if request.endpoint is None:
        return None  # 404s and 405s are answered by Flask itself
    if request.endpoint == "static" or request.endpoint.endswith(".static"):
        return None
    view = current_app.view_functions.get(request.endpoint)
    if declared_access(view) is None:
        current_app.logger.error("view %s declares no access; refused", request.endpoint)
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        abort(403)
    return None


def home_endpoint(role: Role) -> str:
    """Where each role lands after signing in."""
    return {
        Role.ADMIN: "admin.index",
        Role.MANAGER: "triage.index",
        Role.LINK_OFFICER: "caseload.index",
        Role.GP_PRACTICE: "referrals.index",
        Role.COMMISSIONER: "dashboard.index",
    }[role]
