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

from app.analytics import cache, comparison, counts, reach, records, records_store, referral_ledger, refresh
from app.analytics.filters import Filters
from app.analytics.parallel import in_background
from app.analytics.report import engine_inputs
from app.models.base import uk_today, utcnow

log = logging.getLogger(__name__)
WAIT_BANDS = ((0, 7, "Within a week"), (8, 14, "8 to 14 days"), (15, 28, "15 to 28 days"),
              (29, 56, "29 to 56 days"), (57, None, "More than 8 weeks"))
#: Prefix of the cache's view for a view's plain figures, kept while its whole figures are made.
PLAIN_ONLY = "plain-only|"
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


def compute(filters: Filters, *, with_comparison: bool = True, fingerprint: str | None = None) -> dict:
    """Every figure the dashboard shows for these filters (no suppression yet).

    ``with_comparison=False`` leaves the comparison cohort out: the plain figures only, with the
    estimates marked pending (see :func:`figures_for`).  ``fingerprint``: the data's, when the
    caller knows it; the landing view then keeps every record it reads, in this process and
    stored for the others, and later views of the same data are worked out from them
    (``app.analytics.records``, ``app.analytics.records_store``)."""
    kept, storing = records.kept(fingerprint), None
    if kept is None and fingerprint is not None:
        # Stored by the process that worked out the landing view (the queue's worker, under make serve).
        kept = records_store.load(fingerprint)
        if kept is None and filters == Filters():
            kept = records.read(fingerprint)
            # Stored for the app's other processes at once, on a connection of its own, while this
            # view's figures are made: with a comparison cohort those take seconds, and until the
            # records are stored every view nobody has opened reads its own rows.
            storing = in_background(lambda: records_store.save(kept))
        if kept is not None:
            records.keep(kept)
    view = records.for_view(kept, filters) if kept is not None else None

    def referrals_and_needs():
        if view is not None:
            return reach.read(filters, view), counts.needs_of(view.needs, len(view.referrals))
        # The filtered referrals (one read for the flow, months, sources and reach) and the needs.
        found = reach.read(filters)
        return found, counts.needs(filters, referrals=len(found[0]))

    # Read on a reader thread while the engine's inputs are read here.
    counted = in_background(referrals_and_needs)
    # The comparison cohort (if any) is read on another connection while the referred side is read here.
    reading = comparison.start_reading(filters) if with_comparison else None
    held = reading is not None if with_comparison else comparison.cohort_held()
    inputs = engine_inputs(filters, records=view)
    report = None
    # Nobody referred in this view: with a cohort held there is simply no one to compare.
    estimates = {"available": True, "suppressed": True, "people": {"referred": 0, "comparison": 0}} if held \
        else {"available": False}
    if len(inputs["referrals"]):
        try:
            # With a comparison cohort one report gives both the plain figures and the difference
            # in differences (app.analytics.comparison), so the two never disagree.
            full = comparison.report_with_comparison(filters, referred=inputs, reading=reading) if reading \
                else outcomes.compute_report(**inputs)
            report = {key: full[key] for key in REPORT_KEYS if key in full}
            estimates = comparison.estimates_from(full) if with_comparison or not held \
                else {"available": False, "pending": True}
        except outcomes.OutcomesInputError:
            log.exception("outcomes engine refused the database's records")
    reach_records, needs = counted.result()
    if storing is not None:
        storing.result()
    rows = reach_records[0]
    return {
        "computed_at": utcnow().isoformat(timespec="seconds"),
        "as_of": inputs["as_of"],
        "flow": referral_ledger.flow(rows),
        "report": report,
        "estimates": estimates,
        "referrals_by_month": referral_ledger.by_month(rows, filters),
        "needs": needs,
        "referral_sources": referral_ledger.by_source(rows),
        "onward_organisations": organisations(inputs["onward"]),
        "waits": waits(inputs["support"]),
        "reach": reach.compute(filters, inputs, reach_records),  # who the service reaches (app.analytics.reach)
    }


def figures_for(filters: Filters, *, stale_ok: bool = False) -> dict:
    """The figures from the shared cache, computing and storing them on a miss.

    With ``stale_ok``, a miss for a view that has been computed before returns that view's last
    figures at once, marked ``"stale": True``, and has the new ones computed in the background
    (``app.analytics.refresh``).  A view never computed is computed while the visitor waits —
    but with a comparison cohort held, only its plain figures are (marked
    ``"estimates_pending": True``, not cached), and the whole figures, difference in differences
    included, come from the background: the cohort costs a few seconds a view at 100,000 people.
    The plain figures are cached under their own key meanwhile.
    """
    data_print = cache.fingerprint()
    key = cache.cache_key(filters.key(), data_print)
    found = cache.get(key)
    if found is not None:
        return found
    if stale_ok and current_app.config.get("DASHBOARD_BACKGROUND_REFRESH", True):
        last = cache.latest(filters.key())
        if last is not None:
            refresh.request(current_app._get_current_object(), filters)
            return {**last, "stale": True}
        if comparison.cohort_held():
            # A view nobody has opened, with a comparison cohort: the plain figures now (as fast as
            # without a cohort), the difference in differences from the background, and the page
            # shows it by itself when it is stored.  The plain figures are kept apart (their own
            # key), so a visit before the whole figures are ready does not calculate them again.
            plain_view = PLAIN_ONLY + filters.key()
            plain_key = cache.cache_key(plain_view, data_print)
            quick = cache.get(plain_key)
            if quick is None:
                started = time.perf_counter()
                quick = compute(filters, with_comparison=False, fingerprint=data_print)
                if not quick["estimates"].get("pending"):  # nobody referred here: nothing to compare
                    cache.put(key, filters.key(), quick, time.perf_counter() - started)
                    return quick
                quick["estimates_pending"] = True
                cache.put(plain_key, plain_view, quick, time.perf_counter() - started)
            # Asked for only now, so the two calculations do not share the cores (or this process's GIL).
            refresh.request(current_app._get_current_object(), filters)
            _records_for_the_next(filters, data_print)  # after this view's own, so it comes first
            return quick
    started = time.perf_counter()
    result = compute(filters, fingerprint=data_print)
    cache.put(key, filters.key(), result, time.perf_counter() - started)
    _records_for_the_next(filters, data_print)
    return result


def _records_for_the_next(filters: Filters, data_print: str) -> None:
    """After a view was read row by row — this data's records neither kept here nor stored, as
    after any record changes — have the landing view made again in the background: it keeps and
    stores them, so the next view nobody has opened is worked out from them."""
    if filters != Filters() and records.kept(data_print) is None \
            and current_app.config.get("DASHBOARD_BACKGROUND_REFRESH", True):
        refresh.request(current_app._get_current_object(), Filters())


def warm_views(today: date | None = None) -> list[Filters]:
    """The views a commissioner reaches in one click, the landing view (everything, all
    referrals) first: everything, each locality and each practice, over all referrals and the
    current financial year."""
    from sqlalchemy import select

    from app.analytics.filters import financial_year, period_choices
    from app.extensions import db
    from app.models import Locality, Practice

    periods = [("all", None)]
    choices = period_choices(today or uk_today(), date(1900, 1, 1))
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
