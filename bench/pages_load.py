"""Closed-loop load for the page benchmarks: N threads, each a signed-in client with its own
cookies, asking for one URL again and again for a fixed time, over plain `http.client`.

    from pages_load import Client, load
    result = load("127.0.0.1", 5601, "/caseload/", clients=8, seconds=10,
                  sign_in=("officer66@bench.example", "bench-password"))
    print(result.line("caseload"))

Each client signs in once (GET /login for the CSRF token, POST the form) before the clock starts,
then makes a short warm-up, then the timed requests. Any answer but 200 counts as an error.
"""
from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


class Client:
    """One browser: a connection (reopened as gunicorn closes it) and a cookie jar."""

    def __init__(self, host: str, port: int):
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookie = rest.split(";", 1)[0]
                if cookie and "expires=Thu, 01 Jan 1970" not in value:
                    self.cookies[key.strip()] = cookie
                else:
                    self.cookies.pop(key.strip(), None)
        if response.getheader("Connection", "").lower() == "close" or response.will_close:
            self.connection.close()
        return response.status, data, dict(response.getheaders())

    def sign_in(self, email: str, password: str) -> None:
        status, page, _ = self.request("GET", "/login")
        token = CSRF.search(page)
        if status != 200 or not token:
            raise RuntimeError(f"sign-in page answered {status} without a CSRF token")
        status, _, headers = self.request("POST", "/login", urlencode(
            {"email": email, "password": password, "csrf_token": token.group(1).decode()}))
        if status not in (302, 303) or "/login" in headers.get("Location", "/login"):
            raise RuntimeError(f"sign-in as {email} failed ({status}, {headers.get('Location')})")


@dataclass
class Result:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    bytes: int = 0
    #: CPU seconds each part spent while the clients ran (from the `cpu` sampler given to load).
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def cpu_ms_per_request(self) -> dict[str, float]:
        """Each part's CPU time per answered request, in ms: steadier than requests/s on a busy
        machine, because time spent waiting for the CPU is not counted."""
        answered = max(1, len(self.latencies))
        return {part: used / answered * 1000 for part, used in self.cpu_seconds.items()}

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def p99_ms(self) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))] * 1000

    @property
    def page_kb(self) -> float:
        return self.bytes / max(1, len(self.latencies) + self.errors) / 1024


def load(host: str, port: int, paths: str | list[str], *, clients: int = 8, seconds: float = 10.0,
         sign_in: tuple[str, str] | None = None, warm_up: int = 3,
         cpu: Callable[[], dict[str, float]] | None = None) -> Result:
    """Run `clients` threads for `seconds`; client i asks for paths[i % len(paths)]. `cpu`, if
    given, returns CPU seconds used so far by each part (server, database, ...); it is read as
    the clients start and once they have all stopped."""
    paths = [paths] if isinstance(paths, str) else paths
    browsers = [Client(host, port) for _ in range(clients)]
    for browser in browsers:
        if sign_in:
            browser.sign_in(*sign_in)
    for i, browser in enumerate(browsers):
        for _ in range(warm_up):
            status, _, _ = browser.request("GET", paths[i % len(paths)])
            if status != 200:
                raise RuntimeError(f"{paths[i % len(paths)]} answered {status} while warming up")
    result = Result(seconds=seconds)
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def work(i: int, browser: Client) -> None:
        path = paths[i % len(paths)]
        mine, errors, size = [], 0, 0
        start.wait()
        stop = time.perf_counter() + seconds
        while (began := time.perf_counter()) < stop:
            status, body, _ = browser.request("GET", path)
            ended = time.perf_counter()
            size += len(body)
            if status == 200 and ended <= stop:
                mine.append(ended - began)
            elif status != 200:
                errors += 1
        with lock:
            result.latencies.extend(mine)
            result.errors += errors
            result.bytes += size

    threads = [threading.Thread(target=work, args=(i, b), daemon=True) for i, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    before = cpu() if cpu else {}
    start.wait()
    for thread in threads:
        thread.join()
    if cpu:
        after = cpu()
        result.cpu_seconds = {part: after[part] - before.get(part, 0.0) for part in after}
    for browser in browsers:
        browser.connection.close()
    return result
