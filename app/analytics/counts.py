"""Counts for the dashboard that the outcomes engine does not make: referral flow, needs and
caseloads, over the filtered referrals (the flow from ``app.analytics.referral_ledger``, the
rest in SQL); each returns plain numbers (suppression is applied when they are shown, in
app.analytics.tables).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from app.analytics import referral_ledger
from app.analytics.cohort_sql import apply_filters
from app.analytics.filters import Filters
from app.analytics.read import fetch_frame
from app.extensions import db
from app.models import Episode, Locality, Practice, Referral, ReferralNeed, User
from app.models.vocab import NeedArea


def _referrals(*columns):
    return (select(*columns).select_from(Referral).join(Practice, Practice.id == Referral.practice_id)
            .join(Locality, Locality.id == Practice.locality_id))


def flow(filters: Filters) -> dict:
    """People referred, accepted, supported, discharged and declined over referrals received in
    the filters (``app.analytics.referral_ledger.flow``; the dashboard counts them from the rows
    it reads once per view)."""
    return referral_ledger.flow(referral_ledger.read(filters))


def referrals_by_month(filters: Filters) -> dict:
    """Referrals received per month, by locality — or by practice once a locality or practice is chosen."""
    return referral_ledger.by_month(referral_ledger.read(filters), filters)


def ticked_needs(filters: Filters):
    """The need areas ticked on each referral received in the filters: (referral, area), once each."""
    return fetch_frame(apply_filters(_referrals(ReferralNeed.referral_id, ReferralNeed.area)
                                     .join(ReferralNeed, ReferralNeed.referral_id == Referral.id), filters),
                       ["referral", "area"]).drop_duplicates()


def needs(filters: Filters, referrals: int | None = None) -> dict:
    """How many referrals ticked each need area, and the 40 pairs most often ticked together
    (most first, then by name); ``referrals``, when the caller has counted the filtered
    referrals, saves a query."""
    if referrals is None:
        referrals = db.session.scalar(apply_filters(_referrals(func.count(Referral.id)), filters)) or 0
    return needs_of(ticked_needs(filters), referrals)


def needs_of(ticked, referrals: int) -> dict:
    """:func:`needs` from the ticked needs (:func:`ticked_needs`) and the number of referrals."""
    # Areas as numbers in alphabetical order; each referral's needs joined to its own needs
    # later in the alphabet gives every pair once, counted by its two numbers.
    code, names = pd.factorize(ticked["area"], sort=True)
    k = len(names)
    single = np.bincount(code, minlength=k)
    coded = pd.DataFrame({"referral": ticked["referral"].to_numpy(), "code": code})
    joined = coded.merge(coded, on="referral", suffixes=("", "_other"))
    joined = joined[joined["code"] < joined["code_other"]]
    together = np.bincount(joined["code"].to_numpy() * k + joined["code_other"].to_numpy(), minlength=k * k)
    found = np.flatnonzero(together)
    # Most often first, then by the two names (the codes are in name order).
    top = found[np.lexsort((found, -together[found]))][:40]
    counted = dict(zip(names, single.tolist()))
    return {"referrals": int(referrals),
            "areas": {area.value: int(counted.get(area.value, 0)) for area in NeedArea},
            "pairs": [[str(names[p // k]), str(names[p % k]), int(together[p])] for p in top]}


def caseloads() -> list[dict]:
    """Open episodes per link officer (managers only; not filtered, not cached: it is today's work)."""
    open_count = func.count(Episode.id)
    rows = db.session.execute(
        select(User.name, Locality.name, open_count).select_from(User)
        .outerjoin(Locality, Locality.id == User.locality_id)
        .outerjoin(Episode, (Episode.officer_id == User.id) & Episode.discharged_on.is_(None))
        .where(User.role == "link_officer", User.active.is_(True))
        .group_by(User.id, User.name, Locality.name).order_by(User.name)).all()
    return [{"officer": name, "locality": locality or "", "open": n} for name, locality, n in rows]
