"""The database read into the DataFrames that ``outcomes.compute_report`` expects.

One row per person supported: each person's first accepted episode (the earliest opened),
with the referral that opened it (``app.analytics.cohort_sql``).  Filters (period on the
referral date, locality, practice) are applied in SQL.  ``person_id`` is the database id as
text — never the NHS number — so nothing that identifies a person leaves this module; the date
of birth is read only to compute the age band and is dropped at once.

Activity reaches the engine in one of three ways, all giving the same figures:

* :func:`activity_rows` — every Activity row, as ``python -m outcomes`` reads an extract
  (``flask outcomes report`` uses this: its output is exactly the engine's on an export);
* :func:`stored_window_activity` — the dashboard's 12-month windows from the kept per-person
  sums (``activity_window``), handed over as at most two rows per person and type: one the day
  before the anchor with the pre sum, one on the anchor day with the post sum.  The engine puts
  those rows in the same windows, so its figures are the same, without moving millions of rows;
* :func:`activity_in_windows` — the same two-rows-per-type frame summed live in SQL, for any
  other window length or anchor.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import ARRAY, Integer, any_, bindparam, case, func, select

from app.analytics.cohort_sql import COHORT_COLUMNS, WINDOW_COLUMNS, cohort_episodes, cohort_query
from app.analytics.dates_sql import is_postgres, shift_months, uk_day_of
from app.analytics.filters import Filters
from app.analytics.read import fetch_frame
from app.analytics.uk_days import uk_days
from app.extensions import db
from app.models import Activity, OnwardReferral, WellbeingMeasure
from app.models.activity_window import WINDOW_MONTHS
from outcomes.definitions import ACTIVITY_TYPES

AGE_BANDS = ((18, "18–34"), (35, "35–49"), (50, "50–64"), (65, "65–79"), (80, "80+"))
REFERRAL_COLUMNS = ["person_id", "referral_date", "discharge_date", "practice_code", "locality", "age_band",
                    "primary_need"]
SUPPORT_COLUMNS = ["person_id", "referral_date", "first_contact_date", "discharge_date", "contacts",
                   "peer_support_date", "volunteering_date"]
_DATES = ("received_at", "first_contact_on", "discharged_on", "peer_support_date", "volunteering_date",
          "window_anchor")


def age_bands(birth: pd.Series, on: pd.Series) -> pd.Series:
    """Age in whole years on the referral date, banded; under 18 is its own band."""
    def parts(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """(year, month * 100 + day) of each date, as floats (NaN for a missing date)."""
        days = (values if values.dtype.kind == "M" else pd.to_datetime(values, format="ISO8601")).to_numpy()
        days = days.astype("datetime64[D]")
        missing = np.isnat(days)
        months = days.astype("datetime64[M]")
        year = months.astype("datetime64[Y]").astype(float) + 1970
        month_day = (months.astype(int) % 12 + 1) * 100 + (days - months).astype(int) + 1.0
        year[missing] = np.nan
        return year, month_day

    born_year, born_day = parts(birth)
    on_year, on_day = parts(on)
    age = on_year - born_year - (on_day < born_day)  # one less before this year's birthday
    labels = np.full(len(age), "under 18", dtype=object)
    for low, label in AGE_BANDS:
        labels[age >= low] = label
    return pd.Series(labels, index=birth.index)


def cohort(filters: Filters = Filters(), *, with_windows: bool = False) -> pd.DataFrame:
    """The filtered people, one row each (ordered by person id), dates as datetime64 and the
    age band in place of the date of birth."""
    columns = COHORT_COLUMNS + (WINDOW_COLUMNS if with_windows else [])
    frame = fetch_frame(cohort_query(filters, with_windows=with_windows), columns,
                        numbers=("contacts", *(WINDOW_COLUMNS[1:] if with_windows else ())))
    for column in _DATES:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column])
    frame["received_at"] = uk_days(frame["received_at"])  # the UK day it arrived
    frame["person_id"] = frame["person_id"].astype(str)
    frame["contacts"] = frame["contacts"].astype(np.int64)
    frame["age_band"] = age_bands(frame.pop("date_of_birth"), frame["received_at"]) if len(frame) else \
        pd.Series(dtype=object)
    return frame


def referrals_frame(people: pd.DataFrame) -> pd.DataFrame:
    """The referrals frame of CONTRACT.md 4.1 (plus age band and primary need)."""
    return pd.DataFrame({
        "person_id": people["person_id"],
        "referral_date": people["received_at"],
        "discharge_date": people["discharged_on"],
        "practice_code": people["practice_code"].astype(object),
        "locality": people["locality"].astype(object),
        "age_band": people["age_band"],
        "primary_need": people["primary_need"].fillna("").astype(object),
    }, columns=REFERRAL_COLUMNS)


def support_frame(people: pd.DataFrame) -> pd.DataFrame:
    """One row per person: referral date, first contact, discharge, held contacts, first
    peer-led activity and first volunteering."""
    frame = people.rename(columns={"received_at": "referral_date", "first_contact_on": "first_contact_date",
                                   "discharged_on": "discharge_date"})
    return frame[SUPPORT_COLUMNS].reset_index(drop=True)


def referrals(filters: Filters = Filters()) -> pd.DataFrame:
    return referrals_frame(cohort(filters))


def support(filters: Filters = Filters()) -> pd.DataFrame:
    return support_frame(cohort(filters))


def latest_activity_date() -> date | None:
    """The default as_of of CONTRACT.md 4.4: the latest activity date held."""
    value = db.session.scalar(select(func.max(Activity.activity_date)))
    return pd.Timestamp(value).date() if value is not None else None


def activity_rows() -> pd.DataFrame:
    """Every activity row (person_id, date, activity_type, count), as an extract would give it."""
    frame = fetch_frame(select(Activity.person_id, Activity.activity_date, Activity.activity_type, Activity.count)
                        .order_by(Activity.id), ["person_id", "date", "activity_type", "count"], numbers=("count",))
    frame["person_id"] = frame["person_id"].astype(str)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["count"] = frame["count"].astype(np.int64)
    return frame


def _two_rows_per_type(sums: pd.DataFrame) -> pd.DataFrame:
    """(person_id, anchor_day, activity_type, pre, post) -> the engine's activity frame: the pre
    sum the day before the anchor, the post sum on the anchor day; zero sums left out."""
    anchor = pd.to_datetime(sums["anchor_day"])
    pre, post = sums["pre"] > 0, sums["post"] > 0
    frame = pd.concat([
        pd.DataFrame({"person_id": sums["person_id"][pre], "date": anchor[pre] - pd.Timedelta(days=1),
                      "activity_type": sums["activity_type"][pre], "count": sums["pre"][pre]}),
        pd.DataFrame({"person_id": sums["person_id"][post], "date": anchor[post],
                      "activity_type": sums["activity_type"][post], "count": sums["post"][post]}),
    ], ignore_index=True)
    frame["person_id"] = frame["person_id"].astype(str)
    frame["count"] = frame["count"].astype(np.int64)
    return frame


def stored_window_activity(people: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """The engine's activity frame from the kept 12-month sums of a :func:`cohort` read with
    ``with_windows``.  Only people whose post window is complete by ``as_of`` are handed over
    (the engine excludes the rest whatever their activity)."""
    anchor = people["window_anchor"]
    end = anchor + pd.DateOffset(months=WINDOW_MONTHS)
    complete = anchor.notna() & (end <= pd.Timestamp(as_of + timedelta(days=1)))
    chosen = people[complete]
    parts = []
    for kind in ACTIVITY_TYPES:
        parts.append(pd.DataFrame({"person_id": chosen["person_id"], "anchor_day": chosen["window_anchor"],
                                   "activity_type": kind, "pre": chosen[f"pre_{kind}"].astype(np.int64),
                                   "post": chosen[f"post_{kind}"].astype(np.int64)}))
    sums = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["person_id", "anchor_day", "activity_type", "pre", "post"])
    return _two_rows_per_type(sums)


def activity_in_windows(filters: Filters, *, window_months: int, anchor: str, as_of: date) -> pd.DataFrame:
    """Per person and type, pre- and post-window sums computed live in SQL, for any window.

    Only people whose post window is complete by ``as_of`` (the engine's inclusion rule) are
    summed; the others are excluded by the engine whatever their activity.
    """
    postgres = is_postgres(db.session)
    people = cohort_episodes(filters)
    anchor_day = people.c.discharged_on if anchor == "discharge" else uk_day_of(people.c.received_at, postgres=postgres)
    windows = (select(people.c.person_id, anchor_day.label("anchor_day"),
                      shift_months(anchor_day, -window_months, postgres=postgres).label("start_day"),
                      shift_months(anchor_day, window_months, postgres=postgres).label("end_day"))
               .where(anchor_day.is_not(None)).subquery("windows"))
    in_pre = Activity.activity_date < windows.c.anchor_day
    query = (select(windows.c.person_id, windows.c.anchor_day, Activity.activity_type,
                    func.sum(case((in_pre, Activity.count), else_=0)).label("pre"),
                    func.sum(case((in_pre, 0), else_=Activity.count)).label("post"))
             .join(Activity, Activity.person_id == windows.c.person_id)
             .where(windows.c.end_day <= as_of + timedelta(days=1),
                    Activity.activity_date >= windows.c.start_day, Activity.activity_date < windows.c.end_day)
             .group_by(windows.c.person_id, windows.c.anchor_day, Activity.activity_type))
    return _two_rows_per_type(fetch_frame(query, ["person_id", "anchor_day", "activity_type", "pre", "post"],
                                          numbers=("pre", "post")))


MEASURE_COLUMNS = ["person_id", "date", "instrument", "life_satisfaction", "worthwhile", "happiness", "anxiety",
                   "total"]


def _of_cohort(columns: list, episode_column, order, names: list[str], filters: Filters,
              people: pd.DataFrame | None, numbers: tuple[str, ...] = ()) -> pd.DataFrame:
    """``columns`` of the rows belonging to the cohort's episodes, in ``order``, with the
    person id (text) as the first column ``person_id`` and the rest named ``names``.

    Given the cohort already read (``people``, with its episode ids), PostgreSQL gets those ids
    as one array parameter, looked up through the episode index, rather than working out every
    person's first episode again; otherwise (and on SQLite) the query joins the cohort's subquery.
    """
    if people is not None and is_postgres(db.session):
        ids = people["episode_id"].astype(np.int64).tolist()
        frame = fetch_frame(select(episode_column, *columns)
                            .where(episode_column == any_(bindparam("episodes", ids, type_=ARRAY(Integer))))
                            .order_by(order), ["episode_id", *names], numbers=numbers)
        person_of = dict(zip(people["episode_id"].astype(np.int64), people["person_id"]))
        frame.insert(0, "person_id", frame.pop("episode_id").astype(np.int64).map(person_of).astype(object))
        return frame
    cohort = cohort_episodes(filters)
    frame = fetch_frame(select(cohort.c.person_id, *columns).join(cohort, cohort.c.episode_id == episode_column)
                        .order_by(order), ["person_id", *names], numbers=numbers)
    frame["person_id"] = frame["person_id"].astype(str)
    return frame


def measures(filters: Filters, people: pd.DataFrame | None = None) -> pd.DataFrame:
    """Wellbeing measures of the cohort's episodes (UCLA total is the sum of its three items),
    in the order they were recorded; ``people``: the cohort (:func:`cohort`), when already read."""
    m = WellbeingMeasure
    ucla_total = m.ucla_companionship + m.ucla_left_out + m.ucla_isolated
    frame = _of_cohort([m.taken_on, m.instrument, m.life_satisfaction, m.worthwhile, m.happiness, m.anxiety,
                        ucla_total.label("total")], m.episode_id, m.id, MEASURE_COLUMNS[1:], filters, people,
                       numbers=tuple(MEASURE_COLUMNS[3:]))
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def onward(filters: Filters, people: pd.DataFrame | None = None) -> pd.DataFrame:
    """Onward referrals and linkages made in the cohort's episodes (person_id, sector, status,
    and the organisation's own name); ``people``: the cohort, when already read."""
    o = OnwardReferral
    return _of_cohort([o.sector, o.status, o.organisation_name], o.episode_id, o.id,
                      ["sector", "status", "organisation_name"], filters, people)
