"""How old a view's figures are, in words, and whether up-to-date figures are ready.

The dashboard shows a view's last figures at once after records change (``app.analytics.refresh``);
the page says how old they are and its script asks :func:`status` until the new ones are stored.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, request
from sqlalchemy import select

from app.analytics import cache, filters as filtering, refresh
from app.analytics.filters import Filters
from app.extensions import db
from app.models import Locality, Practice
from app.models.base import long_date, uk_local
from app.models.dashboard_cache import DashboardCache


def clock_time(moment: datetime) -> str:
    """A time as NHS.UK writes it: 4pm, 4:30pm, midday, midnight."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def age_in_words(calculated_at: datetime, now: datetime) -> str:
    """When figures were calculated, said as a person would, in UK time ("3 hours ago",
    "yesterday at 4pm", "2 days ago", "on 3 November 2026"). Both times are naive UTC."""
    seconds = (now - calculated_at).total_seconds()
    then = uk_local(calculated_at)
    today = uk_local(now).date()
    days = (today - then.date()).days
    if seconds < 60:
        return "less than a minute ago"
    if seconds < 3600:
        return f"{_plural(int(seconds // 60), 'minute')} ago"
    if days == 0 or seconds < 6 * 3600:
        return f"{_plural(int(seconds // 3600), 'hour')} ago"
    if days == 1:
        return f"yesterday at {clock_time(then)}"
    if days < 14:
        return f"{days} days ago"
    return f"on {long_date(calculated_at)}"


def calculated_in_words(computed_at: str, now: datetime) -> str:
    """The figures' own ``computed_at`` (ISO, naive UTC) in words."""
    return age_in_words(datetime.fromisoformat(computed_at), now)


def requested_filters() -> Filters:
    """The view the URL asks for, read as the dashboard page reads it."""
    localities = list(db.session.scalars(select(Locality.name)))
    practices = list(db.session.scalars(select(Practice.ods_code)))
    return filtering.parse(request.args, localities=localities, practices=practices)


def status(filters: Filters) -> dict:
    """Whether this view's figures are up to date with the records, and when those were calculated.

    Only a yes or no and a time: nothing about any person. While they are not ready, asks for them
    again, so a poll that reaches another app server (or follows a failed attempt) still gets them
    calculated; a view already being calculated is not queued twice.
    """
    key = cache.cache_key(filters.key(), cache.fingerprint())
    stored = db.session.scalar(select(DashboardCache.created_at).where(DashboardCache.key == key))
    if stored is None and current_app.config.get("DASHBOARD_BACKGROUND_REFRESH", True):
        refresh.request(current_app._get_current_object(), filters)
    return {"fresh": stored is not None,
            "calculated_at": stored.replace(tzinfo=UTC).isoformat(timespec="seconds") if stored else None}
