"""The demo generator fills caseloads with people at every stage, through the services."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import (Contact, Episode, Goal, HomeVisit, Need, OnwardReferral, PeerSupport, Referral,
                        WellbeingMeasure)
from app.models.base import utcnow
from app.models.vocab import VOLUNTARY_AND_COMMUNITY
from app.services import measures, visits


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_support_covers_every_stage(app):
    """(That loading again with --force changes none of it: tests/test_demo.py.)"""
    from seed import demo

    demo.load(people=50)
    statuses = set(db.session.scalars(select(Referral.status).distinct()))
    assert {"allocated", "first_contact", "in_support", "discharged"} <= statuses
    assert _count(Need) and _count(Goal) and _count(Contact)
    assert db.session.scalar(select(func.count(Need.id)).where(Need.from_referral.is_(False))) > 0

    overdue = db.session.scalars(visits.overdue(now=utcnow())).unique().all()
    assert len(overdue) == 1
    assert _count(HomeVisit) > 10

    sectors = db.session.scalars(select(OnwardReferral.sector)).all()
    share = sum(sector in VOLUNTARY_AND_COMMUNITY for sector in sectors) / len(sectors)
    assert share > 0.7
    assert db.session.scalar(select(func.count(OnwardReferral.id)).where(OnwardReferral.kind == "formal_referral")) > 0

    kinds = set(db.session.scalars(select(PeerSupport.kind).distinct()))
    assert kinds == {"peer_activity", "volunteering"}

    discharged = db.session.scalars(select(Episode).where(Episode.discharged_on.is_not(None))).all()
    assert discharged and all(e.discharge_summary for e in discharged)
    improved = [c for e in discharged for c in measures.changes(e.measures, "ucla3")]
    assert improved and sum(c.difference for c in improved) < 0, "loneliness falls on average"
    stages = set(db.session.scalars(select(WellbeingMeasure.stage).distinct()))
    assert {"baseline", "discharge"} <= stages
