"""The steps of signing in: password (with throttle), then the second factor, then the session.

Between the password and the second factor the browser holds a "pending" note in its session:
who, which step, since when. It is not a sign-in: Flask-Login knows nothing of it, so every
protected page still sends the browser to the sign-in page.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app, session, url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash

from app.auth import mfa, throttle
from app.auth.keys import email_for_log, normalise_email
from app.auth.session import begin_session
from app.extensions import db, limiter
from app.models import User
from app.models.base import uk_local
from app.models.org import hash_password
from app.security import home_endpoint

PENDING = "sign_in_pending"
CODE_STEP = "code"
ENROL_STEP = "enrol"


def _failed(response) -> bool:
    # A refused attempt redraws the form (200); success and expired steps redirect.
    return response.status_code == 200


#: Per address, shared by the password and code steps: guessing codes costs the same as passwords.
sign_in_limit = limiter.shared_limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], scope="sign-in",
                                     methods=["POST"], deduct_when=_failed,
                                     error_message="Too many sign-in attempts")


@dataclass(frozen=True)
class Attempt:
    user: User | None = None
    locked_until: datetime | None = None


def _stand_in_hash() -> str:
    """A password hash made like real ones, checked when no account matches, so that an unknown
    email takes as long to refuse as a wrong password."""
    return _stand_in_hash_for(current_app.config.get("PASSWORD_HASH_METHOD"))


@cache
def _stand_in_hash_for(method: str | None) -> str:
    return hash_password("no account has this password")


def check_password(*, email: str, password: str) -> Attempt:
    """The account this email and password sign in to, or why not. Counts failures (commits)."""
    until = throttle.locked_until(email)
    if until is not None:
        return Attempt(locked_until=until)
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    matches = check_password_hash(user.password_hash if user is not None else _stand_in_hash(), password)
    if user is not None and user.active and matches:
        return Attempt(user=user)
    current_app.logger.info("failed sign-in for %s", email_for_log(email))
    return Attempt(locked_until=throttle.record_failure(email))


def after_password(user: User, *, next_url: str | None) -> str:
    """Where a user goes once their password is right: the code step, forced enrolment, or in."""
    if mfa.has_second_factor(user):
        _hold(user, CODE_STEP, next_url)
        return url_for("auth.code")
    if current_app.config["REQUIRE_MFA"]:
        _hold(user, ENROL_STEP, next_url)
        return url_for("auth.enrol_at_sign_in")
    return finish(user, next_url=next_url)


def check_code(*, user: User, code: str, recovery: bool) -> Attempt:
    """The second step: a current app code or an unused recovery code. Counts failures (commits)."""
    until = throttle.locked_until(user.email)
    if until is None:
        used = (mfa.use_recovery_code if recovery else mfa.use_app_code)(user=user, code=code)
        if used:
            return Attempt(user=user)
        current_app.logger.info("wrong sign-in code for %s", email_for_log(user.email))
        until = throttle.record_failure(user.email)
    if until is not None:
        drop_pending()
    return Attempt(locked_until=until)


def _hold(user: User, step: str, next_url: str | None) -> None:
    session[PENDING] = {"user": user.id, "version": user.session_version, "step": step,
                        "at": int(time.time()), "next": next_url}


def drop_pending() -> None:
    session.pop(PENDING, None)


def pending_user(step: str) -> User | None:
    """The user part-way through signing in at this step, if their time has not run out."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("step") != step:
        return None
    minutes = current_app.config["MFA_PENDING_MINUTES" if step == CODE_STEP else "MFA_ENROL_MINUTES"]
    user = db.session.get(User, pending.get("user") or 0)
    fresh = time.time() - pending.get("at", 0) <= minutes * 60
    # A password reset or deactivation meanwhile bumps the version and so ends the attempt.
    if not fresh or user is None or not user.active or user.session_version != pending.get("version"):
        drop_pending()
        return None
    return user


def finish(user: User, *, next_url: str | None = None) -> str:
    """Every check passed: clear the failure count, start the session, say where to go."""
    next_url = next_url or (session.get(PENDING) or {}).get("next")
    drop_pending()
    throttle.forget(user.email)
    begin_session(user)
    return next_url or url_for(home_endpoint(user.role_enum))


def uk_clock(moment: datetime) -> str:
    """A UTC moment as people in the UK read a clock: 10:15am."""
    local = uk_local(moment)
    return f"{local.hour % 12 or 12}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def problem(attempt: Attempt | None) -> str | None:
    """What the sign-in page tells someone whose attempt was refused (never which part was wrong)."""
    if attempt is None:
        return None
    if attempt.locked_until is not None:
        return (f"This account is locked because of too many wrong attempts. Try again after "
                f"{uk_clock(attempt.locked_until)}, or ask your Hearthlink administrator to unlock it.")
    config = current_app.config
    return (f"Enter a correct email address and password. Accounts lock for {config['SIGN_IN_LOCK_MINUTES']} "
            f"minutes after {config['SIGN_IN_LOCK_ATTEMPTS']} wrong attempts.")
