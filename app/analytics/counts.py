"""Counts for the dashboard that the outcomes engine does not make: referral flow, needs and
caseloads.  All computed in SQL over the filtered referrals; each returns plain numbers
(suppression is applied when they are shown, in app.analytics.tables).
"""
from __future__ import annotations

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import aliased

from app.analytics.dates_sql import is_postgres, month_of
from app.analytics.filters import Filters
from app.analytics.cohort_sql import apply_filters
from app.extensions import db
from app.models import Episode, Locality, Practice, Referral, ReferralNeed, User
from app.models.vocab import NeedArea


def _referrals(*columns):
    return (select(*columns).select_from(Referral).join(Practice, Practice.id == Referral.practice_id)
            .join(Locality, Locality.id == Practice.locality_id))


def flow(filters: Filters) -> dict:
    """People referred (distinct NHS numbers), accepted (an episode opened), supported (first
    contact made) and discharged, over referrals received in the filters."""
    referred = db.session.scalar(apply_filters(_referrals(func.count(distinct(Referral.nhs_number))), filters))
    episodes = apply_filters(_referrals(func.count(distinct(Episode.person_id)))
                             .join(Episode, Episode.referral_id == Referral.id), filters)
    # The person declining is its own outcome: not a discharge, even when an episode had opened.
    declined = apply_filters(_referrals(func.count(distinct(Referral.nhs_number)))
                             .where(Referral.status == "declined_by_person"), filters)
    return {
        "referred": referred or 0,
        "accepted": db.session.scalar(episodes) or 0,
        "supported": db.session.scalar(episodes.where(Episode.first_contact_on.is_not(None))) or 0,
        "discharged": db.session.scalar(episodes.where(Episode.discharged_on.is_not(None),
                                                       Referral.status != "declined_by_person")) or 0,
        "declined_by_person": db.session.scalar(declined) or 0,
    }


def referrals_by_month(filters: Filters) -> dict:
    """Referrals received per month, by locality — or by practice once a locality or practice is chosen."""
    month = month_of(Referral.received_at, postgres=is_postgres(db.session))
    by = Practice.ods_code if (filters.locality or filters.practice) else Locality.name
    rows = db.session.execute(apply_filters(_referrals(month, by, func.count(Referral.id)), filters)
                              .group_by(month, by).order_by(month, by)).all()
    months = sorted({r[0] for r in rows})
    groups = sorted({r[1] for r in rows})
    counts = {(m, g): n for m, g, n in rows}
    return {"by": "practice" if by is Practice.ods_code else "locality", "months": _month_range(months),
            "groups": groups, "counts": [[counts.get((m, g), 0) for g in groups] for m in _month_range(months)]}


def _month_range(months: list[str]) -> list[str]:
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


def needs(filters: Filters) -> dict:
    """How many referrals ticked each need area, and the most common pairs ticked together
    (counted in SQL: a referral's needs joined to its own later-named needs)."""
    total = db.session.scalar(apply_filters(_referrals(func.count(Referral.id)), filters)) or 0
    single = dict(db.session.execute(
        apply_filters(_referrals(ReferralNeed.area, func.count(distinct(Referral.id)))
                      .join(ReferralNeed, ReferralNeed.referral_id == Referral.id), filters)
        .group_by(ReferralNeed.area)).all())
    other = aliased(ReferralNeed)
    together = func.count(distinct(Referral.id))
    pairs = db.session.execute(
        apply_filters(_referrals(ReferralNeed.area, other.area, together)
                      .join(ReferralNeed, ReferralNeed.referral_id == Referral.id)
                      .join(other, (other.referral_id == Referral.id) & (other.area > ReferralNeed.area)), filters)
        .group_by(ReferralNeed.area, other.area)
        .order_by(together.desc(), ReferralNeed.area, other.area).limit(40)).all()
    return {"referrals": total,
            "areas": {area.value: single.get(area.value, 0) for area in NeedArea},
            "pairs": [[a, b, n] for a, b, n in pairs]}


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
