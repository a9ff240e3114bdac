"""Matching referred people to people who were not referred (issue 16, docs/comparison.md).

For each referred person, up to ``per_person`` (K) unreferred people who

* belong to the same stratum (practice, or locality — whatever the caller puts in ``stratum``),
* have the same recorded sex,
* are in the same 5-year age band on the referred person's referral date (age = that year −
  year of birth, since comparison people carry a year of birth only; the referred side is
  computed the same way so the two are comparable),
* and whose GP use (surgery, home and telephone consultations) in the 12 months before that
  referral date is nearest to the referred person's own, at most ``caliper`` consultations
  away.

Each comparator gets the referred person's referral date as their pseudo-anchor, so both
sides' before and after windows cover the same calendar months.

Without replacement (the default) an unreferred person is used at most once.  Choosing is done
in rounds, with no loop over people: in each round every referred person still short of K
proposes their nearest unused candidate; a candidate proposed by several goes to the nearest
(ties broken by a random number drawn once per candidate pair from ``seed``); repeat until no
proposal is left.  With replacement each referred person simply takes their K nearest, and a
comparator may serve several referred people (each use is its own member of the cohort).

Deterministic: inputs are put in person_id order first and every random draw comes from
``seed``, so the same data and settings give the same matches whatever the input row order.
Pure (pandas/numpy only), so the web app and ``bench/outcomes_bench.py`` share it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .dates import parse_date_column
from .windows import shift_months

#: Activity types that make up "GP use" for matching and balance.
GP_TYPES: tuple[str, ...] = ("gp_surgery", "gp_home_visit", "gp_telephone")
AGE_BAND_YEARS = 5
#: Day numbers fit below this, so (person, day) packs into one int64 key.
_DAY_SPAN = 1 << 20


@dataclass(frozen=True)
class MatchSettings:
    per_person: int = 3
    caliper: float = 2.0
    seed: int = 20251202
    with_replacement: bool = False
    baseline_months: int = 12

    def __post_init__(self):
        if isinstance(self.per_person, bool) or not isinstance(self.per_person, (int, np.integer)) \
                or not 1 <= self.per_person <= 20:
            raise ValueError(f"per_person must be a whole number from 1 to 20, not {self.per_person!r}")
        if not np.isfinite(self.caliper) or self.caliper < 0:
            raise ValueError(f"caliper must be a number of consultations of 0 or more, not {self.caliper!r}")
        if not 1 <= self.baseline_months <= 60:
            raise ValueError("baseline_months must be from 1 to 60")

    def as_dict(self) -> dict:
        return {**asdict(self), "caliper": float(self.caliper), "gp_types": list(GP_TYPES),
                "age_band_years": AGE_BAND_YEARS}


@dataclass
class MatchResult:
    """``matches``: one row per (referred, comparator) pair chosen, in referred_id order, with
    columns referred_id, comparison_id, anchor_day, referred_baseline, comparison_baseline,
    distance.  ``summary``: counts of what happened."""

    matches: pd.DataFrame
    summary: dict


class GpUse:
    """GP use per person between two days, answered for many (person, window) pairs at once.

    Rows are packed as person code × 2^20 + day, sorted once, with a running total of counts; a
    window's use is the difference of two running totals found by binary search.
    """

    def __init__(self, activity: pd.DataFrame, person_ids: np.ndarray, *, days_from: int | None = None,
                 days_to: int | None = None):
        """``days_from``/``days_to`` (day numbers) optionally bound the days that will be asked
        about, so rows outside them are dropped before the sort."""
        keep = activity["activity_type"].isin(GP_TYPES).to_numpy()
        people = activity["person_id"]
        if isinstance(people.dtype, pd.CategoricalDtype):  # codes already: look up each category once
            lookup = np.append(pd.Index(person_ids).get_indexer(people.cat.categories.astype(str)), -1)
            codes = lookup[people.cat.codes.to_numpy()[keep]]
        else:
            row_codes, distinct = pd.factorize(people[keep], sort=False)
            codes = (pd.Index(person_ids).get_indexer(pd.Index(np.asarray(distinct)).astype(str))[row_codes]
                     if len(row_codes) else np.zeros(0, np.int64))
        days, _ = parse_date_column(activity["date"][keep], source="activity", column="date", required=True)
        counts = (pd.to_numeric(activity["count"][keep], errors="coerce").fillna(1).to_numpy(np.int64)
                  if "count" in activity.columns else np.ones(len(days), dtype=np.int64))
        known = codes >= 0
        if days_from is not None:
            known &= days >= days_from
        if days_to is not None:
            known &= days < days_to
        keys = codes[known].astype(np.int64) * _DAY_SPAN + days[known]
        order = np.argsort(keys)  # any order among equal keys: only running totals are read
        self.keys = keys[order]
        self.running = np.concatenate([[0], np.cumsum(counts[known][order])])

    def between(self, codes: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Summed GP use of person ``codes`` with start ≤ day < end (arrays of equal length);
        0 for a code of −1 (nobody)."""
        codes = np.asarray(codes, dtype=np.int64)
        base = codes * _DAY_SPAN
        lows, highs = base + np.asarray(start, np.int64), base + np.asarray(end, np.int64)
        order = np.argsort(lows)  # sorted queries search far faster than scattered ones
        result = np.empty(len(codes), dtype=np.int64)
        result[order] = (self.running[np.searchsorted(self.keys, highs[order], side="left")]
                         - self.running[np.searchsorted(self.keys, lows[order], side="left")])
        result[codes < 0] = 0
        return result


def _sorted_people(frame: pd.DataFrame, *, anchor: bool) -> pd.DataFrame:
    out = pd.DataFrame({
        "person_id": frame["person_id"].astype(str).to_numpy(),
        "stratum": frame["stratum"].astype(object).to_numpy(),
        "sex": frame["sex"].astype(object).to_numpy(),
        "year_of_birth": pd.to_numeric(frame["year_of_birth"], errors="coerce").to_numpy(),
    })
    if out["person_id"].duplicated().any():
        raise ValueError(f"person_id {out.loc[out['person_id'].duplicated(), 'person_id'].iloc[0]!r} "
                         "appears more than once")
    if anchor:
        out["anchor_day"], _ = parse_date_column(frame["referral_date"].reset_index(drop=True),
                                                 source="referrals", column="referral_date", required=True)
    return out.sort_values("person_id", kind="stable").reset_index(drop=True)


def _eligible(people: pd.DataFrame) -> np.ndarray:
    return (people["stratum"].notna() & people["sex"].notna() & people["year_of_birth"].notna()
            & (people["stratum"].astype(str) != "") & (people["sex"].astype(str) != "")).to_numpy()


def year_of_day(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def candidate_pairs(referred: pd.DataFrame, pool: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(referred index, pool index) of every pair in the same stratum, sex and 5-year age band.

    Each referred person is expanded into the five years of birth their band allows on their
    referral date, then joined to the pool on (stratum, sex, year of birth): only valid pairs
    are ever built.
    """
    ref_ok, pool_ok = _eligible(referred), _eligible(pool)
    ref = referred[ref_ok]
    age = year_of_day(ref["anchor_day"].to_numpy()) - ref["year_of_birth"].to_numpy().astype(np.int64)
    band_low = (age // AGE_BAND_YEARS) * AGE_BAND_YEARS
    ref_year = year_of_day(ref["anchor_day"].to_numpy())
    offsets = np.arange(AGE_BAND_YEARS)
    expanded = pd.DataFrame({
        "ref": np.repeat(np.flatnonzero(ref_ok), AGE_BAND_YEARS),
        "stratum": np.repeat(ref["stratum"].astype(str).to_numpy(), AGE_BAND_YEARS),
        "sex": np.repeat(ref["sex"].astype(str).to_numpy(), AGE_BAND_YEARS),
        "year_of_birth": (np.repeat(ref_year - band_low, AGE_BAND_YEARS) - np.tile(offsets, len(ref))),
    })
    candidates = pd.DataFrame({
        "cand": np.flatnonzero(pool_ok),
        "stratum": pool.loc[pool_ok, "stratum"].astype(str).to_numpy(),
        "sex": pool.loc[pool_ok, "sex"].astype(str).to_numpy(),
        "year_of_birth": pool.loc[pool_ok, "year_of_birth"].to_numpy().astype(np.int64),
    })
    pairs = expanded.merge(candidates, on=["stratum", "sex", "year_of_birth"], how="inner", sort=False)
    ref_index, cand_index = pairs["ref"].to_numpy(np.int64), pairs["cand"].to_numpy(np.int64)
    order = np.lexsort((cand_index, ref_index))
    return ref_index[order], cand_index[order]


def _choose_with_replacement(ref, dist, tie, k):
    order = np.lexsort((tie, dist, ref))
    ref_sorted = ref[order]
    starts = np.r_[True, ref_sorted[1:] != ref_sorted[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    rank = np.arange(len(order)) - group_start
    return order[rank < k]


def _choose_without_replacement(ref, cand, dist, tie, k, n_ref, n_pool):
    """Rounds of proposals (see the module docstring); returns chosen pair positions."""
    order = np.lexsort((tie, dist, ref))
    alive = order
    need = np.full(n_ref, k, dtype=np.int64)
    taken = np.zeros(n_pool, dtype=bool)
    chosen = []
    while len(alive):
        alive = alive[~taken[cand[alive]] & (need[ref[alive]] > 0)]
        if not len(alive):
            break
        r = ref[alive]
        first = np.r_[True, r[1:] != r[:-1]]
        proposals = alive[first]
        by_candidate = proposals[np.lexsort((tie[proposals], dist[proposals], cand[proposals]))]
        c = cand[by_candidate]
        winners = by_candidate[np.r_[True, c[1:] != c[:-1]]]
        chosen.append(winners)
        taken[cand[winners]] = True
        need[ref[winners]] -= 1
    return np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)


def match(referred: pd.DataFrame, pool: pd.DataFrame, activity: pd.DataFrame,
          settings: MatchSettings = MatchSettings()) -> MatchResult:
    """Match referred people to pool people (see the module docstring).

    ``referred``: person_id, referral_date, stratum, sex, year_of_birth.
    ``pool``: person_id, stratum, sex, year_of_birth (people never referred).
    ``activity``: person_id, date, activity_type, optional count — rows of both groups.
    A referred person or pool person without a stratum, sex or year of birth cannot be matched
    and is counted.  An id in both frames is a ValueError.
    """
    ref = _sorted_people(referred, anchor=True)
    candidates = _sorted_people(pool, anchor=False)
    both = np.intersect1d(ref["person_id"].to_numpy(), candidates["person_id"].to_numpy())
    if len(both):
        raise ValueError(f"{len(both)} person_id(s) are both referred and in the pool, e.g. {both[0]!r}")
    ids = np.concatenate([ref["person_id"].to_numpy(), candidates["person_id"].to_numpy()])
    anchor = ref["anchor_day"].to_numpy()
    start = shift_months(anchor, -settings.baseline_months)
    use = GpUse(activity, ids, days_from=int(start.min()) if len(anchor) else None,
                days_to=int(anchor.max()) if len(anchor) else None)
    ref_baseline = use.between(np.arange(len(ref)), start, anchor)
    pair_ref, pair_cand = candidate_pairs(ref, candidates)
    cand_baseline = use.between(pair_cand + len(ref), start[pair_ref], anchor[pair_ref])
    distance = np.abs(cand_baseline - ref_baseline[pair_ref]).astype(np.float64)
    within = distance <= settings.caliper + 1e-9
    pair_ref, pair_cand, cand_baseline, distance = (a[within] for a in (pair_ref, pair_cand, cand_baseline,
                                                                        distance))
    tie = np.random.default_rng(settings.seed).random(len(pair_ref))
    if settings.with_replacement:
        chosen = _choose_with_replacement(pair_ref, distance, tie, settings.per_person)
    else:
        chosen = _choose_without_replacement(pair_ref, pair_cand, distance, tie, settings.per_person,
                                             len(ref), len(candidates))
    chosen = chosen[np.lexsort((distance[chosen], pair_ref[chosen]))]
    r, c = pair_ref[chosen], pair_cand[chosen]
    matches = pd.DataFrame({
        "referred_id": ref["person_id"].to_numpy()[r],
        "comparison_id": candidates["person_id"].to_numpy()[c],
        "anchor_day": anchor[r],
        "referred_baseline": ref_baseline[r],
        "comparison_baseline": cand_baseline[chosen],
        "distance": distance[chosen],
    })
    matched_refs = len(np.unique(r))
    summary = {
        "referred": len(ref),
        "referred_matchable": int(_eligible(ref).sum()),
        "referred_matched": matched_refs,
        "referred_unmatched": len(ref) - matched_refs,
        "referred_matched_fully": int((np.bincount(r, minlength=len(ref)) >= settings.per_person).sum()),
        "pool": len(candidates),
        "pool_matchable": int(_eligible(candidates).sum()),
        "comparators": int(len(np.unique(c))),
        "members": len(matches),
        "pairs_considered": int(within.size),
        "pairs_within_caliper": int(within.sum()),
    }
    return MatchResult(matches, summary)
