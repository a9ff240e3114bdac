"""The cyclic garbage collector's settings for long-lived processes (the server, the tests).

At Python's default thresholds (700, 10, 10) the collector ran about once a request, and each
full collection walked every module, template and mapper loaded: 0.2-0.5 ms of a page, and 17 s
of 54 s over seven test files. What is loaded by the time a process is ready lives as long as the
process, so it is frozen out of the collector's sight, and the collector then runs about a tenth
as often. Garbage is still collected; only the cadence changes.
"""
from __future__ import annotations

import gc

THRESHOLDS = (20_000, 10, 10)


def settle_after_start() -> None:
    """Call once the process has loaded what it keeps (the app, or the collected tests)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
