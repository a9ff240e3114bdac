"""The dashboard's records for every referral and person, read once per state of the data and
kept by this process, so a filter change is worked out from them instead of read again.

The landing view (everything, all referrals) reads every record the figures use anyway; the
frames it reads are kept here with the data's fingerprint (``app.analytics.cache``).  A view
computed in the same process while the fingerprint is unchanged — a commissioner's filter
change, the background refresh of a view, ``flask outcomes warm-dashboard`` — takes its rows
from them: the same rows, in the same order, as its own queries would give (see
:func:`for_view`), without a trip to the database.  Once the records change, the fingerprint
does too and the kept frames are dropped; views are read from the database again until the
landing view has been computed afresh.

Only one set is kept per process (tens of megabytes at 50,000 people); the frames are never
changed once kept, so threads may read them side by side.  The process that reads them also
stores a copy in the database (``app.analytics.records_store``), from which the app's other
processes — the web processes, when the task queue's worker made the landing view — load them
once per fingerprint instead of reading each new view's rows.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from app.analytics import activity_windows, counts, reach, referral_ledger, source
from app.analytics.filters import Filters
from app.analytics.parallel import in_background
from app.extensions import db

_lock = threading.Lock()
_kept: dict[tuple[int, str], Records] = {}  # by process and database: a forked process starts without any


@dataclass(frozen=True)
class Records:
    """What the figures read for a set of filters; read for everything by :func:`read`."""

    fingerprint: str
    people: pd.DataFrame  # each person's first episode, with the kept window sums (source.cohort)
    groups: pd.DataFrame  # their groups as now held, by person id (reach.person_groups)
    measures: pd.DataFrame  # their wellbeing measures (source.measures)
    onward: pd.DataFrame  # their onward referrals (source.onward)
    referrals: pd.DataFrame  # every referral (referral_ledger.read)
    needs: pd.DataFrame  # the needs ticked on each referral (counts.ticked_needs)
    as_of: date | None  # the latest activity date held
    # The ids above as whole numbers, to pick a view's rows quickly (kept records only; a view has none).
    ids: dict[str, np.ndarray] = field(default_factory=dict)


def read(fingerprint: str) -> Records:
    """Every record the figures use, for everything (no filters)."""
    everything = Filters()
    # The referrals, their needs and the people's groups on a reader thread meanwhile.
    others = in_background(lambda: (reach.person_groups(everything), referral_ledger.read(everything),
                                    counts.ticked_needs(everything)))
    activity_windows.refresh()
    people = source.cohort(everything, with_windows=True)
    measures, onward = source.measures(everything, people), source.onward(everything, people)
    groups, referrals, needs = others.result()
    return assemble(fingerprint, {"people": people, "groups": groups, "measures": measures, "onward": onward,
                                  "referrals": referrals, "needs": needs}, source.latest_activity_date())


#: The frames of a set of records, by name (as :class:`Records` holds them).
FRAMES = ("people", "groups", "measures", "onward", "referrals", "needs")


def assemble(fingerprint: str, frames: dict[str, pd.DataFrame], as_of: date | None) -> Records:
    """Records from their frames (by the names of :data:`FRAMES`), with the ids to pick a view's rows."""
    ids = {"people": _ids(frames["people"]["person_id"]), "groups": _ids(frames["groups"].index),
           "measures": _ids(frames["measures"]["person_id"]), "onward": _ids(frames["onward"]["person_id"]),
           "referrals": _ids(frames["referrals"]["referral_id"]), "needs": _ids(frames["needs"]["referral"])}
    return Records(fingerprint=fingerprint, as_of=as_of, ids=ids, **{name: frames[name] for name in FRAMES})


def _ids(values) -> np.ndarray:
    """Ids (text or numbers, as read) as 64-bit whole numbers."""
    return np.asarray(values, dtype=object).astype(np.int64) if len(values) else np.zeros(0, dtype=np.int64)


def _holder() -> tuple[int, str]:
    """Whose records: this process's, for this database."""
    return os.getpid(), db.engine.url.render_as_string(hide_password=True)


def kept(fingerprint: str | None) -> Records | None:
    """The records kept in this process for this database and fingerprint (another
    fingerprint's are dropped)."""
    if fingerprint is None:
        return None
    holder = _holder()
    with _lock:
        found = _kept.get(holder)
        if found is not None and found.fingerprint != fingerprint:
            del _kept[holder]
            found = None
        return found


def keep(records: Records) -> None:
    holder = _holder()
    with _lock:
        _kept.clear()
        _kept[holder] = records


def forget() -> None:
    """Drop what this process keeps (the tests, between databases)."""
    with _lock:
        _kept.clear()


def for_view(records: Records, filters: Filters) -> Records:
    """The records of the referrals received in the filters, as the view's own queries would
    read them: the filters' tests on the referral's day, locality and practice, then the
    people's measures, onward referrals and groups, and the referrals' needs."""
    if filters == Filters(period=filters.period):
        return records
    ids = records.ids
    in_people = _in_view(records.people, filters)
    person_ids = ids["people"][in_people]
    in_referrals = _in_view(records.referrals, filters)

    def of_people(name: str) -> np.ndarray:
        return np.isin(ids[name], person_ids)

    return replace(records, people=_rows(records.people, in_people),
                   groups=records.groups[of_people("groups")],
                   measures=_rows(records.measures, of_people("measures")),
                   onward=_rows(records.onward, of_people("onward")),
                   referrals=_rows(records.referrals, in_referrals),
                   needs=_rows(records.needs, np.isin(ids["needs"], ids["referrals"][in_referrals])), ids={})


def _in_view(frame: pd.DataFrame, filters: Filters) -> np.ndarray:
    """Which rows' referral (its day in ``received_at``, ``locality`` and ``practice_code``)
    the filters take: received on or after ``start`` and before ``end`` (whole days, as the
    SQL compares the time of receipt with midnight), in the locality or at the practice."""
    keep = np.ones(len(frame), dtype=bool)
    if filters.start is not None:
        keep &= (frame["received_at"] >= pd.Timestamp(filters.start)).to_numpy()
    if filters.end is not None:
        keep &= (frame["received_at"] < pd.Timestamp(filters.end)).to_numpy()
    if filters.locality:
        keep &= (frame["locality"] == filters.locality).to_numpy()
    if filters.practice:
        keep &= (frame["practice_code"] == filters.practice).to_numpy()
    return keep


def _rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    return frame[keep].reset_index(drop=True)
