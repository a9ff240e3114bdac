"""The database read into the DataFrames that ``outcomes.compute_report`` expects.

One row per person supported: each person's first accepted episode (the earliest opened),
with the referral that opened it.  Filters (period on the referral date, locality, practice)
are applied in SQL.  ``person_id`` is the database id as text — never the NHS number — so
nothing that identifies a person leaves this module; the date of birth is read only to
compute the age band and is dropped at once.

Two ways to hand activity to the engine:

* :func:`activity_rows` — every Activity row, as ``python -m outcomes`` reads an extract
  (the CLI uses this: its output is exactly the engine's on an export of the same data);
* :func:`activity_in_windows` — the per-person, per-type pre and post sums computed in SQL,
  handed over as at most two rows per person and type (one the day before the anchor with
  the pre sum, one on the anchor day with the post sum).  The engine's windows put those
  rows in the same windows, so its figures are the same, without moving millions of rows
  into Python (the dashboard uses this).
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select

from app.analytics.dates_sql import day_of, is_postgres, shift_months
from app.analytics.filters import Filters
from app.extensions import db
from app.models import (Activity, Contact, Episode, Locality, OnwardReferral, PeerSupport, Person, Practice,
                        Referral, ReferralNeed, WellbeingMeasure)

AGE_BANDS = ((18, "18–34"), (35, "35–49"), (50, "50–64"), (65, "65–79"), (80, "80+"))
REFERRAL_COLUMNS = ["person_id", "referral_date", "discharge_date", "practice_code", "locality", "age_band",
                    "primary_need"]


def first_episodes():
    """Each person's first accepted episode: the earliest opened (ties by id)."""
    rank = func.row_number().over(partition_by=Episode.person_id, order_by=(Episode.opened_at, Episode.id))
    ranked = select(Episode.id.label("episode_id"), Episode.person_id, Episode.referral_id,
                    Episode.first_contact_on, Episode.discharged_on, Episode.officer_id,
                    rank.label("rank")).subquery("ranked")
    return select(ranked).where(ranked.c.rank == 1).subquery("first_episode")


def apply_filters(query, filters: Filters):
    """Restrict a query that already joins Referral, Practice and Locality."""
    if filters.start is not None:
        query = query.where(Referral.received_at >= filters.start)
    if filters.end is not None:
        query = query.where(Referral.received_at < filters.end)
    if filters.locality:
        query = query.where(Locality.name == filters.locality)
    if filters.practice:
        query = query.where(Practice.ods_code == filters.practice)
    return query


def cohort_query(filters: Filters):
    """The filtered people: first episode joined to its referral, practice and locality."""
    first = first_episodes()
    primary_need = (select(ReferralNeed.area).where(ReferralNeed.referral_id == Referral.id)
                    .order_by(ReferralNeed.id).limit(1).scalar_subquery())
    query = (select(first.c.episode_id, first.c.person_id, first.c.first_contact_on, first.c.discharged_on,
                    first.c.officer_id, Referral.received_at, Practice.ods_code, Locality.name.label("locality"),
                    primary_need.label("primary_need"), Person.date_of_birth)
             .join(Referral, Referral.id == first.c.referral_id)
             .join(Person, Person.id == first.c.person_id)
             .join(Practice, Practice.id == Referral.practice_id)
             .join(Locality, Locality.id == Practice.locality_id))
    return apply_filters(query, filters), first


def age_bands(birth: pd.Series, on: pd.Series) -> pd.Series:
    """Age in whole years on the referral date, banded; under 18 is its own band."""
    birth, on = pd.to_datetime(birth), pd.to_datetime(on)
    years = on.dt.year - birth.dt.year
    before_birthday = (on.dt.month < birth.dt.month) | ((on.dt.month == birth.dt.month) & (on.dt.day < birth.dt.day))
    age = years - before_birthday.astype(int)
    labels = np.full(len(age), "under 18", dtype=object)
    for low, label in AGE_BANDS:
        labels[(age >= low).to_numpy()] = label
    return pd.Series(labels, index=birth.index)


def referrals(filters: Filters = Filters()) -> pd.DataFrame:
    """The referrals frame of CONTRACT.md 4.1 (plus age band and primary need), filtered;
    dates as datetime64, one row per person."""
    query, _ = cohort_query(filters)
    rows = db.session.execute(query.order_by(query.selected_columns.person_id)).all()
    raw = pd.DataFrame(rows, columns=["episode_id", "person_id", "first_contact_on", "discharged_on", "officer_id",
                                      "received_at", "practice_code", "locality", "primary_need", "date_of_birth"])
    referral_date = pd.to_datetime(raw["received_at"]).dt.normalize()
    frame = pd.DataFrame({
        "person_id": raw["person_id"].astype(str),
        "referral_date": referral_date,
        "discharge_date": pd.to_datetime(raw["discharged_on"]),
        "practice_code": raw["practice_code"].astype(object),
        "locality": raw["locality"].astype(object),
        "age_band": age_bands(raw["date_of_birth"], referral_date) if len(raw) else pd.Series(dtype=object),
        "primary_need": raw["primary_need"].fillna("").astype(object),
    }, columns=REFERRAL_COLUMNS)
    return frame


def latest_activity_date() -> date | None:
    """The default as_of of CONTRACT.md 4.4: the latest activity date held."""
    value = db.session.scalar(select(func.max(Activity.activity_date)))
    return pd.Timestamp(value).date() if value is not None else None


def activity_rows() -> pd.DataFrame:
    """Every activity row (person_id, date, activity_type, count), as an extract would give it."""
    rows = db.session.execute(select(Activity.person_id, Activity.activity_date, Activity.activity_type,
                                     Activity.count).order_by(Activity.id)).all()
    frame = pd.DataFrame(rows, columns=["person_id", "date", "activity_type", "count"])
    frame["person_id"] = frame["person_id"].astype(str)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["count"] = frame["count"].astype(np.int64)
    return frame


def activity_in_windows(filters: Filters, *, window_months: int, anchor: str, as_of: date) -> pd.DataFrame:
    """Per person and type, pre- and post-window sums from SQL, as the smallest activity frame.

    Only people whose post window is complete by ``as_of`` (the engine's inclusion rule) are
    summed; the others are excluded by the engine whatever their activity.
    """
    postgres = is_postgres(db.session)
    query, first = cohort_query(filters)
    people = query.subquery("people")
    if anchor == "discharge":
        anchor_day = people.c.discharged_on
    else:
        anchor_day = day_of(people.c.received_at, postgres=postgres)
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
    sums = pd.DataFrame(db.session.execute(query).all(),
                        columns=["person_id", "anchor_day", "activity_type", "pre", "post"])
    anchor_ts = pd.to_datetime(sums["anchor_day"])
    pre = sums[sums["pre"] > 0]
    post = sums[sums["post"] > 0]
    frame = pd.concat([
        pd.DataFrame({"person_id": pre["person_id"], "date": anchor_ts[pre.index] - pd.Timedelta(days=1),
                      "activity_type": pre["activity_type"], "count": pre["pre"]}),
        pd.DataFrame({"person_id": post["person_id"], "date": anchor_ts[post.index],
                      "activity_type": post["activity_type"], "count": post["post"]}),
    ], ignore_index=True)
    frame["person_id"] = frame["person_id"].astype(str)
    frame["count"] = frame["count"].astype(np.int64)
    return frame


def cohort_episodes(filters: Filters):
    """The filtered people's episode ids and person ids, as a subquery to join on."""
    query, _ = cohort_query(filters)
    return query.subquery("people")


def measures(filters: Filters) -> pd.DataFrame:
    """Wellbeing measures of the cohort's episodes; UCLA total is the sum of its three items."""
    people = cohort_episodes(filters)
    ucla_total = WellbeingMeasure.ucla_companionship + WellbeingMeasure.ucla_left_out + WellbeingMeasure.ucla_isolated
    rows = db.session.execute(
        select(people.c.person_id, WellbeingMeasure.taken_on, WellbeingMeasure.instrument,
               WellbeingMeasure.life_satisfaction, WellbeingMeasure.worthwhile, WellbeingMeasure.happiness,
               WellbeingMeasure.anxiety, ucla_total)
        .join(people, people.c.episode_id == WellbeingMeasure.episode_id)
        .order_by(WellbeingMeasure.id)).all()
    frame = pd.DataFrame(rows, columns=["person_id", "date", "instrument", "life_satisfaction", "worthwhile",
                                        "happiness", "anxiety", "total"])
    frame["person_id"] = frame["person_id"].astype(str)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def onward(filters: Filters) -> pd.DataFrame:
    """Onward referrals and linkages made in the cohort's episodes (person_id, sector, status)."""
    people = cohort_episodes(filters)
    rows = db.session.execute(
        select(people.c.person_id, OnwardReferral.sector, OnwardReferral.status)
        .join(people, people.c.episode_id == OnwardReferral.episode_id).order_by(OnwardReferral.id)).all()
    frame = pd.DataFrame(rows, columns=["person_id", "sector", "status"])
    frame["person_id"] = frame["person_id"].astype(str)
    return frame


def support(filters: Filters) -> pd.DataFrame:
    """One row per cohort episode: referral date, first contact, discharge, held contacts,
    first peer-led activity and first volunteering."""
    people = cohort_episodes(filters)
    held = (select(func.count(Contact.id)).where(Contact.episode_id == people.c.episode_id,
                                                 Contact.status == "held").scalar_subquery())

    def first_start(kind: str):
        return (select(func.min(PeerSupport.started_on))
                .where(PeerSupport.episode_id == people.c.episode_id, PeerSupport.kind == kind).scalar_subquery())

    rows = db.session.execute(select(people.c.person_id, people.c.received_at, people.c.first_contact_on,
                                     people.c.discharged_on, held, first_start("peer_activity"),
                                     first_start("volunteering"))).all()
    frame = pd.DataFrame(rows, columns=["person_id", "referral_date", "first_contact_date", "discharge_date",
                                        "contacts", "peer_support_date", "volunteering_date"])
    frame["person_id"] = frame["person_id"].astype(str)
    frame["referral_date"] = pd.to_datetime(frame["referral_date"]).dt.normalize()
    for column in ("first_contact_date", "discharge_date", "peer_support_date", "volunteering_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["contacts"] = frame["contacts"].astype(np.int64)
    return frame.sort_values("person_id", kind="stable").reset_index(drop=True)
