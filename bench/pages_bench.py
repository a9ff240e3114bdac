"""`make bench-pages` (CONTRACT.md §7): the busiest pages under load, beside a bare-stack ceiling.

    .venv/bin/python bench/pages_bench.py [--people 50000] [--contacts 500000] [--seconds 10]
        [--clients 8] [--rounds 1] [--reuse] [--growth] [--only caseload,person,...] [--port 5601]

Builds the bench database (BENCH_PAGES_DB, default ``hl_bench``, on BENCH_PG, default
postgresql+psycopg://postgres@127.0.0.1:5432; dropped and rebuilt unless --reuse) with
bench/pages_data.py, starts Hearthlink under gunicorn (2 sync workers, production settings,
REQUIRE_MFA=0 so the bench users sign in with a password) and the bare Flask + SQLAlchemy page
of bench/bare_app.py (the same gunicorn settings, the same database), then drives each page with
8 signed-in clients (threads over http.client) for 10 s and prints requests/s, median, p99 and
the ratio to the bare page measured in the same run (before and after the pages; the mean).

Each line also gives the CPU time per request of the page's server (gunicorn's processes), of
PostgreSQL (all its processes) and of the load client, read from /proc over the run: time spent
waiting for a busy CPU is not in it, so it moves less than requests/s when other work shares the
machine, and a small change shows in it where the ratio's noise would hide it.

The machine's speed drifts by 10-20% from one minute to the next, so one run's ratios do too.
--rounds N measures everything N times, each round against its own bare runs, and ends with each
page's median ratio and its range over the rounds.

Targets (issue 17): /caseload/ (66 open) and /people/<id> at least 50% of the bare page's
requests/s with p99 under 100 ms; the manager's all-officers caseload and /triage/ at least 30%.

--growth (or GROWTH=1) then adds 9x the contacts as history (10x in all; not on the measured
officer's episodes), re-measures the bare page, the caseload and the record, and checks that
neither got worse by more than 10% (ratio to the bare page, so machine noise cancels out).
"""
from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import pages_data  # noqa: E402
from dashboard_bench import psql  # noqa: E402
from pages_load import load  # noqa: E402

SERVER = os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_PAGES_DB", "hl_bench")
TARGETS = {"caseload": (0.5, 100), "person": (0.5, 100), "manager": (0.3, None), "triage": (0.3, None),
           "referrals": (None, None)}


def serve(command: list[str], port: int, env: dict, probe: str, log: Path) -> subprocess.Popen:
    """Start a gunicorn and wait until `probe` answers 200."""
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log.open("w"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=5).status == 200:
                return process
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            break
    process.terminate()
    raise SystemExit(f"server on port {port} did not start; see {log}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def subjects(app) -> dict:
    """Who signs in and which URLs they open."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Episode, User

    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == pages_data.OFFICER))
        people = db.session.scalars(select(Episode.person_id).where(
            Episode.officer_id == officer.id, Episode.discharged_on.is_(None)).order_by(Episode.id)).all()
    if len(people) != 66:
        raise SystemExit(f"the bench officer has {len(people)} open episodes, not 66: rebuild without --reuse")
    officer_login = (pages_data.OFFICER, pages_data.PASSWORD)
    manager_login = (pages_data.MANAGER, pages_data.PASSWORD)
    return {"caseload": ("/caseload/ (officer, 66 open)", "/caseload/", officer_login),
            "person": ("/people/<id> (officer)", [f"/people/{p}" for p in people[:8]], officer_login),
            "manager": ("/caseload/ (manager, all officers)", "/caseload/", manager_login),
            "triage": ("/triage/ (manager)", "/triage/", manager_login),
            "referrals": ("/referrals/ (practice)", "/referrals/", (pages_data.PRACTICE, pages_data.PASSWORD))}


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _processes():
    """(pid, parent's pid, name, CPU seconds used) of every process, from /proc/<pid>/stat."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        name, rest = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
        yield int(entry.name), int(rest[1]), name, (int(rest[11]) + int(rest[12])) / CLOCK_TICKS


def cpu_of(server: subprocess.Popen):
    """A sampler for pages_load.load: CPU seconds used so far by the gunicorn (its master and
    workers), by every PostgreSQL process, and by this process (the load client's threads)."""
    def sample() -> dict[str, float]:
        used = {"app": 0.0, "PostgreSQL": 0.0}
        for pid, parent, name, seconds in _processes():
            if server.pid in (pid, parent):
                used["app"] += seconds
            elif name == "postgres":
                used["PostgreSQL"] += seconds
        user, system = os.times()[:2]
        return {**used, "client": user + system}
    return sample


def cpu_text(result) -> str:
    per = result.cpu_ms_per_request()
    return (f"  CPU/req {sum(per.values()):4.1f} ms (" + ", ".join(f"{k} {v:.1f}" for k, v in per.items()) + ")"
            if per else "")


def verdict(ratio: float, p99_ms: float, target=(None, None)) -> str:
    """Whether a page meets its target (a share of the bare page, and a p99 where one is set)."""
    share, p99 = target
    if share is None:
        return ""
    ok = ratio >= share and (p99 is None or p99_ms < p99)
    return ("meets" if ok else "MISSES") + f" (>= {share:.0%}" + (f", p99 < {p99} ms)" if p99 else ")")


def line(label: str, result, ceiling: float | None, target=(None, None)) -> str:
    ratio = result.rps / ceiling if ceiling else float("nan")
    errors = f"  {result.errors} errors" if result.errors else ""
    return (f"{label:<38} {result.rps:7.1f} req/s  median {result.median_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms"
            f"  {result.page_kb:6.1f} KB  ratio {ratio:4.2f}  {verdict(ratio, result.p99_ms, target)}{errors}"
            f"{cpu_text(result)}")


def measure(pages: dict, names: list[str], port: int, bare_port: int, args, cpu=(None, None)) -> tuple[dict, dict]:
    """Each round: the bare page, every page, the bare page again; a page's ratio in a round is to
    the mean of that round's two bare runs. Returns each page's runs and its ratio in each round.
    `cpu`: the samplers of Hearthlink's and the bare page's servers (cpu_of), for CPU per request."""
    app_cpu, bare_cpu = cpu
    bare_cpu_ms: list[float] = []
    runs: dict[str, list] = {name: [] for name in names}
    ratios: dict[str, list[float]] = {name: [] for name in names}
    for number in range(1, args.rounds + 1):
        if args.rounds > 1:
            print(f"round {number} of {args.rounds}", flush=True)
        before = load("127.0.0.1", bare_port, "/", clients=args.clients, seconds=args.seconds, cpu=bare_cpu)
        print(line("bare Flask + SQLAlchemy, 66 rows", before, before.rps), flush=True)
        measured = {}
        for name in names:
            label, paths, login = pages[name]
            measured[name] = load("127.0.0.1", port, paths, clients=args.clients, seconds=args.seconds, sign_in=login,
                                  cpu=app_cpu)
            print(line(label, measured[name], before.rps, TARGETS[name]), flush=True)
        after = load("127.0.0.1", bare_port, "/", clients=args.clients, seconds=args.seconds, cpu=bare_cpu)
        bare_cpu_ms += [sum(run.cpu_ms_per_request().values()) for run in (before, after) if run.cpu_seconds]
        ceiling = (before.rps + after.rps) / 2
        print(line("bare again, after the pages", after, ceiling), flush=True)
        print(f"ceiling (mean of the two bare runs): {ceiling:.1f} req/s; ratios below use it\n", flush=True)
        for name in names:
            print(line(pages[name][0], measured[name], ceiling, TARGETS[name]))
            runs[name].append(measured[name])
            ratios[name].append(measured[name].rps / ceiling)
        print(flush=True)
    if args.rounds > 1:
        print(f"Over {args.rounds} rounds: each page's median ratio (lowest-highest), and its median p99", flush=True)
        for name in names:
            ratio, p99 = statistics.median(ratios[name]), statistics.median(r.p99_ms for r in runs[name])
            cpu_ms = [sum(r.cpu_ms_per_request().values()) for r in runs[name] if r.cpu_seconds]
            steadier = (f"  CPU/req {statistics.median(cpu_ms):4.1f} ms, bare's / this "
                        f"{statistics.median(bare_cpu_ms) / statistics.median(cpu_ms):4.2f}" if cpu_ms and bare_cpu_ms else "")
            print(f"{pages[name][0]:<38} ratio {ratio:4.2f} ({min(ratios[name]):4.2f}-{max(ratios[name]):4.2f})"
                  f"  p99 {p99:6.1f} ms  {verdict(ratio, p99, TARGETS[name])}{steadier}", flush=True)
        print(flush=True)
    return runs, ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--activity", type=int, default=500_000, help="activity rows (the dashboard's data)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure everything this many times; the summary gives each page's median ratio")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "5601")))
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    parser.add_argument("--growth", action="store_true", default=os.environ.get("GROWTH") == "1")
    parser.add_argument("--only", default=",".join(TARGETS), help="comma-separated: " + ",".join(TARGETS))
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n]
    url = f"{SERVER}/{DB_NAME}"
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    if not args.reuse:
        psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
        psql(f"CREATE DATABASE {DB_NAME}")
        with app.app_context():
            db.create_all()
            pages_data.build(args.people, args.contacts, args.activity)
    with app.app_context():
        total = db.session.scalar(db.text("SELECT count(*) FROM contact"))
        db.engine.dispose()
    print(f"database {DB_NAME}: {total:,} contacts")
    pages = subjects(app)
    logs = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = {"DATABASE_URL": url, "HEARTHLINK_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
           "REQUIRE_MFA": "0", "LOGIN_RATE_LIMIT": "100000 per minute", "PYTHONPATH": str(ROOT)}
    gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--worker-class", "sync"]
    hearthlink = serve([*gunicorn, "--bind", f"127.0.0.1:{args.port}", "wsgi:app"], args.port, env,
                       "/healthz", logs / "hearthlink.log")
    bare = serve([*gunicorn, "--bind", f"127.0.0.1:{args.port + 1}", "--chdir", str(ROOT / "bench"), "bare_app:app"],
                 args.port + 1, env, "/", logs / "bare.log")
    try:
        print(f"\n{args.clients} clients x {args.seconds:.0f} s per page; gunicorn 2 sync workers each; "
              f"logs in {logs}\n", flush=True)
        samplers = (cpu_of(hearthlink), cpu_of(bare))
        base, base_ratios = measure(pages, names, args.port, args.port + 1, args, samplers)
        if args.growth:
            with app.app_context():
                pages_data.grow(9 * total)
                db.engine.dispose()
            print("\nGrowth check: 10x the contacts\n", flush=True)
            grown_names = [n for n in ("caseload", "person") if n in names]
            grown, grown_ratios = measure(pages, grown_names, args.port, args.port + 1, args, samplers)
            print()
            for name in grown_names:
                before = statistics.median(base_ratios[name])
                after = statistics.median(grown_ratios[name])
                change = after / before - 1
                raw_before = statistics.median(r.rps for r in base[name])
                raw_after = statistics.median(r.rps for r in grown[name])
                p99_before = statistics.median(r.p99_ms for r in base[name])
                p99_after = statistics.median(r.p99_ms for r in grown[name])
                print(f"{pages[name][0]:<38} ratio {before:4.2f} -> {after:4.2f} ({change:+.0%}); raw "
                      f"{raw_before:.1f} -> {raw_after:.1f} req/s, p99 {p99_before:.0f} -> "
                      f"{p99_after:.0f} ms  {'holds' if change >= -0.10 else 'WORSE BY MORE THAN 10%'}")
    finally:
        stop(hearthlink)
        stop(bare)


if __name__ == "__main__":
    main()
