"""Name the test when a test process grows past a limit, before the kernel kills it.

Twice in two days one pytest worker grew to 23 GB and the kernel's out-of-memory killer ended
it; pytest-xdist then failed while rescheduling, and the run's log named no test. Workers
normally peak under 1 GB. So each test process watches its own resident memory, once a second,
and the first time it passes HEARTHLINK_TEST_MEMORY_GUARD_GB (default 4) writes down the test
that was running and every thread's stack. A worker's own output is captured, so it writes to a
folder the run's first process made; that process prints what is there when the run ends,
however it ends (an internal error included). Nothing else changes: the test goes on.
"""
from __future__ import annotations

import faulthandler
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

FOLDER = "HEARTHLINK_MEMORY_GUARD_DIR"
_running = {"test": "(between tests)"}


def _limit_bytes() -> float:
    return float(os.environ.get("HEARTHLINK_TEST_MEMORY_GUARD_GB", "4")) * 1024 ** 3


def _resident_bytes() -> int:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _watch(limit: float, folder: Path) -> None:
    while True:
        time.sleep(1)
        resident = _resident_bytes()
        if resident > limit:
            worker = os.environ.get("PYTEST_XDIST_WORKER", "pytest")
            with open(folder / f"{worker}-{os.getpid()}.txt", "w") as report:
                report.write(f"memory guard: {worker} (pid {os.getpid()}) held {resident / 1024 ** 3:.1f} GB "
                             f"while running {_running['test']}; its threads:\n")
                report.flush()
                faulthandler.dump_traceback(file=report, all_threads=True)
            return  # once per process


def pytest_configure(config) -> None:
    if not os.path.exists(f"/proc/{os.getpid()}/statm"):  # Linux only; elsewhere nothing is watched
        return
    if FOLDER not in os.environ:  # the run's first process: its workers inherit the folder
        os.environ[FOLDER] = tempfile.mkdtemp(prefix="hearthlink-memory-guard-")
        config._hearthlink_memory_guard = Path(os.environ[FOLDER])
    threading.Thread(target=_watch, args=(_limit_bytes(), Path(os.environ[FOLDER])), name="memory-guard",
                     daemon=True).start()


def pytest_runtest_logstart(nodeid, location) -> None:
    _running["test"] = nodeid


def pytest_unconfigure(config) -> None:
    folder = getattr(config, "_hearthlink_memory_guard", None)
    if folder is None:
        return
    for report in sorted(folder.glob("*.txt")):
        sys.__stderr__.write("\n" + report.read_text())
    sys.__stderr__.flush()
    shutil.rmtree(folder, ignore_errors=True)
    os.environ.pop(FOLDER, None)
