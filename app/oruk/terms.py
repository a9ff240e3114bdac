"""Hearthlink's three taxonomies, published so that ORUK consumers can read our additions:
need areas (vocab.NeedArea), access routes (AccessRoute) and sectors (vocab.Sector).

Their ids are UUID5s of fixed names, so every Hearthlink installation publishes the same ids
and a round trip through export and import keeps them.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models.directory import AccessRoute
from app.models.directory_taxonomy import Taxonomy, TaxonomyTerm
from app.models.vocab import NeedArea, Sector

NAMESPACE = uuid.UUID("6d1c2f4e-3a8b-5c7d-9e0f-1a2b3c4d5e6f")


def stable_id(*parts: str) -> str:
    """A UUID5 from Hearthlink's namespace: the same parts always give the same id."""
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


@dataclass(frozen=True)
class OurTaxonomy:
    key: str
    name: str
    description: str
    link_type: str  # what the attribute describes: a service or an organization
    members: tuple  # (value, label) pairs

    @property
    def id(self) -> str:
        return stable_id("taxonomy", self.key)

    def term_id(self, value: str) -> str:
        return stable_id("taxonomy_term", self.key, value)


NEED_AREAS = OurTaxonomy("need_area", "Hearthlink need areas",
                         "The areas of life a social prescribing service helps with (health, home, purpose, community).",
                         "service", tuple((n.value, n.label) for n in NeedArea))
ACCESS_ROUTES = OurTaxonomy("access_route", "Hearthlink access routes",
                            "How a person gets into a service.", "service",
                            tuple((a.value, a.label) for a in AccessRoute))
SECTORS = OurTaxonomy("sector", "Hearthlink sectors", "The sector an organisation belongs to.",
                      "organization", tuple((s.value, s.label) for s in Sector))
OUR_TAXONOMIES = (NEED_AREAS, ACCESS_ROUTES, SECTORS)

# term id -> (taxonomy, value), for reading our attributes back in.
TERM_LOOKUP: dict[str, tuple[OurTaxonomy, str]] = {
    taxonomy.term_id(value): (taxonomy, value) for taxonomy in OUR_TAXONOMIES for value, _ in taxonomy.members}


def term_dict(taxonomy: OurTaxonomy, value: str) -> dict:
    label = dict(taxonomy.members)[value]
    return {"id": taxonomy.term_id(value), "name": label, "description": f"{taxonomy.name}: {label}",
            "taxonomy": taxonomy.name, "taxonomy_id": taxonomy.id, "code": value}


def attribute_dict(taxonomy: OurTaxonomy, value: str, link_id: str) -> dict:
    term_id = taxonomy.term_id(value)
    return {"id": stable_id("attribute", link_id, term_id), "link_id": link_id,
            "link_type": taxonomy.link_type, "taxonomy_term_id": term_id,
            "taxonomy_term": term_dict(taxonomy, value)}


def ensure_taxonomies() -> None:
    """Create or refresh our taxonomy and term rows (idempotent; the caller commits)."""
    existing = set(db.session.scalars(select(TaxonomyTerm.id).where(TaxonomyTerm.id.in_(TERM_LOOKUP))))
    for taxonomy in OUR_TAXONOMIES:
        if db.session.get(Taxonomy, taxonomy.id) is None:
            db.session.add(Taxonomy(id=taxonomy.id, name=taxonomy.name, description=taxonomy.description))
        for value, _ in taxonomy.members:
            if taxonomy.term_id(value) not in existing:
                term = term_dict(taxonomy, value)
                db.session.add(TaxonomyTerm(id=term["id"], name=term["name"], description=term["description"],
                                            code=value, taxonomy_id=taxonomy.id))
    db.session.flush()
