"""The local population's share of each group (issue 15, item 5): the figure a reach table's
group is read beside ("14% of referrals came from people aged 75+, who are 9% of the practice's
list").

One row per area, dimension and group, loaded by `flask import population`
(app.services.population).  The area is `all`, a locality's name or a practice's ODS code; the
group is one of the reach tables' own group labels (app.analytics.reach.group_order), so a share
is matched to its row by equality, never guessed.  Nothing about a person is held here.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

DIMENSION_CHECK = "dimension IN ('imd_quintile', 'ethnic_group', 'sex', 'age_band')"


class PopulationShare(db.Model):
    __tablename__ = "population_share"
    __table_args__ = (UniqueConstraint("area", "dimension", "group_label", name="uq_population_share_natural_key"),
                      CheckConstraint("share >= 0 AND share <= 100", name="share_range"),
                      CheckConstraint(DIMENSION_CHECK, name="dimension_known"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area: Mapped[str] = mapped_column(String(120))  # "all", a locality name or a practice ODS code
    dimension: Mapped[str] = mapped_column(String(20))
    group_label: Mapped[str] = mapped_column(String(60))  # the CSV's `group` column
    share: Mapped[Decimal] = mapped_column(Numeric(4, 1))  # a percentage, one decimal
