"""The task queue: tests run tasks at once; with a worker running (its heartbeat), the dashboard's
background refresh goes to the queue instead of a thread in the web process."""
from __future__ import annotations

from datetime import date

import pytest
from huey.storage import MemoryStorage

from app import tasks
from app.analytics import cache, refresh
from app.analytics.filters import Filters
from tests import factories


@pytest.fixture
def queued(app):
    """Tasks wait in an in-memory queue, as they would for a worker, until the test runs them."""
    tasks.huey.immediate = False
    tasks.huey.storage = MemoryStorage(tasks.huey.name)
    try:
        yield tasks.huey
    finally:
        tasks.huey.immediate = True


def test_tests_run_tasks_at_once_and_count_no_worker(app):
    assert tasks.huey.immediate
    assert not tasks.worker_alive()


def test_without_a_worker_the_refresh_stays_in_the_web_process(app, queued):
    factories.supported_person(referred_on=date(2024, 1, 8))
    assert not tasks.worker_alive()
    assert refresh.request(app, Filters(locality="Nowhere"))
    assert queued.pending_count() == 0
    assert refresh.wait(timeout=120)


def test_with_a_worker_running_the_refresh_is_queued_and_the_worker_computes_it(app, queued):
    factories.supported_person(referred_on=date(2024, 1, 8))
    tasks.beat()
    assert tasks.worker_alive()
    filters = Filters(locality="Nowhere")
    assert refresh.request(app, filters)
    assert queued.pending_count() == 1 and not refresh._pending  # no thread in this process
    key = cache.cache_key(filters.key(), cache.fingerprint())
    assert cache.get(key) is None
    queued.execute(queued.dequeue())  # what the worker does
    assert cache.get(key) is not None
    assert queued.pending_count() == 0


def test_a_stale_heartbeat_means_no_worker(app, queued):
    queued.storage.put_data(tasks.HEARTBEAT_KEY, b"0.0")
    assert not tasks.worker_alive()
