"""Structured (one JSON object per line) request logs to standard output."""
from __future__ import annotations

import json
import logging
import sys
import time

from flask import Flask, g, request
from sqlalchemy import inspect


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def _signed_in_id() -> int | None:
    """The signed-in user's id, read from the identity map: `current_user.id` after the view's
    audit commit would reload the expired user (a query on every page) just to log it."""
    user = g.get("_login_user")  # Flask-Login's cache; never load a user only to log the request
    state = inspect(user, raiseerr=False) if user is not None else None
    return state.identity[0] if state is not None and state.identity else None


def configure(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    request_log = logging.getLogger("hearthlink.request")
    request_log.handlers[:] = [handler]
    request_log.setLevel(logging.INFO)
    request_log.propagate = False
    if app.config["HEARTHLINK_ENV"] == "production":
        app.logger.handlers[:] = [handler]
        app.logger.setLevel(logging.INFO)

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        if app.testing:
            return response
        started = g.get("request_started")
        took_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        request_log.info("request", extra={"fields": {
            "method": request.method, "path": request.path, "status": response.status_code,
            "ms": took_ms, "user_id": _signed_in_id(),
            "remote": request.remote_addr,
        }})
        return response
