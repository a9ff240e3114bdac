"""The dashboard's figures for a set of filters: the outcomes engine's report plus the counts
it does not make, computed once per (filters, data) and shared through the database cache.

The figures hold plain aggregate numbers; suppression is applied when they are turned into
tables (app.analytics.tables), so pages, charts and exports all hide the same cells.
"""
from __future__ import annotations

import logging
import time
from datetime import date

import numpy as np
import outcomes
from flask import current_app

from app.analytics import cache, comparison, counts, reach, referral_sources, refresh
from app.analytics.filters import Filters
from app.analytics.parallel import in_background
from app.analytics.report import engine_inputs
from app.models.base import utcnow

log = logging.getLogger(__name__)
WAIT_BANDS = ((0, 7, "Within a week"), (8, 14, "8 to 14 days"), (15, 28, "15 to 28 days"),
              (29, 56, "29 to 56 days"), (57, None, "More than 8 weeks"))
REPORT_KEYS = ("window_months", "anchor", "as_of", "people", "by_activity", "total_saving_gbp",
               "total_saving_gbp_ci95", "saving_subtotals", "unit_costs", "caveats", "price_years", "bootstrap",
               "wellbeing", "onward_referrals", "support")


def waits(support) -> dict:
    """Days from referral to first contact, banded; people still waiting are counted apart."""
    contacted = support["first_contact_date"].notna()
    days = (support["first_contact_date"][contacted] - support["referral_date"][contacted]).dt.days.to_numpy()
    bands = []
    for low, high, label in WAIT_BANDS:
        inside = (days >= low) & ((days <= high) if high is not None else True)
        bands.append([label, int(np.count_nonzero(inside))])
    waiting = int((~contacted & support["discharge_date"].isna()).sum())
    return {"bands": bands, "waiting": waiting, "contacted": int(contacted.sum())}


def organisations(onward) -> dict:
    """Onward referrals and linkages per organisation (their own names, never a person's)."""
    named = onward.assign(sector=onward["sector"].fillna(""), organisation_name=onward["organisation_name"].fillna(""))
    counted = named.groupby(["organisation_name", "sector"], sort=False).size()
    rows = [[name, sector, int(n)] for (name, sector), n in counted.items()]
    return {"organisations": sorted(rows, key=lambda r: (-r[2], r[0], r[1]))}


def compute(filters: Filters) -> dict:
    """Every figure the dashboard shows for these filters (no suppression yet)."""
    counted = in_background(lambda: (counts.flow(filters), counts.referrals_by_month(filters), counts.needs(filters)))
    # The comparison cohort (if any) is read on another connection while the referred side is read here.
    reading = comparison.start_reading(filters)
    inputs = engine_inputs(filters)
    report, estimates = None, {"available": False}
    if len(inputs["referrals"]):
        try:
            # With a comparison cohort one report gives both the plain figures and the difference
            # in differences (app.analytics.comparison), so the two never disagree.
            full = comparison.report_with_comparison(filters, referred=inputs, reading=reading) if reading \
                else outcomes.compute_report(**inputs)
            report = {key: full[key] for key in REPORT_KEYS if key in full}
            estimates = comparison.estimates_from(full)
        except outcomes.OutcomesInputError:
            log.exception("outcomes engine refused the database's records")
    flow, by_month, needs = counted.result()
    return {
        "computed_at": utcnow().isoformat(timespec="seconds"),
        "as_of": inputs["as_of"],
        "flow": flow,
        "report": report,
        "estimates": estimates,
        "referrals_by_month": by_month,
        "needs": needs,
        "referral_sources": referral_sources.by_source(filters),
        "onward_organisations": organisations(inputs["onward"]),
        "waits": waits(inputs["support"]),
        "reach": reach.compute(filters, inputs),  # who the service reaches (app.analytics.reach)
    }


def figures_for(filters: Filters, *, stale_ok: bool = False) -> dict:
    """The figures from the shared cache, computing and storing them on a miss.

    With ``stale_ok``, a miss for a view that has been computed before returns that view's last
    figures at once, marked ``"stale": True``, and has the new ones computed in the background
    (``app.analytics.refresh``).
    """
    key = cache.cache_key(filters.key(), cache.fingerprint())
    found = cache.get(key)
    if found is not None:
        return found
    if stale_ok and current_app.config.get("DASHBOARD_BACKGROUND_REFRESH", True):
        last = cache.latest(filters.key())
        if last is not None:
            refresh.request(current_app._get_current_object(), filters)
            return {**last, "stale": True}
    started = time.perf_counter()
    result = compute(filters)
    cache.put(key, filters.key(), result, time.perf_counter() - started)
    return result


def warm_views(today: date | None = None) -> list[Filters]:
    """The views a commissioner reaches in one click, the landing view (everything, all
    referrals) first: everything, each locality and each practice, over all referrals and the
    current financial year."""
    from sqlalchemy import select

    from app.analytics.filters import financial_year, period_choices
    from app.extensions import db
    from app.models import Locality, Practice

    periods = [("all", None)]
    choices = period_choices(today or date.today(), date(1900, 1, 1))
    if len(choices) > 1:
        periods.append((choices[1][0], financial_year(choices[1][0])))
    localities = db.session.scalars(select(Locality.name).order_by(Locality.name)).all()
    practices = db.session.scalars(select(Practice.ods_code).order_by(Practice.ods_code)).all()
    views = []
    for period, span in periods:
        start, end = span or (None, None)
        views.append(Filters(start, end, period=period))
        views += [Filters(start, end, locality=name, period=period) for name in localities]
        views += [Filters(start, end, practice=code, period=period) for code in practices]
    return views


def warm(today: date | None = None) -> tuple[int, float]:
    """Fill the cache for the views of :func:`warm_views`."""
    started = time.perf_counter()
    done = 0
    for view in warm_views(today):
        figures_for(view)
        done += 1
    return done, time.perf_counter() - started
