"""The dashboard after a demo load: the landing view computed now, the other views queued.

Computing all 32 one-click views (everything, each locality and each practice, for two periods)
took longer than loading the data.  A newcomer's ``make run`` opens the dashboard on the landing
view (everything, all referrals), so that one is computed before ``flask demo load`` returns;
the other 31 go to the task queue (``app.tasks.refresh_dashboard_view``), which the worker that
``make run`` starts beside the web server computes within moments.  When the queue cannot be
reached a view is computed here as before, and the tests' queue runs each task at once, so the
figures are the same either way; a view whose task has not run yet is computed while its first
visitor waits, as any never-computed view is (app/analytics/refresh.py).
"""
from __future__ import annotations

import dataclasses
import time

from app import tasks
from app.analytics.figures import figures_for, warm_views


def prepare() -> tuple[int, int, float]:
    """(views computed now, views queued, seconds spent here)."""
    started = time.perf_counter()
    landing, *others = warm_views()
    figures_for(landing)
    computed, queued = 1, 0
    for view in others:
        if tasks.huey.immediate:
            figures_for(view)  # no worker will come (tests, HUEY_IMMEDIATE): compute it here
            computed += 1
        elif tasks.enqueue(tasks.refresh_dashboard_view, dataclasses.asdict(view)):
            queued += 1
        else:
            figures_for(view)
            computed += 1
    return computed, queued, time.perf_counter() - started
