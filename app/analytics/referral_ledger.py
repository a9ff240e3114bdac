"""The filtered referrals, one row each, read once per dashboard view: the referral flow, the
referrals per month, the referrals by source and who the service reaches (``app.analytics.reach``)
are all counted from these rows, so one read serves them all and they always agree.

Each row carries what those counts need and nothing that names a person: the referral's and
its episode's ids and dates, its status, source, practice and locality, the groups of
``app.analytics.reach`` and ``nhs_key`` — the same whole number for referrals of the same NHS
number within the read (a dense rank, computed in SQL), so people are counted once without the
NHS number leaving the database.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from app.analytics.cohort_sql import apply_filters
from app.analytics.filters import Filters
from app.analytics.read import fetch_frame
from app.analytics.uk_days import uk_days
from app.models import Episode, Locality, Person, Practice, Referral
from app.models.deprivation import DeprivationArea
from app.models.vocab import ReferralSource

ROW_COLUMNS = ["referral_id", "person_id", "received_at", "sex", "ethnic_category", "imd_decile", "date_of_birth",
               "episode_id", "first_contact_on", "discharged_on", "status", "nhs_key", "episode_person_id",
               "source", "practice_code", "locality"]
DECLINED = "declined_by_person"


def read(filters: Filters) -> pd.DataFrame:
    """One row per referral received in the filters (ordered by referral id), dates as datetime64
    (the referral's day, without its time)."""
    def either(person_column, referral_column):
        return func.coalesce(person_column, referral_column)

    postcode = func.coalesce(Person.postcode, Referral.postcode)
    query = (select(Referral.id, Referral.person_id, Referral.received_at,
                    either(Person.sex, Referral.sex), either(Person.ethnic_category, Referral.ethnic_category),
                    DeprivationArea.imd_decile, either(Person.date_of_birth, Referral.date_of_birth),
                    Episode.id, Episode.first_contact_on, Episode.discharged_on, Referral.status,
                    func.dense_rank().over(order_by=Referral.nhs_number), Episode.person_id, Referral.source,
                    Practice.ods_code, Locality.name)
             .select_from(Referral)
             .join(Practice, Practice.id == Referral.practice_id)
             .join(Locality, Locality.id == Practice.locality_id)
             .outerjoin(Person, Person.id == Referral.person_id)
             .outerjoin(DeprivationArea, DeprivationArea.postcode == postcode)
             .outerjoin(Episode, Episode.referral_id == Referral.id))
    frame = fetch_frame(apply_filters(query, filters).order_by(Referral.id), ROW_COLUMNS,
                        numbers=("imd_decile", "episode_id", "nhs_key", "episode_person_id"))
    for column in ("received_at", "first_contact_on", "discharged_on", "date_of_birth"):
        frame[column] = pd.to_datetime(frame[column], format="ISO8601")
    frame["received_at"] = uk_days(frame["received_at"])  # the UK day it arrived
    return frame


def flow(rows: pd.DataFrame) -> dict:
    """People referred (distinct NHS numbers), accepted (an episode opened), supported (first
    contact made) and discharged, and people who declined.  The person declining is its own
    outcome: not a discharge, even when an episode had opened."""
    opened = rows[rows["episode_id"].notna()]
    declined = rows["status"] == DECLINED

    def people(frame: pd.DataFrame, column: str = "episode_person_id") -> int:
        return int(frame[column].nunique())

    return {
        "referred": people(rows, "nhs_key"),
        "accepted": people(opened),
        "supported": people(opened[opened["first_contact_on"].notna()]),
        "discharged": people(opened[opened["discharged_on"].notna() & (opened["status"] != DECLINED)]),
        "declined_by_person": people(rows[declined], "nhs_key"),
    }


def by_month(rows: pd.DataFrame, filters: Filters) -> dict:
    """Referrals received per month, by locality — or by practice once a locality or practice
    is chosen; every month from the first to the last is listed (0 where none)."""
    by = "practice" if (filters.locality or filters.practice) else "locality"
    column = "practice_code" if by == "practice" else "locality"
    received = rows["received_at"].dt
    counted = rows.groupby([received.year * 100 + received.month, rows[column]]).size()  # 202403: March 2024
    found = {(f"{m // 100}-{m % 100:02d}", g): int(n) for (m, g), n in counted.items()}
    months = month_range(sorted({m for m, _ in found}))
    groups = sorted({g for _, g in found})
    return {"by": by, "months": months, "groups": groups,
            "counts": [[found.get((m, g), 0) for g in groups] for m in months]}


def month_range(months: list[str]) -> list[str]:
    """Every month from the first to the last (months with no referrals are shown as 0)."""
    if not months:
        return []
    year, month = map(int, months[0].split("-"))
    end = tuple(map(int, months[-1].split("-")))
    out = []
    while (year, month) <= end:
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def by_source(rows: pd.DataFrame) -> dict[str, int]:
    """{source: referrals}, every source listed (0 where none)."""
    counted = rows["source"].value_counts()
    return {source.value: int(counted.get(source.value, 0)) for source in ReferralSource}
