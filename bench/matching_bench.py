"""Benchmark matching and the difference-in-differences estimate at scale (issue 16, Speed).

    .venv/bin/python bench/matching_bench.py [--referred N] [--pool P] [--rows M] [--per-person K]

In a fresh child process (so that its peak memory is the pipeline's own): builds N referred
people, a pool of P unreferred people (practice, sex, year of birth) and M activity rows in
memory (fixed seed; ids and types as categoricals, as the CSV readers give them), then times

1. ``outcomes.matching.match`` — K nearest within the caliper, same practice, sex and 5-year
   age band, without replacement;
2. ``outcomes.compute_report`` with the matched cohort as ``comparison`` over all M rows —
   the plain before-and-after, the difference-in-differences and every bootstrap interval.

Prints each step's wall time, their sum against the 60 s target, and the child's peak resident
memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, which includes the generated data)
against the 6 GB target, with the machine's core count and load beside them.
Target (issue 16): 10,000 referred, 500,000 in the pool, 20,000,000 rows: < 60 s and < 6 GB.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SEED = 20251202
PRACTICES = 50
TYPE_WEIGHTS = np.array([0.45, 0.05, 0.2, 0.15, 0.06, 0.03, 0.06])


def generate(referred: int, pool: int, rows: int):
    """Referred people, the pool and activity rows (categorical ids), from a fixed seed."""
    from outcomes.definitions import ACTIVITY_TYPES

    rng = np.random.default_rng(SEED)
    total = referred + pool
    ids = np.array([f"R{i:06d}" for i in range(referred)] + [f"C{i:07d}" for i in range(pool)], dtype=object)
    practice = np.array([f"M{80000 + k}" for k in range(PRACTICES)], dtype=object)[rng.integers(0, PRACTICES, total)]
    sex = np.array(["female", "male"], dtype=object)[rng.integers(0, 2, total)]
    born = rng.integers(1930, 2005, total)
    anchors = np.datetime64("2022-06-01") + rng.integers(0, 640, referred).astype("timedelta64[D]")
    referrals = pd.DataFrame({"person_id": ids[:referred], "referral_date": anchors, "stratum": practice[:referred],
                              "practice_code": practice[:referred], "sex": sex[:referred],
                              "year_of_birth": born[:referred]})
    pool_frame = pd.DataFrame({"person_id": ids[referred:], "stratum": practice[referred:], "sex": sex[referred:],
                               "year_of_birth": born[referred:]})
    who = rng.integers(0, total, rows).astype(np.int32)
    days = rng.integers(0, 1640, rows).astype("timedelta64[D]") + np.datetime64("2021-01-01")
    activity = pd.DataFrame({
        "person_id": pd.Categorical.from_codes(who, categories=pd.Index(ids)),
        "date": days.astype("datetime64[ns]"),
        "activity_type": pd.Categorical.from_codes(
            rng.choice(len(ACTIVITY_TYPES), size=rows, p=TYPE_WEIGHTS).astype(np.int8),
            categories=list(ACTIVITY_TYPES)),
        "count": rng.choice(np.array([1, 1, 1, 2, 3], dtype=np.int64), size=rows),
    })
    return referrals, pool_frame, activity


def _cpu_seconds() -> float:
    """User + system CPU time of this process so far: on a busy machine, closer than the wall
    clock to what an idle one would take (the work is mostly on one core)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pipeline(args: dict, queue) -> None:
    from outcomes.matching import MatchSettings, match
    from outcomes.report import compute_report

    t0 = time.perf_counter()
    referrals, pool, activity = generate(args["referred"], args["pool"], args["rows"])
    t_generate = time.perf_counter() - t0
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    result = match(referrals, pool, activity, MatchSettings(per_person=args["per_person"], caliper=args["caliper"]))
    t_match = time.perf_counter() - t0
    t0 = time.perf_counter()
    comparison = pd.DataFrame({"person_id": result.matches["comparison_id"].to_numpy(),
                               "referral_date": result.matches["anchor_day"].to_numpy().astype("datetime64[D]")})
    report = compute_report(referrals[["person_id", "referral_date", "practice_code"]], activity,
                            comparison=comparison)
    t_estimate = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    did = report["difference_in_differences"].get("gp_surgery", {})
    queue.put({"cpu_s": cpu, "generate_s": t_generate, "match_s": t_match, "estimate_s": t_estimate, "peak_mb": peak_mb,
               "summary": result.summary, "included": (report["people"]["included"],
                                                       report["comparison"]["people"]["included"]),
               "did": did.get("did_per_person"), "did_ci": did.get("did_per_person_ci95")})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referred", type=int, default=10_000)
    parser.add_argument("--pool", type=int, default=500_000)
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--per-person", type=int, default=3)
    parser.add_argument("--caliper", type=float, default=2.0)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=pipeline, args=(vars(args), queue))
    child.start()
    result = queue.get()
    child.join()
    s = result["summary"]
    total = result["match_s"] + result["estimate_s"]
    print(f"matching bench: {args.referred:,} referred, pool of {args.pool:,}, {args.rows:,} activity rows "
          f"(generated in memory in {result['generate_s']:.1f} s)")
    print(f"  match (K={args.per_person}, caliper {args.caliper:g}): {result['match_s']:.2f} s — "
          f"{s['referred_matched']:,} referred matched to {s['comparators']:,} people "
          f"({s['pairs_considered']:,} candidate pairs, {s['pairs_within_caliper']:,} within the caliper)")
    print(f"  estimate (plain + DiD, bootstrap intervals): {result['estimate_s']:.2f} s — included "
          f"{result['included'][0]:,} referred, {result['included'][1]:,} comparison; "
          f"gp_surgery DiD {result['did']} {result['did_ci']}")
    print(f"  matched and estimated in {total:.1f} s (target < 60 s); peak memory {result['peak_mb']:,.0f} MB "
          f"(target < 6,144 MB; includes the generated data)")
    print(f"  CPU time of match + estimate: {result['cpu_s']:.1f} s (user + system; on a busy machine the wall "
          "clock also counts time spent waiting for a core)")
    load = os.getloadavg()
    print(f"  machine: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
          "(other work on the machine slows these figures)")


if __name__ == "__main__":
    main()
