"""Referrals by who sent them (issue 15): GP practices, self-referral, family, councils,
voluntary organisations, hospitals and other NHS services. Counted in SQL over the filtered
referrals; suppressed when shown (app.analytics.tables.referral_sources)."""
from __future__ import annotations

from sqlalchemy import func, select

from app.analytics.cohort_sql import apply_filters
from app.analytics.filters import Filters
from app.extensions import db
from app.models import Locality, Practice, Referral
from app.models.vocab import ReferralSource


def by_source(filters: Filters) -> dict[str, int]:
    """{source: referrals received in the filters}, every source listed (0 where none)."""
    query = (select(Referral.source, func.count(Referral.id)).select_from(Referral)
             .join(Practice, Practice.id == Referral.practice_id).join(Locality, Locality.id == Practice.locality_id))
    found = dict(db.session.execute(apply_filters(query, filters).group_by(Referral.source)).all())
    return {source.value: int(found.get(source.value, 0)) for source in ReferralSource}
