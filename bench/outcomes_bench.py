"""Benchmark the outcomes CLI pipeline on a large synthetic data set, beside DuckDB.

    .venv/bin/python bench/outcomes_bench.py [--people N] [--rows M] [--comparison]
                                             [--repeat R] [--data DIR]

Generates N referred people and M activity rows in memory (fixed seed),
writes them as CSV files to a temporary folder (or DIR, reused when it
already holds files of that size), then — in a fresh child process per run,
so that peak memory is the pipeline's own — runs the same pipeline as
``python -m outcomes --format json`` in-process: read the CSVs, compute the
report (bootstrap included), render JSON.  Prints wall time of each step and
the child's peak resident memory (resource.getrusage ru_maxrss).

When DuckDB is installed (``pip install -e '.[bench]'``) each run is followed
by the equivalent DuckDB query on the same files — read both CSVs, each
person's calendar-month windows, the summed count per person and activity
type in each window for included people, then the totals — in its own
child process, and the ratio of the two wall times is printed; DuckDB's
totals are checked against ours.  The machine may be busy, so the runs
alternate and the spread (min, median, max) is reported.
Target: 100,000 people and 5,000,000 rows within 3x DuckDB's time.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from outcomes.definitions import ACTIVITY_TYPES  # noqa: E402

SEED = 20250401
TYPE_WEIGHTS = np.array([0.45, 0.05, 0.2, 0.15, 0.06, 0.03, 0.06])


def generate(people: int, rows: int, comparison: bool, folder: Path) -> dict[str, Path]:
    """Write referrals.csv, activity.csv (and comparison.csv) of the given sizes."""
    rng = np.random.default_rng(SEED)
    n_cmp = people // 2 if comparison else 0
    total = people + n_cmp
    ids = np.array([f"P{i:07d}" for i in range(total)], dtype=object)
    start = np.datetime64("2022-01-01")
    anchors = start + rng.integers(0, 27 * 30, size=total).astype("timedelta64[D]")
    discharge = anchors + rng.integers(60, 240, size=total).astype("timedelta64[D]")
    cohort = pd.DataFrame(
        {
            "person_id": ids,
            "referral_date": np.datetime_as_string(anchors),
            "discharge_date": np.datetime_as_string(discharge),
            "practice_code": np.array([f"M{k:05d}" for k in range(40)])[rng.integers(0, 40, total)],
            "locality": np.array(["North", "South", "East", "West"])[rng.integers(0, 4, total)],
            "age_band": np.array(["18-39", "40-64", "65-79", "80+"])[rng.integers(0, 4, total)],
            "primary_need": np.array(["loneliness", "money", "housing", "mood"])[
                rng.integers(0, 4, total)
            ],
        }
    )
    paths = {"referrals": folder / "referrals.csv", "activity": folder / "activity.csv"}
    cohort.iloc[:people].to_csv(paths["referrals"], index=False)
    if comparison:
        paths["comparison"] = folder / "comparison.csv"
        cohort.iloc[people:].drop(columns=["discharge_date"]).to_csv(paths["comparison"], index=False)
    who = rng.integers(0, total, size=rows)
    offset = rng.integers(-400, 400, size=rows)
    days = (anchors[who] - np.datetime64("2020-01-01")).astype(np.int64) + offset
    calendar = np.datetime_as_string(np.datetime64("2020-01-01") + np.arange(days.max() + 1))
    activity = pd.DataFrame(
        {
            "person_id": ids[who],
            "date": calendar[days],
            "activity_type": np.array(ACTIVITY_TYPES, dtype=object)[
                rng.choice(len(ACTIVITY_TYPES), size=rows, p=TYPE_WEIGHTS)
            ],
            "count": rng.choice([1, 1, 1, 2, 3], size=rows),
        }
    )
    activity.to_csv(paths["activity"], index=False)
    return paths


def pipeline(paths: dict[str, str], queue) -> None:
    """The CLI pipeline, timed step by step (runs in the child process)."""
    from outcomes.__main__ import build_parser, run
    from outcomes.inputs import read_activity_csv, read_cohort_csv
    from outcomes.report import compute_report

    argv = ["--referrals", paths["referrals"], "--activity", paths["activity"], "--format", "json"]
    if "comparison" in paths:
        argv += ["--comparison", paths["comparison"]]
    t0, c0 = time.perf_counter(), time.process_time()
    output = run(build_parser().parse_args(argv))
    t_cli, c_cli = time.perf_counter() - t0, time.process_time() - c0
    # The compute step alone, on frames already read.
    referrals = read_cohort_csv(paths["referrals"])
    activity = read_activity_csv(paths["activity"])
    comparison = read_cohort_csv(paths["comparison"]) if "comparison" in paths else None
    t0 = time.perf_counter()
    compute_report(referrals, activity, comparison=comparison)
    t_compute = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    totals = {k: (v["pre"], v["post"]) for k, v in json.loads(output)["by_activity"].items()}
    queue.put({"cli_s": t_cli, "cli_cpu_s": c_cli, "compute_s": t_compute, "peak_mb": peak_mb,
               "json_bytes": len(output), "totals": totals})


# The engine's work on the same files, in SQL: windows are anchor ± 12 calendar
# months (DuckDB clips to the month's end as pandas' DateOffset does), a person
# is included when anchor + 12 months − 1 day is on or before the latest
# activity date, and counts are summed per person and type before the totals.
DUCKDB_QUERY = """
WITH people AS (
  SELECT trim(person_id) AS person_id, referral_date AS anchor,
         referral_date - INTERVAL 12 MONTH AS start_day,
         referral_date + INTERVAL 12 MONTH AS end_day
  FROM read_csv(?, header = true, all_varchar = false,
                types = {'person_id': 'VARCHAR', 'referral_date': 'DATE'})
), rows AS (
  SELECT trim(person_id) AS person_id, date, activity_type, count
  FROM read_csv(?, header = true,
                types = {'person_id': 'VARCHAR', 'date': 'DATE', 'activity_type': 'VARCHAR',
                         'count': 'BIGINT'})
), latest AS (SELECT max(date) AS as_of FROM rows),
included AS (
  SELECT people.* FROM people, latest WHERE people.end_day - INTERVAL 1 DAY <= latest.as_of
), per_person AS (
  SELECT rows.person_id, rows.activity_type,
         sum(CASE WHEN rows.date >= i.start_day AND rows.date < i.anchor THEN rows.count ELSE 0 END) AS pre,
         sum(CASE WHEN rows.date >= i.anchor AND rows.date < i.end_day THEN rows.count ELSE 0 END) AS post
  FROM rows JOIN included AS i USING (person_id)
  GROUP BY rows.person_id, rows.activity_type
)
SELECT activity_type, sum(pre)::BIGINT, sum(post)::BIGINT FROM per_person GROUP BY activity_type
"""


def duckdb_query(paths: dict[str, str], queue) -> None:
    """The equivalent DuckDB query, timed (runs in its own child process)."""
    import duckdb

    t0, c0 = time.perf_counter(), time.process_time()
    rows = duckdb.connect().execute(DUCKDB_QUERY, [paths["referrals"], paths["activity"]]).fetchall()
    queue.put({"duckdb_s": time.perf_counter() - t0, "duckdb_cpu_s": time.process_time() - c0,
               "totals": {t: (pre, post) for t, pre, post in rows if pre or post}})


def in_child(target, paths: dict[str, Path]) -> dict:
    """Run ``target(paths, queue)`` in a fresh process and return what it reports."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=target, args=({k: str(v) for k, v in paths.items()}, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def spread(values: list[float]) -> str:
    """min / median / max of some timings."""
    return f"{min(values):6.2f} {statistics.median(values):6.2f} {max(values):6.2f}"


def has_duckdb() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def data_files(args, folder: Path) -> dict[str, Path]:
    """Generate the files, or reuse those a previous run left in ``folder`` with --data."""
    stamp = folder / "sizes.json"
    wanted = {"people": args.people, "rows": args.rows, "comparison": args.comparison, "seed": SEED}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        names = ["referrals", "activity"] + (["comparison"] if args.comparison else [])
        print(f"reusing the files in {folder}")
        return {name: folder / f"{name}.csv" for name in names}
    t0 = time.perf_counter()
    paths = generate(args.people, args.rows, args.comparison, folder)
    stamp.write_text(json.dumps(wanted))
    print(f"generated {args.people:,} people, {args.rows:,} activity rows "
          f"in {time.perf_counter() - t0:.1f} s")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--comparison", action="store_true", help="add a comparison cohort of people/2")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (alternating)")
    parser.add_argument("--data", type=Path, help="folder to keep the generated files in and reuse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        paths = data_files(args, folder)
        ours, duck = [], []
        for run_number in range(1, args.repeat + 1):
            ours.append(in_child(pipeline, paths))
            line = f"run {run_number}: ours {ours[-1]['cli_s']:6.2f} s"
            if has_duckdb():
                duck.append(in_child(duckdb_query, paths))
                line += (f", DuckDB {duck[-1]['duckdb_s']:6.2f} s, "
                         f"ratio {ours[-1]['cli_s'] / duck[-1]['duckdb_s']:.2f}")
            print(line, flush=True)
    result = ours[-1]
    print("                                              min    median max")
    print(f"full CLI pipeline (read CSVs + compute + JSON): {spread([r['cli_s'] for r in ours])} s")
    print(f"  its CPU time (all threads):                   {spread([r['cli_cpu_s'] for r in ours])} s")
    print(f"compute step alone (frames already read):       {spread([r['compute_s'] for r in ours])} s")
    if duck:
        print(f"DuckDB, the equivalent query:                   {spread([r['duckdb_s'] for r in duck])} s")
        print(f"  its CPU time (all threads):                   {spread([r['duckdb_cpu_s'] for r in duck])} s")
        ratios = [o["cli_s"] / d["duckdb_s"] for o, d in zip(ours, duck)]
        print(f"ratio ours / DuckDB, run by run:                {spread(ratios)}")
        median_ratio = statistics.median([r["cli_s"] for r in ours]) / statistics.median(
            [r["duckdb_s"] for r in duck])
        print(f"ratio of the medians:                           {median_ratio:6.2f}")
        agree = all(d["totals"] == result["totals"] for d in duck)
        print("DuckDB's pre/post totals per activity type " + ("agree with ours" if agree else
              f"DIFFER from ours: {duck[-1]['totals']} vs {result['totals']}"))
    else:
        print("DuckDB is not installed (pip install -e '.[bench]'), so there is no ratio.")
    print(f"peak memory of the pipeline process:           {result['peak_mb']:,.0f} MB")
    print(f"JSON output: {result['json_bytes']:,} bytes")


if __name__ == "__main__":
    main()
