"""The postcode → Index of Multiple Deprivation lookup (CONTRACT §6).

One row per postcode, loaded by `flask import deprivation`. Nothing about a person is copied
here or from here: a person's decile is read through their current postcode, so a change of
address changes it, and a new lookup file changes everyone's at once.
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class DeprivationArea(db.Model):
    __tablename__ = "deprivation_area"
    __table_args__ = (CheckConstraint("imd_decile BETWEEN 1 AND 10", name="imd_decile_range"),)

    # Normalised as the app stores people's postcodes (app.validators.normalise_postcode).
    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    # 1 = the most deprived tenth of areas in England, 10 = the least deprived.
    imd_decile: Mapped[int] = mapped_column(Integer)

    @property
    def imd_quintile(self) -> int:
        return quintile_of(self.imd_decile)


def quintile_of(decile: int) -> int:
    """Quintile 1 (most deprived fifth) to 5 from a decile 1–10."""
    return (decile + 1) // 2
