"""The demo's comparison cohort: the referred people matched to the extracts' unreferred pool.

Runs after everything else (the equality details give each referred person their recorded
sex), through the same service as ``flask comparison match``.  Matching is within the
locality rather than the practice because the demo's practices are small: about 20 referred
people each, so a practice's own pool rarely has two people of the same sex and age band.
"""
from __future__ import annotations

from app.extensions import db
from app.services.comparison_match import NoMatches, run_match
from outcomes.matching import MatchSettings

DEMO_SETTINGS = MatchSettings(per_person=2, caliper=10.0, seed=2014)


def load(*, summary) -> None:
    try:
        outcome = run_match(by=None, settings=DEMO_SETTINGS, stratum="locality")
    except NoMatches as error:  # a tiny demo (--people 10) may have nobody to match
        db.session.rollback()
        summary.extra.append(f"Comparison cohort: none. {error}")
        return
    summary.extra.append(f"Comparison cohort: {outcome}")
