"""The outcomes report with the comparison cohort, and the two estimates for the dashboard.

:func:`report_with_comparison` is ``outcomes.compute_report`` on the database's records plus
the cohort in use (members, their pseudo-anchors and their activity rows), so its
``comparison``, ``difference_in_differences`` and ``difference_in_differences_total`` are
exactly what ``python -m outcomes --comparison`` prints for CSV exports of the same frames
(:func:`export_frames` gives them).  It adds ``balance`` (``outcomes.balance``): the "before
matching" table stored when the cohort was matched, and the "after" table computed now over
the people the estimate rests on (both sides' included people; for a matched cohort, the
referred people who were matched).

:func:`estimates` is what the dashboard shows: for each activity type and the total, the
plain before-and-after and the difference-in-differences side by side, with intervals, group
sizes and balance, under the same filters and small-number rule as every other figure.
"""
from __future__ import annotations

import json
from datetime import date

import pandas as pd

import outcomes
from app.analytics import comparison_source as cs
from app.analytics import source
from app.analytics.filters import Filters
from app.analytics.parallel import in_background
from app.analytics.report import engine_inputs
from app.analytics.suppression import THRESHOLD
from app.models.base import uk_today
from outcomes.balance import cohort_balance
from outcomes.definitions import ACTIVITY_TYPES

HEADLINE_TYPES = ("gp_surgery", "gp_home_visit")


def describe_cohort(cohort) -> dict:
    """How the cohort in use was made (no personal data)."""
    note = json.loads(cohort.note) if cohort.note else {}
    return {"id": cohort.id, "kind": cohort.kind, "made_at": cohort.created_at.isoformat(timespec="seconds"),
            "members": cohort.members, "parameters": json.loads(cohort.parameters or "{}"), "seed": cohort.seed,
            "file_sha256": cohort.file_sha256, "referred_matched": cohort.referred_matched,
            "referred_unmatched": cohort.referred_unmatched, "match_summary": note.get("summary")}


def _cohort_frames(cohort_id: int, filters: Filters, *, window_months: int, windowed: bool,
                   as_of: date | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cohort's members within the filters and their activity (window sums, or every row)."""
    excluded = cs.referred_pool_ids()
    members = cs.members(cohort_id, filters, excluded)
    if windowed:
        extra = cs.member_window_activity(cohort_id, filters, window_months=window_months, as_of=as_of,
                                          excluded=excluded)
    else:
        extra = cs.member_activity(cohort_id, filters, excluded)
    return members, extra


def cohort_held() -> bool:
    """Whether a comparison cohort is in use."""
    return cs.current_cohort() is not None


def start_reading(filters: Filters, *, window_months: int = 12, windowed: bool = True, as_of: date | None = None):
    """Start reading the cohort in use on a reader thread (its own connection), so that on
    PostgreSQL its queries run while the caller reads the referred side; ``None`` without a
    cohort.  ``as_of`` defaults as :func:`engine_inputs`' does (the latest activity date held)."""
    cohort = cs.current_cohort()
    if cohort is None:
        return None
    if windowed:
        as_of = as_of or source.latest_activity_date() or uk_today()
    cohort_id = cohort.id
    return cohort, in_background(lambda: _cohort_frames(cohort_id, filters, window_months=window_months,
                                                        windowed=windowed, as_of=as_of))


def _inputs(filters: Filters, *, window_months: int, anchor: str, windowed: bool, as_of: date | None,
            referred: dict | None = None, reading=None):
    """The engine's inputs with the comparison cohort added, the cohort and its members.

    ``referred`` is :func:`engine_inputs`' answer for the same arguments and ``reading``
    :func:`start_reading`'s, when the caller has them already; neither is changed."""
    reading = reading if reading is not None else start_reading(filters, window_months=window_months,
                                                                 windowed=windowed, as_of=as_of)
    inputs = dict(referred) if referred is not None else engine_inputs(
        filters, window_months=window_months, anchor=anchor, windowed=windowed, as_of=as_of)
    if reading is None:
        return inputs, None, None
    cohort, side = reading
    members, extra = side.result()
    inputs["activity"] = pd.concat([inputs["activity"], extra], ignore_index=True) if len(extra) else inputs["activity"]
    inputs["comparison"] = members[["person_id", "referral_date", "practice_code", "locality"]].reset_index(drop=True)
    return inputs, cohort, members


def _included(frame: pd.DataFrame, *, months: int, as_of: str) -> pd.DataFrame:
    end = frame["referral_date"] + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    return frame[end <= pd.Timestamp(as_of)]


def _balance(report: dict, cohort, members: pd.DataFrame, activity: pd.DataFrame, filters: Filters,
             window_months: int) -> dict | None:
    """Balance after (computed now, over included people) and before (stored at matching)."""
    if window_months != 12 or report["anchor"] != "referral":
        return None  # the baseline is the 12 months before the referral date; other windows do not give it
    referred = cs.referred_people(filters)
    after_ref = _included(referred, months=window_months, as_of=report["as_of"])
    if cohort.kind == "match":
        matched = set(members["matched_person_id"].dropna().astype(int).astype(str))
        after_ref = after_ref[after_ref["person_id"].isin(matched)]
    after_cmp = _included(members, months=window_months, as_of=report["as_of"])
    result = cohort_balance(after_ref, after_cmp, activity, months=12)
    note = json.loads(cohort.note) if cohort.note else {}
    result["before"] = note.get("balance_before")
    result["before_note"] = ("the referred people and the whole pool of unreferred people when the cohort was "
                             "matched, everyone in the service's area") if result["before"] else None
    return result


def report_with_comparison(filters: Filters = Filters(), *, window_months: int = 12, anchor: str = "referral",
                           windowed: bool = True, as_of: date | None = None, referred: dict | None = None,
                           reading=None) -> dict:
    """The engine's report from the database, with the comparison keys when a cohort is held.

    ``referred`` (:func:`engine_inputs`) and ``reading`` (:func:`start_reading`), for the same
    arguments, when the caller has started them already."""
    inputs, cohort, members = _inputs(filters, window_months=window_months, anchor=anchor, windowed=windowed,
                                      as_of=as_of, referred=referred, reading=reading)
    report = outcomes.compute_report(**inputs)
    if cohort is not None:
        report["balance"] = _balance(report, cohort, members, inputs["activity"], filters, window_months)
        report["comparison_cohort"] = describe_cohort(cohort)
    return report


def export_frames(filters: Filters = Filters(), *, window_months: int = 12, anchor: str = "referral") -> dict:
    """The referrals, activity and comparison frames the report uses, every row (for CSV export
    and for checking the report against ``python -m outcomes --comparison``)."""
    inputs, _, _ = _inputs(filters, window_months=window_months, anchor=anchor, windowed=False, as_of=None)
    return {name: inputs[name] for name in ("referrals", "activity", "comparison", "measures", "onward", "support")
            if inputs.get(name) is not None}


def _plain(entry: dict | None) -> dict | None:
    if entry is None:
        return None
    return {key: entry.get(key) for key in ("people", "pre", "post", "reduction_pct", "reduction_pct_ci95",
                                            "unit_cost_gbp", "saving_gbp", "saving_gbp_ci95", "pre_per_person_year",
                                            "post_per_person_year")}


def estimates(filters: Filters = Filters(), *, as_of: date | None = None) -> dict:
    """Both estimates side by side for the dashboard (no personal data; small groups hidden).

    ``available`` is False without a cohort (the page then says how to make one).  When either
    group has fewer than 5 included people ``suppressed`` is True and no figure is given, only
    that the group is under 5.
    """
    return estimates_from(report_with_comparison(filters, as_of=as_of))


def estimates_from(report: dict) -> dict:
    """:func:`estimates` from a report already made by :func:`report_with_comparison` (the
    dashboard's figures make one report for both the plain figures and these)."""
    if "comparison" not in report:
        return {"available": False}
    referred_n = report["people"]["included"]
    comparison_n = report["comparison"]["people"]["included"]
    small = referred_n < THRESHOLD or comparison_n < THRESHOLD
    out = {
        "available": True,
        "cohort": report["comparison_cohort"],
        "as_of": report["as_of"],
        "suppressed": small,
        "people": {"referred": None if 0 < referred_n < THRESHOLD else referred_n,
                   "comparison": None if 0 < comparison_n < THRESHOLD else comparison_n},
    }
    if small:
        return out
    did = report["difference_in_differences"]
    types = [t for t in ACTIVITY_TYPES if t in did or t in report["by_activity"]]
    out["by_activity"] = {t: {"plain": _plain(report["by_activity"].get(t)), "did": did.get(t)} for t in types}
    out["headline_types"] = [t for t in HEADLINE_TYPES if t in out["by_activity"]]
    out["total"] = {"plain": {"saving_gbp": report["total_saving_gbp"],
                              "saving_gbp_ci95": report["total_saving_gbp_ci95"]},
                    "did": report.get("difference_in_differences_total")}
    balance = report.get("balance")
    out["balance"] = balance
    out["imbalanced"] = bool(balance and balance["imbalanced"])
    return out
