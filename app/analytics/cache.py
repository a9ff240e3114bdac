"""The shared cache of dashboard figures: a database table keyed by (filters, data fingerprint).

It keeps the newest figures of each view (filters), so that when the records change a page can
show the last figures at once while the new ones are computed (``app.analytics.refresh``).

The fingerprint is two cheap queries over the tables the figures are made from — row counts,
highest ids and summed optimistic-lock versions, one pass over each table — so any insert,
delete or versioned edit changes it, and an activity import (which may update counts in place)
is caught by its ActivityImport row.  Every app process reads and writes the same table, so nothing relies on
one process's memory.
"""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from sqlalchemy import delete, func, literal, select, union_all
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (Activity, ActivityImport, Contact, DashboardCache, Episode, Locality, OnwardReferral,
                        PeerSupport, Person, Practice, Referral, ReferralNeed, WellbeingMeasure)
from app.models.base import utcnow
from app.models.comparison import ComparisonCohort
from app.models.deprivation import DeprivationArea
from app.models.population import PopulationShare

#: Bump when the figures' shape or definitions change, so old rows are not used.
FIGURES_VERSION = "dashboard-figures-7"  # 4: the two estimates (comparison cohort); 5: who is reached; 6: local
# population; 7: a referral counts on the UK day it arrived, not the UTC day
KEEP_FOR = timedelta(days=7)


_TRACKED = (Referral, ReferralNeed, Episode, Person, OnwardReferral, Contact, PeerSupport, WellbeingMeasure,
            ActivityImport, Practice, Locality, ComparisonCohort)


def fingerprint() -> str:
    """A digest that changes whenever the records behind the figures change."""
    # One pass over each table (its row count, highest id and summed versions together), all in
    # one statement; each row carries its table's place, as UNION ALL keeps no order.
    per_table = union_all(*[
        select(literal(place).label("place"), func.count().label("rows"),
               func.coalesce(func.max(model.id), 0).label("highest"),
               (func.coalesce(func.sum(model.__table__.c.version), 0) if "version" in model.__table__.c
                else literal(0)).label("versions"))
        .select_from(model) for place, model in enumerate(_TRACKED)])
    tables = sorted(tuple(row) for row in db.session.execute(select(per_table.subquery())))
    # Activity can hold millions of rows: its highest id (rows added) and the imports (rows
    # replaced) stand for it without counting them all.
    others = list(db.session.execute(select(select(func.coalesce(func.max(Activity.id), 0)).scalar_subquery(),
                                            # the deprivation lookup (who is reached): a new or changed file
                                            select(func.count()).select_from(DeprivationArea).scalar_subquery(),
                                            select(func.coalesce(func.sum(DeprivationArea.imd_decile), 0))
                                            .scalar_subquery(),
                                            # the population shares (who is reached): rows added, removed or changed
                                            *[select(part).select_from(PopulationShare).scalar_subquery() for part in
                                              (func.count(), func.coalesce(func.max(PopulationShare.id), 0),
                                               func.coalesce(func.sum(PopulationShare.share * PopulationShare.id), 0))]))
                  .one())
    values = [[int(value) for value in row] for row in tables] + others
    return hashlib.sha256(repr(values).encode()).hexdigest()[:32]


def cache_key(filters_key: str, print_: str) -> str:
    return hashlib.sha256(f"{FIGURES_VERSION}|{filters_key}|{print_}".encode()).hexdigest()


def stored_view(filters_key: str) -> str:
    """What the ``filters`` column holds: the figures' version and the filters."""
    return f"{FIGURES_VERSION}|{filters_key}"[:200]


def get(key: str) -> dict | None:
    row = db.session.get(DashboardCache, key)
    return json.loads(row.figures) if row else None


def latest(filters_key: str) -> dict | None:
    """The newest figures stored for these filters, whatever data they were computed from."""
    row = db.session.scalars(select(DashboardCache).where(DashboardCache.filters == stored_view(filters_key))
                             .order_by(DashboardCache.created_at.desc()).limit(1)).first()
    return json.loads(row.figures) if row else None


def put(key: str, filters_key: str, figures: dict, seconds: float) -> None:
    """Store figures, replacing older figures of the same view; another process storing the
    same key first is fine (same figures)."""
    db.session.execute(delete(DashboardCache).where(DashboardCache.created_at < utcnow() - KEEP_FOR))
    db.session.execute(delete(DashboardCache).where(DashboardCache.filters == stored_view(filters_key),
                                                    DashboardCache.key != key))
    db.session.add(DashboardCache(key=key, filters=stored_view(filters_key), seconds=f"{seconds:.2f}",
                                  figures=json.dumps(figures, separators=(",", ":"), allow_nan=False)))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
