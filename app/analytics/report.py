"""The outcomes report computed from the database: the same engine as ``python -m outcomes``."""
from __future__ import annotations

from datetime import date

import outcomes
from app.analytics import activity_windows, source
from app.analytics.filters import Filters
from app.analytics.parallel import in_background
from app.analytics.records import Records
from app.models.activity_window import WINDOW_MONTHS
from app.models.base import uk_today


def engine_inputs(filters: Filters = Filters(), *, window_months: int = 12, anchor: str = "referral",
                  windowed: bool = True, as_of: date | None = None, records: Records | None = None) -> dict:
    """The frames and settings for ``outcomes.compute_report``, read from the database.

    ``windowed`` hands the engine per-person pre/post sums (fast, for the dashboard; the figures
    are the same); otherwise every activity row (exactly what an export would give
    ``python -m outcomes``).  The dashboard's 12-month referral windows come from the kept sums
    (``activity_window``, brought up to date first); other windows are summed live.  ``as_of``
    defaults to the latest activity date held (CONTRACT.md 4.4), or today when there is no
    activity at all and ``windowed``.  ``records``: the view's records already read
    (``app.analytics.records.for_view``), for the dashboard's own windows only.
    """
    stored = windowed and window_months == WINDOW_MONTHS and anchor == "referral"
    if records is not None:
        if not stored:
            raise ValueError("kept records hold the dashboard's 12-month referral windows only")
        as_of = as_of or records.as_of or uk_today()
        return {"referrals": source.referrals_frame(records.people),
                "activity": source.stored_window_activity(records.people, as_of=as_of),
                "measures": records.measures, "onward": records.onward,
                "support": source.support_frame(records.people), "window_months": window_months,
                "anchor": anchor, "as_of": as_of.isoformat()}
    if stored:
        activity_windows.refresh()
    people = source.cohort(filters, with_windows=stored)
    # The measures and onward referrals of those people, on a reader thread meanwhile.
    others = in_background(lambda: (source.measures(filters, people), source.onward(filters, people)))
    if windowed:
        as_of = as_of or source.latest_activity_date() or uk_today()
        if stored:
            activity = source.stored_window_activity(people, as_of=as_of)
        else:
            activity = source.activity_in_windows(filters, window_months=window_months, anchor=anchor, as_of=as_of)
    else:
        activity = source.activity_rows()
    measures, onward = others.result()
    return {
        "referrals": source.referrals_frame(people),
        "activity": activity,
        "measures": measures,
        "onward": onward,
        "support": source.support_frame(people),
        "window_months": window_months,
        "anchor": anchor,
        "as_of": as_of.isoformat() if as_of else None,
    }


def outcomes_report(filters: Filters = Filters(), *, window_months: int = 12, anchor: str = "referral",
                    windowed: bool = True, as_of: date | None = None) -> dict:
    """``outcomes.compute_report`` on the database's records (raises OutcomesInputError as it does)."""
    inputs = engine_inputs(filters, window_months=window_months, anchor=anchor, windowed=windowed, as_of=as_of)
    return outcomes.compute_report(**inputs)
