"""Referrals by who sent them (issue 15): GP practices, self-referral, family, councils,
voluntary organisations, hospitals and other NHS services. Counted over the filtered referrals
(``app.analytics.referral_ledger``); suppressed when shown (app.analytics.tables.referral_sources)."""
from __future__ import annotations

from app.analytics import referral_ledger
from app.analytics.filters import Filters


def by_source(filters: Filters) -> dict[str, int]:
    """{source: referrals received in the filters}, every source listed (0 where none)."""
    return referral_ledger.by_source(referral_ledger.read(filters))
