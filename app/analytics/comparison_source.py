"""The comparison cohort read into the engine's DataFrames (issue 16; CONTRACT.md §4.6, §6).

Identifiers handed to the engine are the database's own, never an NHS number or a pseudonym:

* a referred person: their person id (as in ``app/analytics/source.py``);
* a pool person (someone never referred, for matching and the "before matching" balance):
  ``c<comparison person id>``;
* a cohort member: ``m<member id>`` — one per use, so a comparator matched to two referred
  people (matching with replacement) is two members with their own pseudo-anchors, and their
  activity rows appear once under each.

Anyone referred since they were pooled is left out here whether or not
``comparison_pool.release_referred`` has run yet, so a referral takes a person out of the
comparison at once.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import case, func, literal, select

from app.analytics.cohort_sql import cohort_episodes
from app.analytics.dates_sql import is_postgres, shift_months
from app.analytics.filters import Filters
from app.analytics.read import fetch_frame
from app.analytics.source import _two_rows_per_type
from app.analytics.uk_days import uk_days
from app.extensions import db
from app.models import Episode, Locality, Person, Practice, Referral
from app.models.comparison import ComparisonActivity, ComparisonCohort, ComparisonMember, ComparisonPerson
from app.services import comparison_pool
from app.services.pseudonyms import pseudonyms

PEOPLE_COLUMNS = ["person_id", "practice_code", "locality", "sex", "year_of_birth"]
ACTIVITY_COLUMNS = ["person_id", "date", "activity_type", "count"]


def current_cohort() -> ComparisonCohort | None:
    return db.session.scalar(select(ComparisonCohort).order_by(ComparisonCohort.id.desc()).limit(1))


def referred_pool_ids() -> list[int]:
    """Comparison person ids of people who have since been referred (to be left out)."""
    numbers = comparison_pool.referred_nhs_numbers()
    if not numbers:
        return []
    return sorted(comparison_pool.person_ids_by_pseudonym(sorted(pseudonyms(numbers).values())).values())


def _texts(frame: pd.DataFrame, prefix: str, column: str = "person_id") -> pd.DataFrame:
    frame[column] = prefix + frame[column].astype(np.int64).astype(str) if len(frame) else frame[column].astype(str)
    return frame


def referred_people(filters: Filters = Filters()) -> pd.DataFrame:
    """The filtered referred people (first episodes): person_id, referral_date, practice_code,
    locality, sex, year_of_birth."""
    people = cohort_episodes(filters)
    query = (select(people.c.person_id, people.c.received_at, Practice.ods_code, Locality.name, Person.sex,
                    Person.date_of_birth)
             .join(Person, Person.id == people.c.person_id)
             .join(Episode, Episode.id == people.c.episode_id).join(Referral, Referral.id == Episode.referral_id)
             # The referral's practice, as the report's practice_code is: where they were referred from.
             .join(Practice, Practice.id == Referral.practice_id).join(Locality, Locality.id == Practice.locality_id)
             .order_by(people.c.person_id))
    frame = fetch_frame(query, ["person_id", "referral_date", "practice_code", "locality", "sex", "born"],
                        numbers=("person_id",))
    frame["person_id"] = frame["person_id"].astype(np.int64).astype(str) if len(frame) else frame["person_id"]
    frame["referral_date"] = uk_days(frame["referral_date"])  # the UK day it arrived
    frame["year_of_birth"] = pd.to_datetime(frame.pop("born")).dt.year
    return frame


def _pool_query(excluded: list[int]):
    cp = ComparisonPerson
    query = (select(cp.id, Practice.ods_code, Locality.name, cp.sex, cp.year_of_birth)
             .outerjoin(Practice, Practice.id == cp.practice_id).outerjoin(Locality, Locality.id == Practice.locality_id))
    return query.where(cp.id.not_in(excluded)) if excluded else query


def pool_people(excluded: list[int] | None = None) -> pd.DataFrame:
    """Everyone in the pool (never referred): person_id (c<id>), practice_code, locality, sex,
    year_of_birth."""
    excluded = referred_pool_ids() if excluded is None else excluded
    frame = fetch_frame(_pool_query(excluded).order_by(ComparisonPerson.id), PEOPLE_COLUMNS,
                        numbers=("person_id", "year_of_birth"))
    return _texts(frame, "c")


def pool_activity(excluded: list[int] | None = None) -> pd.DataFrame:
    """Every pooled activity row: person_id (c<id>), date, activity_type, count."""
    excluded = referred_pool_ids() if excluded is None else excluded
    ca = ComparisonActivity
    query = select(ca.comparison_person_id, ca.activity_date, ca.activity_type, ca.count).order_by(ca.id)
    if excluded:
        query = query.where(ca.comparison_person_id.not_in(excluded))
    frame = fetch_frame(query, ACTIVITY_COLUMNS, numbers=("person_id", "count"))
    frame["count"] = frame["count"].astype(np.int64)
    frame["date"] = pd.to_datetime(frame["date"])
    return _texts(frame, "c")


def _members_query(cohort_id: int, filters: Filters, excluded: list[int]):
    m, cp = ComparisonMember, ComparisonPerson
    query = (select(m.id, m.anchor_date, Practice.ods_code, Locality.name, cp.sex, cp.year_of_birth, cp.id,
                    m.matched_person_id)
             .join(cp, cp.id == m.comparison_person_id)
             .outerjoin(Practice, Practice.id == cp.practice_id).outerjoin(Locality, Locality.id == Practice.locality_id)
             .where(m.cohort_id == cohort_id))
    if excluded:
        query = query.where(cp.id.not_in(excluded))
    if filters.start is not None:
        query = query.where(m.anchor_date >= filters.start)
    if filters.end is not None:
        query = query.where(m.anchor_date < filters.end)
    if filters.locality:
        query = query.where(Locality.name == filters.locality)
    if filters.practice:
        query = query.where(Practice.ods_code == filters.practice)
    return query


def members(cohort_id: int, filters: Filters = Filters(), excluded: list[int] | None = None) -> pd.DataFrame:
    """The cohort's members within the filters: person_id (m<id>), referral_date (the
    pseudo-anchor), practice_code, locality, sex, year_of_birth, pool_id (c<id>), matched_person_id."""
    excluded = referred_pool_ids() if excluded is None else excluded
    frame = fetch_frame(_members_query(cohort_id, filters, excluded).order_by(ComparisonMember.id),
                        ["person_id", "referral_date", "practice_code", "locality", "sex", "year_of_birth", "pool_id",
                         "matched_person_id"], numbers=("person_id", "year_of_birth", "pool_id", "matched_person_id"))
    frame = _texts(_texts(frame, "m"), "c", "pool_id")
    frame["referral_date"] = pd.to_datetime(frame["referral_date"])
    return frame


def member_activity(cohort_id: int, filters: Filters = Filters(), excluded: list[int] | None = None) -> pd.DataFrame:
    """Every activity row of every member (once per membership): person_id (m<id>), date, type, count."""
    excluded = referred_pool_ids() if excluded is None else excluded
    chosen = _members_query(cohort_id, filters, excluded).with_only_columns(
        ComparisonMember.id.label("member_id"), ComparisonMember.comparison_person_id).subquery("chosen")
    ca = ComparisonActivity
    query = (select(chosen.c.member_id, ca.activity_date, ca.activity_type, ca.count)
             .join(ca, ca.comparison_person_id == chosen.c.comparison_person_id)
             .order_by(chosen.c.member_id, ca.id))
    frame = fetch_frame(query, ACTIVITY_COLUMNS, numbers=("person_id", "count"))
    frame["count"] = frame["count"].astype(np.int64)
    frame["date"] = pd.to_datetime(frame["date"])
    return _texts(frame, "m")


def member_window_activity(cohort_id: int, filters: Filters, *, window_months: int, as_of: date,
                           excluded: list[int] | None = None) -> pd.DataFrame:
    """Per member and type, the pre and post window sums (summed in SQL) as the engine's two
    rows per type — the day before the pseudo-anchor and the anchor day — for members whose
    post window is complete by ``as_of``; the engine then gives the same figures as from
    every row, without moving every row."""
    excluded = referred_pool_ids() if excluded is None else excluded
    postgres = is_postgres(db.session)
    chosen = _members_query(cohort_id, filters, excluded).with_only_columns(
        ComparisonMember.id.label("member_id"), ComparisonMember.comparison_person_id,
        ComparisonMember.anchor_date).subquery("chosen")
    windows = select(chosen.c.member_id, chosen.c.comparison_person_id, chosen.c.anchor_date,
                     shift_months(chosen.c.anchor_date, -window_months, postgres=postgres).label("start_day"),
                     shift_months(chosen.c.anchor_date, window_months, postgres=postgres).label("end_day")
                     ).subquery("windows")
    ca = ComparisonActivity
    in_pre = ca.activity_date < windows.c.anchor_date
    query = (select(windows.c.member_id, windows.c.anchor_date, ca.activity_type,
                    func.sum(case((in_pre, ca.count), else_=literal(0))).label("pre"),
                    func.sum(case((in_pre, literal(0)), else_=ca.count)).label("post"))
             .join(ca, ca.comparison_person_id == windows.c.comparison_person_id)
             .where(windows.c.end_day <= as_of + timedelta(days=1),
                    ca.activity_date >= windows.c.start_day, ca.activity_date < windows.c.end_day)
             .group_by(windows.c.member_id, windows.c.anchor_date, ca.activity_type))
    sums = fetch_frame(query, ["person_id", "anchor_day", "activity_type", "pre", "post"],
                       numbers=("person_id", "pre", "post"))
    return _two_rows_per_type(_texts(sums, "m"))
