"""Benchmark the outcomes CLI pipeline on a large synthetic data set.

    .venv/bin/python bench/outcomes_bench.py [--people N] [--rows M] [--comparison]

Generates N referred people and M activity rows in memory (fixed seed),
writes them as CSV files to a temporary folder, then — in a fresh child
process, so that peak memory is the pipeline's own — runs the same pipeline
as ``python -m outcomes --format json`` in-process: read the CSVs, compute
the report (bootstrap included), render JSON.  Prints wall time of each step
and the child's peak resident memory (resource.getrusage ru_maxrss).
Target: 100,000 people and 5,000,000 rows in under 15 s and 4 GB.
"""
from __future__ import annotations

import argparse
import multiprocessing
import resource
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
    t0 = time.perf_counter()
    output = run(build_parser().parse_args(argv))
    t_cli = time.perf_counter() - t0
    # The compute step alone, on frames already read.
    referrals = read_cohort_csv(paths["referrals"])
    activity = read_activity_csv(paths["activity"])
    comparison = read_cohort_csv(paths["comparison"]) if "comparison" in paths else None
    t0 = time.perf_counter()
    compute_report(referrals, activity, comparison=comparison)
    t_compute = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"cli_s": t_cli, "compute_s": t_compute, "peak_mb": peak_mb, "json_bytes": len(output)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--comparison", action="store_true", help="add a comparison cohort of people/2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths = generate(args.people, args.rows, args.comparison, Path(tmp))
        print(f"generated {args.people:,} people, {args.rows:,} activity rows "
              f"in {time.perf_counter() - t0:.1f} s")
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=pipeline, args=({k: str(v) for k, v in paths.items()}, queue))
        child.start()
        result = queue.get()
        child.join()
    print(f"full CLI pipeline (read CSVs + compute + JSON): {result['cli_s']:.2f} s")
    print(f"compute step alone:                            {result['compute_s']:.2f} s")
    print(f"peak memory of the pipeline process:           {result['peak_mb']:,.0f} MB")
    print(f"JSON output: {result['json_bytes']:,} bytes")


if __name__ == "__main__":
    main()
