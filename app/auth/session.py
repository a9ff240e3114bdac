"""Staff sessions: Flask-Login over a signed cookie, checked against a record on the server.

The cookie alone is not enough to stay signed in. It carries a random identifier whose SHA-256
must match a StaffSession that has not been ended, has been used within the idle timeout and is
younger than the absolute one, so signing out, the timeouts and "sign out everywhere" hold even
against a copied cookie.
"""
from __future__ import annotations

import functools
import secrets
from datetime import timedelta

from flask import Flask, current_app, flash, g, redirect, request, session
from flask_login import LoginManager, current_user, login_url, login_user, logout_user
from sqlalchemy import DateTime, Integer, String, bindparam, exists, select

from app.extensions import db
from app.models import HomeVisit, StaffSession, User
from app.models.base import utcnow
from app.models.staff_session import token_digest
from app.services import audit

SESSION_KEY = "staff_session"
# Writing last_seen_at on every request would turn every page view into a database write; the
# price is that the idle timeout may end a session up to this much early.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
FLASK_LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds")


def background(view):
    """Mark a view that a page's script asks by itself (the overdue-visit alert, the dashboard's
    status): asking it does not count as using Hearthlink, so a page left open on an unattended
    screen still reaches the idle timeout. It is checked like any request, and ends an expired session."""
    view.background_request = True
    return view


def _is_background() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "background_request", False))


def _remote_addr() -> str:
    return (request.remote_addr or "")[:64]  # ProxyFix (TRUSTED_PROXY_HOPS) has made it the client's


def begin_session(user: User) -> None:
    """Sign a user in once every check (password, throttle, second factor) has passed."""
    token = secrets.token_urlsafe(32)
    db.session.add(StaffSession(token_hash=token_digest(token), user=user, remote_addr=_remote_addr(),
                                user_agent=request.headers.get("User-Agent", "")[:200]))
    login_user(user, remember=False)
    session[SESSION_KEY] = token
    audit.record(by=user, action="auth.sign_in", subject_type="user", subject_id=user.id)
    db.session.commit()


def current_staff_session() -> StaffSession | None:
    """The record behind this browser's session, if it is one that is still open."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return None
    record = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == token_digest(token)))
    if record is None or record.ended_at is not None:
        return None
    return record


def end_session(*, reason: str) -> None:
    """Sign the current user out of this browser, and end its record so the cookie is dead."""
    if current_user.is_authenticated:
        record = current_staff_session()
        if record is not None:
            record.end(reason=reason)
        audit.record(by=current_user, action="auth.sign_out", subject_type="user",
                     subject_id=current_user.id, detail=reason)
        db.session.commit()
    forget_browser()


def _expiry_reason(record: StaffSession) -> str | None:
    now = utcnow()
    if now - record.created_at >= timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"]):
        return "absolute"
    if now - record.last_seen_at >= timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]):
        return "idle"
    return None


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" + ("" if count == 1 else "s")


def expiry_message(reason: str) -> str:
    if reason == "absolute":
        hours = current_app.config["SESSION_ABSOLUTE_HOURS"]
        return (f"You were signed out because you had been signed in for {_plural(hours, 'hour')}. "
                "Sign in again to continue.")
    minutes = current_app.config["SESSION_IDLE_MINUTES"]
    return (f"You were signed out because you had not used Hearthlink for {_plural(minutes, 'minute')}. "
            "Sign in again to continue.")


def _drop_sign_in_keys() -> None:
    # Not logout_user(): inside the user loader that would ask for the user again.
    for key in (*FLASK_LOGIN_KEYS, SESSION_KEY):
        session.pop(key, None)


def forget_browser() -> None:
    """Sign this browser out once its record has been ended (by "sign out everywhere")."""
    logout_user()
    _drop_sign_in_keys()


@functools.cache
def _session_and_user():
    """The session record and its user, by the token's digest (`token_hash`) and the user's id
    (`user_id`). Built once: this runs on every signed-in request, and SQLAlchemy works out the
    cache key of a statement built afresh each time (about 0.2 ms of a page), of a kept one once.
    It also says whether the user is on a home visit past its expected end (`now`), so the
    reminder to check out at the top of every page (base.html) costs a query only when there is
    one to give (on the index of visits under way, usually no row)."""
    past_end = exists().where(HomeVisit.officer_id == User.id, HomeVisit.checked_out_at.is_(None),
                              HomeVisit.expected_end_at <= bindparam("now", type_=DateTime))
    return (select(StaffSession, User, past_end.label("visit_past_end"))
            .join(User, User.id == StaffSession.user_id)
            .where(StaffSession.token_hash == bindparam("token_hash", type_=String),
                   User.id == bindparam("user_id", type_=Integer)))


def on_a_visit_past_its_end() -> bool:
    """Whether the signed-in user had a home visit past its expected end as this request began."""
    return bool(g.get("visit_past_end"))


def _load_user(identity: str) -> User | None:
    user_id, _, version = identity.partition(":")
    if not user_id.isdigit() or not version.isdigit() or len(user_id) > 18:
        return None
    token = session.get(SESSION_KEY)
    # One query per request: the session record and its user together.
    found = None
    if isinstance(token, str) and token:
        found = db.session.execute(_session_and_user(), {"token_hash": token_digest(token), "user_id": int(user_id),
                                                         "now": utcnow()}).first()
    # A reset password or a deactivation bumps the version and so ends old sessions.
    if found is None or found.StaffSession.ended_at is not None or not found.User.active \
            or found.User.session_version != int(version):
        _drop_sign_in_keys()
        return None
    record, user = found.StaffSession, found.User
    reason = _expiry_reason(record)
    if reason is not None:
        record.end(reason=reason)
        audit.record(by=user, action="auth.session_expired", subject_type="user", subject_id=user.id,
                     detail=reason)
        db.session.commit()
        _drop_sign_in_keys()
        flash(expiry_message(reason), "info")
        g.session_expired = True
        return None
    if utcnow() - record.last_seen_at >= LAST_SEEN_RESOLUTION and not _is_background():
        record.last_seen_at = utcnow()
        db.session.commit()
    g.staff_session_id = record.id
    g.visit_past_end = found.visit_past_end
    return user


def _check_session_first() -> None:
    """Resolve the signed-in user before any view runs, so the loader's commits carry nothing else."""
    if request.endpoint and (request.endpoint == "static" or request.endpoint.endswith(".static")):
        return
    current_user._get_current_object()


def _unauthorized():
    # An expired session has already said why (in this request, or in a page's own ask just
    # before it); don't add "Sign in to continue." beneath it.
    if not g.get("session_expired") and not session.get("_flashes"):
        flash(current_app.login_manager.login_message, current_app.login_manager.login_message_category)
    return redirect(login_url(current_app.login_manager.login_view, next_url=request.url))


def configure_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(_check_session_first)
