"""A referral's ticked need areas and risks read the same whether it was just made or read back
from the database (the relationships load them sorted; a new collection is in the order added)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Referral
from tests import factories


def test_need_areas_and_risks_are_sorted_before_and_after_reading_back(app):
    session = db.session()
    kept, session.expire_on_commit = session.expire_on_commit, False
    try:
        made = factories.referral(needs=("loneliness", "housing", "debt"), risks=("others_in_home", "access", "dog"))
        fresh = (made.need_areas, made.risk_flags)  # the objects as made, not read back
    finally:
        session.expire_on_commit = kept
    assert fresh == (["debt", "housing", "loneliness"], ["access", "dog", "others_in_home"])
    db.session.expunge_all()
    read_back = db.session.scalar(select(Referral).where(Referral.id == made.id))
    assert (read_back.need_areas, read_back.risk_flags) == fresh
