"""Recomputing a view's dashboard figures in the background, so that a page never waits for them.

When the records change, the cached figures of every view are out of date.  The next visitor to
a view is shown that view's last figures at once — the page says when they were computed and
that newer ones are on the way — and :func:`request` hands the view to one worker thread in this
app process, which computes and stores the new figures.  The same view is never queued twice in
one process, and on PostgreSQL an advisory lock lets only one app process compute a view at a
time (the others leave it: the next visit finds the new figures).

When the task queue's worker runs (``make run`` and ``make serve`` start it), the work is queued
for it instead (``app.tasks.refresh_dashboard_view``), so web workers never compute figures.

A view that has never been computed has nothing to show in the meantime, so it is computed
while the visitor waits (``flask outcomes warm-dashboard`` after an import avoids that); with a
comparison cohort held, only its plain figures are, and the difference in differences follows
from the background (``app.analytics.figures.figures_for``).
Set ``DASHBOARD_BACKGROUND_REFRESH=0`` to always compute while the visitor waits.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading

from flask import Flask
from sqlalchemy import text

from app.analytics.dates_sql import is_postgres
from app.analytics.filters import Filters
from app.analytics.parallel import process_pool
from app.extensions import db

log = logging.getLogger(__name__)
_lock = threading.Lock()
_pending: set[str] = set()
_idle = threading.Condition(_lock)


def request(app: Flask, filters: Filters) -> bool:
    """Queue the view's figures to be computed; False when it is already queued here.

    When the task queue's worker is running (it says so every minute, `app.tasks.worker_alive`),
    the work goes to the queue and no web process computes; otherwise (a bare `flask run`, or
    the tests, whose tasks run at once) it goes to this process's background thread as before."""
    from app import tasks

    if tasks.worker_alive():
        return tasks.enqueue(tasks.refresh_dashboard_view, dataclasses.asdict(filters))
    key = filters.key()
    with _lock:
        if key in _pending:
            return False
        _pending.add(key)
    process_pool("dashboard-refresh", 1).submit(_compute, app, filters, key)
    return True


def _compute(app: Flask, filters: Filters, key: str) -> None:
    from app.analytics.figures import figures_for

    try:
        with app.app_context():
            if _claimed(key):
                figures_for(filters)
    except Exception:  # noqa: BLE001 - a failed refresh must not kill the worker; the next visit retries
        log.exception("dashboard figures could not be refreshed for %s", key)
    finally:
        with _lock:
            _pending.discard(key)
            _idle.notify_all()


def compute_now(filters_data: dict) -> None:
    """The queue's task: compute and store one view's figures, unless another worker or process
    has already done it, or is doing it (the same advisory lock as the thread)."""
    from app.analytics import cache
    from app.analytics.figures import figures_for

    filters = Filters(**filters_data)
    if cache.get(cache.cache_key(filters.key(), cache.fingerprint())) is not None:
        return
    if _claimed(filters.key()):
        figures_for(filters)


def _claimed(key: str) -> bool:
    """On PostgreSQL, whether this process may compute the view now: no other process holds its
    lock (held until this transaction ends).  Always true elsewhere."""
    if not is_postgres(db.session):
        return True
    return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:number)"), {"number": lock_number(key)}))


def lock_number(key: str) -> int:
    """The view's advisory lock: a signed 64-bit number from its filters."""
    return int.from_bytes(hashlib.sha256(f"dashboard-view|{key}".encode()).digest()[:8], "big", signed=True)


def wait(timeout: float = 60.0) -> bool:
    """Block until nothing is queued in this process (for tests and the benchmark)."""
    with _lock:
        return _idle.wait_for(lambda: not _pending, timeout=timeout)
