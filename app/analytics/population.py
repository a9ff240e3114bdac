"""The local population's share of each group, for the reach tables' "Local population" column.

The most local figures the service has supplied (app.services.population imports them): with a
practice filter that practice's, then its locality's, then the whole area's (`all`); with a
locality filter that locality's, then `all`; otherwise `all`.  Chosen per dimension, since the
sources differ (a practice's list gives sex and age; the Census gives ethnic group by area).
"""
from __future__ import annotations

from sqlalchemy import select

from app.analytics.filters import Filters
from app.extensions import db
from app.models import Locality, Practice
from app.models.population import PopulationShare


def areas_for(filters: Filters) -> list[str]:
    """The areas to look in, most local first."""
    areas = []
    locality = filters.locality
    if filters.practice:
        areas.append(filters.practice)
        locality = locality or db.session.scalar(select(Locality.name).join(Practice, Practice.locality_id == Locality.id)
                                                 .where(Practice.ods_code == filters.practice))
    if locality:
        areas.append(locality)
    return [*areas, "all"]


def shares(filters: Filters, dimensions) -> dict[str, dict]:
    """{dimension: {"area": area, "shares": {group: share %}}} for each dimension with shares."""
    areas = areas_for(filters)
    rows = db.session.execute(select(PopulationShare.dimension, PopulationShare.area, PopulationShare.group_label,
                                     PopulationShare.share).where(PopulationShare.area.in_(areas))).all()
    out = {}
    for dimension in dimensions:
        for area in areas:
            found = {group: float(share) for held_dimension, held_area, group, share in rows
                     if held_dimension == dimension and held_area == area}
            if found:
                out[dimension] = {"area": area, "shares": found}
                break
    return out
