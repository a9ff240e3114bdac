"""Demand on the sector: onward referrals per organisation and service over a period, their
outcomes, and the share that went to the voluntary and community sector (Integrated Plus: >70%)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, or_, select

from app.extensions import db
from app.models.base import utc_of_uk
from app.models.onward import OnwardReferral, OnwardStatus
from app.models.vocab import Sector

VCS_TARGET_PCT = 70
OUTCOMES = (OnwardStatus.ATTENDING, OnwardStatus.COMPLETED, OnwardStatus.DECLINED, OnwardStatus.DID_NOT_ATTEND)


@dataclass
class DemandRow:
    organisation: str
    service: str
    sector: str
    total: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def in_progress(self) -> int:
        return self.total - sum(self.by_status[s.value] for s in OUTCOMES)


@dataclass
class DemandReport:
    start: date
    end: date
    rows: list[DemandRow]
    total: int
    vcs: int

    @property
    def vcs_pct(self) -> float | None:
        return round(100 * self.vcs / self.total, 1) if self.total else None

    @property
    def meets_target(self) -> bool:
        return self.vcs_pct is not None and self.vcs_pct > VCS_TARGET_PCT

    def totals(self) -> dict[str, int]:
        return {s.value: sum(row.by_status[s.value] for row in self.rows) for s in OUTCOMES}


def demand_between(start: date, end: date) -> DemandReport:
    """Onward referrals made in [start, end] (by made_on, or the day recorded when not yet made)."""
    start_at, end_at = utc_of_uk(start), utc_of_uk(end + timedelta(days=1))
    rows = db.session.execute(select(OnwardReferral.organisation_name, OnwardReferral.service_name,
                                     OnwardReferral.sector, OnwardReferral.status).where(or_(
        and_(OnwardReferral.made_on.is_not(None), OnwardReferral.made_on >= start, OnwardReferral.made_on <= end),
        and_(OnwardReferral.made_on.is_(None), OnwardReferral.created_at >= start_at,
             OnwardReferral.created_at < end_at)))).all()
    grouped: dict[tuple, DemandRow] = {}
    vcs = 0
    for organisation, service, sector, status in rows:
        row = grouped.setdefault((organisation, service), DemandRow(organisation, service or "", sector))
        row.total += 1
        row.by_status[status] += 1
        if sector in Sector._value2member_map_ and Sector(sector).is_voluntary_and_community:
            vcs += 1
    ordered = sorted(grouped.values(), key=lambda r: (-r.total, r.organisation.lower(), r.service.lower()))
    return DemandReport(start, end, ordered, len(rows), vcs)
