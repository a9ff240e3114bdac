"""``flask comparison match``: a comparison cohort chosen from the pool by matching (issue 16).

Reads the referred people (each person's first episode, as the report counts them), the pool of
unreferred people and both groups' activity, runs :func:`outcomes.matching.match` (pure,
vectorised, seeded), and stores the result as the cohort in use with a record of how it was
made: the parameters, the seed, who ran it and when, how many referred people found a match,
and the balance before matching.  All or nothing (one commit), and idempotent: the same
parameters on the same data give the same members, and then nothing new is stored.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from app.analytics import comparison_source as cs
from app.analytics import source
from app.extensions import db
from app.models import User
from app.services import audit, comparison_pool
from app.services.comparison import _store_cohort
from outcomes.balance import cohort_balance
from outcomes.matching import MatchSettings, match

STRATA = {"practice": "practice_code", "locality": "locality"}


class NoMatches(ValueError):
    """Nobody could be matched; the cohort in use is left as it was."""


@dataclass
class MatchOutcome:
    members: int = 0
    unchanged: bool = False
    cohort_id: int | None = None
    summary: dict = field(default_factory=dict)

    def __str__(self) -> str:
        s = self.summary
        head = (f"{s.get('referred_matched', 0)} of {s.get('referred', 0)} referred people matched to "
                f"{s.get('comparators', 0)} unreferred people ({self.members} pairs) from a pool of "
                f"{s.get('pool', 0)} ({s.get('pool_matchable', 0)} with sex and year of birth).")
        tail = " The cohort in use is already exactly this match, so nothing changed." if self.unchanged else \
            " This is now the comparison cohort in use."
        return head + tail


def run_match(*, by: User | None, settings: MatchSettings = MatchSettings(), stratum: str = "practice") -> MatchOutcome:
    if stratum not in STRATA:
        raise ValueError(f"stratum must be one of {', '.join(STRATA)}")
    comparison_pool.release_referred()
    db.session.flush()
    referred = cs.referred_people()
    pool = cs.pool_people(excluded=[])
    activity = pd.concat([source.activity_rows(), cs.pool_activity(excluded=[])], ignore_index=True)
    column = STRATA[stratum]
    result = match(referred.assign(stratum=referred[column]), pool.assign(stratum=pool[column]), activity, settings)
    matches = result.matches
    if matches.empty:  # an empty cohort would only hide the one in use; say why instead
        raise NoMatches(f"No referred person found a match ({result.summary['referred']} referred, a pool of "
                        f"{result.summary['pool']} of whom {result.summary['pool_matchable']} have sex and year of "
                        "birth); nothing changed. Try a wider --caliper or --by locality.")
    comparison = pool.set_index("person_id").loc[matches["comparison_id"]].reset_index()
    comparison["referral_date"] = matches["anchor_day"].to_numpy().astype("datetime64[D]")
    matched = referred[referred["person_id"].isin(set(matches["referred_id"]))]
    before = cohort_balance(referred, comparison, activity, pool=pool, referred_after=matched,
                            months=settings.baseline_months)["before"] if len(referred) and len(pool) else None
    members = [(int(cid[1:]), day.astype("datetime64[D]").item(), int(rid), float(dist)) for cid, day, rid, dist in zip(
        matches["comparison_id"], matches["anchor_day"].to_numpy().astype("datetime64[D]"), matches["referred_id"],
        matches["distance"])]
    outcome = MatchOutcome(members=len(members), summary=result.summary)
    parameters = {**settings.as_dict(), "stratum": stratum}
    cohort = _store_cohort(by=by, kind="match", members=members, outcome=outcome, parameters=parameters,
                           seed=settings.seed, summary=result.summary)
    if not outcome.unchanged:
        cohort.note = json.dumps({"summary": result.summary, "balance_before": before}, sort_keys=True)
    if not outcome.unchanged:  # re-running the same match changes nothing, the audit log included
        audit.record(by=by, action="comparison.match", subject_type="comparison_cohort", subject_id=cohort.id,
                     detail=str(outcome))
    db.session.commit()
    return outcome
