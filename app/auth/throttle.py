"""Per-account sign-in throttle: too many wrong passwords or codes lock an email address for a while.

Counted in the database against a keyed hash of the email (see SignInThrottle), so the lock holds
from every address and in every app process, and an unknown email locks exactly like a known one.
The per-address limit is Flask-Limiter's, on the views.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from app.auth.keys import email_key
from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.models.sign_in import SignInThrottle
from app.services import audit


def _settings() -> tuple[int, timedelta, timedelta]:
    config = current_app.config
    return (config["SIGN_IN_LOCK_ATTEMPTS"], timedelta(minutes=config["SIGN_IN_LOCK_WINDOW_MINUTES"]),
            timedelta(minutes=config["SIGN_IN_LOCK_MINUTES"]))


def locked_until(email: str) -> datetime | None:
    """When the lock on this email ends, or None when it may sign in now."""
    until = db.session.scalar(select(SignInThrottle.locked_until)
                              .where(SignInThrottle.email_key == email_key(email)))
    return until if until is not None and until > utcnow() else None


def locked_users(users: list[User]) -> dict[int, datetime]:
    """Which of these users are locked out, and until when (one query, for the admin list)."""
    by_key = {email_key(user.email): user.id for user in users}
    rows = db.session.execute(select(SignInThrottle.email_key, SignInThrottle.locked_until).where(
        SignInThrottle.email_key.in_(by_key), SignInThrottle.locked_until > utcnow()))
    return {by_key[key]: until for key, until in rows}


def record_failure(email: str) -> datetime | None:
    """Count one wrong password or code for this email, locking it at the limit. Commits.

    One upsert, so attempts arriving at once in several processes are all counted. Returns when
    the lock ends if the email is now locked.
    """
    limit, window, lock = _settings()
    now = utcnow()
    table = SignInThrottle.__table__
    # A window that has run out, or a lock that has ended, starts the count again.
    fresh = or_(table.c.window_started_at < now - window,
                and_(table.c.locked_until.is_not(None), table.c.locked_until <= now))
    failures = case((fresh, 1), else_=table.c.failures + 1)
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(table)
    statement = insert.values(email_key=email_key(email), failures=1, window_started_at=now,
                              locked_until=now + lock if limit <= 1 else None)
    statement = statement.on_conflict_do_update(index_elements=[table.c.email_key], set_={
        "failures": failures,
        "window_started_at": case((fresh, now), else_=table.c.window_started_at),
        "locked_until": case((failures >= limit, now + lock),
                             (fresh, None), else_=table.c.locked_until),
    })
    db.session.execute(statement)
    # Forget counts nobody needs any more, so guessing at many emails does not fill the table.
    db.session.execute(delete(table).where(
        table.c.window_started_at < now - window,
        or_(table.c.locked_until.is_(None), table.c.locked_until < now)))
    db.session.commit()
    return locked_until(email)


def forget(email: str) -> None:
    """A completed sign-in clears the count (the caller commits)."""
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.email_key == email_key(email)))


def unlock(*, by: User, user: User) -> None:
    """An administrator lets a locked-out user try again at once."""
    forget(user.email)
    audit.record(by=by, action="user.unlock_sign_in", subject_type="user", subject_id=user.id,
                 detail=user.email)
    db.session.commit()
