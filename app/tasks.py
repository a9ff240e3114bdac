"""The task queue (Huey): work the web request should not wait for, done by a separate worker.

- `deliver_message(id)`: a message back to a GP system, queued when the change that caused it
  commits (`app/services/outbox.py`), so the first attempt is made within seconds;
- `deliver_due_messages()`: every minute, whatever is pending and due (retries with back-off,
  and anything queued before a restart or whose enqueue was lost): nothing waits for a person;
- `refresh_dashboard_view(filters)`: recomputes one dashboard view's figures in the background
  (`app/analytics/refresh.py`).

Storage: Redis when `HUEY_REDIS_URL` (or `REDIS_URL`) is set, which production uses so every app
server and worker share one queue; otherwise a SQLite file in `instance/` (one machine, `make
run`). `HUEY_IMMEDIATE=1` runs tasks at once in the caller, in memory (the tests use it).

Run the worker with `flask --app app worker` (`make run` and `make serve` start it beside the web
server). Each task runs inside a Flask app context: the worker's own app, or, when run at once in
a web request or a test, a fresh context of the same app, so it has its own database session.
"""
from __future__ import annotations

import logging
import os
from functools import wraps

from huey import RedisHuey, SqliteHuey, crontab

from app.config import INSTANCE_DIR

log = logging.getLogger(__name__)


def _make_huey():
    redis_url = os.environ.get("HUEY_REDIS_URL") or os.environ.get("REDIS_URL")
    immediate = os.environ.get("HUEY_IMMEDIATE", "0") == "1"
    if redis_url:
        return RedisHuey("hearthlink", url=redis_url, results=False, immediate=immediate)
    INSTANCE_DIR.mkdir(exist_ok=True)
    return SqliteHuey("hearthlink", filename=str(INSTANCE_DIR / "tasks.db"), results=False, immediate=immediate)


huey = _make_huey()
_worker_app = None


def bind(app) -> None:
    """Use this Flask app for tasks run by the worker (the `flask worker` command's own app)."""
    global _worker_app
    _worker_app = app


def configure(app) -> None:
    """Called by the app factory: tests (TESTING) and HUEY_IMMEDIATE run tasks at once, in memory."""
    if app.config.get("HUEY_IMMEDIATE") or app.config.get("TESTING"):
        huey.immediate = True


def _flask_app():
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app._get_current_object()
    global _worker_app
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    return _worker_app


def in_app_context(function):
    """Run the task in its own app context (its own database session), removed afterwards."""
    @wraps(function)
    def run(*args, **kwargs):
        from app.extensions import db

        with _flask_app().app_context():
            try:
                return function(*args, **kwargs)
            finally:
                db.session.remove()
    return run


@huey.task()
@in_app_context
def deliver_message(message_id: int) -> str:
    from app.services import outbox

    return outbox.deliver(message_id)


@huey.periodic_task(crontab(minute="*"))
@in_app_context
def deliver_due_messages() -> int:
    from app.services import outbox

    return outbox.deliver_due()


@huey.task()
@in_app_context
def refresh_dashboard_view(filters_data: dict) -> None:
    from app.analytics import refresh

    refresh.compute_now(filters_data)


HEARTBEAT_KEY = "hearthlink-worker-heartbeat"
HEARTBEAT_FRESH_SECONDS = 180


def beat() -> None:
    """Say in the queue's storage that a worker is running (every minute, and when one starts)."""
    import time

    huey.storage.put_data(HEARTBEAT_KEY, repr(time.time()).encode())


@huey.periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    beat()


def worker_alive() -> bool:
    """Whether a worker has said it is running within the last three minutes. Work that only a
    worker would do (the dashboard refresh) is done in the web process instead when none is."""
    import time

    if huey.immediate:
        return False
    try:
        value = huey.storage.peek_data(HEARTBEAT_KEY)
        return isinstance(value, bytes) and time.time() - float(value) < HEARTBEAT_FRESH_SECONDS
    except Exception:  # noqa: BLE001 - storage unreachable: no worker we can count on
        return False


def enqueue(task, *args) -> bool:
    """Queue a task; False (logged) when the queue cannot be reached. Callers rely on the periodic
    task to catch up, so a queue outage delays work but loses none."""
    try:
        task(*args)
        return True
    except Exception:  # noqa: BLE001 - the queue's storage is down: the periodic sweep retries
        log.exception("could not queue %s%r", getattr(task, "name", task), args)
        return False
