"""The dashboard's referral counts from one read of the filtered referrals
(app.analytics.referral_ledger): the flow, referrals per month, by source and the needs ticked
together, on four referrals whose answers are worked out by hand."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.analytics import counts, referral_ledger
from app.analytics.figures import compute
from app.analytics.filters import Filters
from app.extensions import db
from tests import factories


@pytest.fixture()
def four_referrals(app):
    """North (practice Y0NRTH): Ada in January (loneliness, housing, debt), Ben in January
    (housing, debt), Ada again in March, referring herself (loneliness).  South (Y0STH):
    Cal in February, from the council (debt, housing, loneliness), accepted and contacted."""
    north = factories.practice("Y0NRTH", locality_=factories.locality("North"))
    south = factories.practice("Y0STH", locality_=factories.locality("South"))
    ada = factories.nhs_number(901)
    made = [
        factories.referral(north, nhs=ada, needs=("loneliness", "housing", "debt")),
        factories.referral(north, needs=("housing", "debt")),
        factories.referral(north, nhs=ada, needs=("loneliness",), source="self"),
        factories.referral(south, needs=("debt", "housing", "loneliness"), source="council",
                           source_organisation="Dudley Council housing"),
    ]
    for item, day in zip(made, (date(2026, 1, 5), date(2026, 1, 30), date(2026, 3, 2), date(2026, 2, 14))):
        item.received_at = datetime.combine(day, datetime.min.time().replace(hour=10))
    db.session.commit()
    factories.episode(referral_=made[3], status="in_support", first_contact_on=date(2026, 2, 20))
    return made


def test_flow_counts_people_once_however_often_they_are_referred(four_referrals):
    rows = referral_ledger.read(Filters())
    assert len(rows) == 4
    # Ada twice, Ben, Cal: three people; only Cal accepted and contacted; nobody discharged or declined.
    assert referral_ledger.flow(rows) == {"referred": 3, "accepted": 1, "supported": 1, "discharged": 0,
                                          "declined_by_person": 0}
    assert "nhs_number" not in rows.columns and not rows.isin([four_referrals[0].nhs_number]).any().any()


def test_referrals_per_month_by_locality_then_by_practice_with_empty_months_shown(four_referrals):
    everything = Filters()
    assert referral_ledger.by_month(referral_ledger.read(everything), everything) == {
        "by": "locality", "months": ["2026-01", "2026-02", "2026-03"], "groups": ["North", "South"],
        "counts": [[2, 0], [0, 1], [1, 0]]}
    north = Filters(locality="North")
    assert counts.referrals_by_month(north) == {"by": "practice", "months": ["2026-01", "2026-02", "2026-03"],
                                                "groups": ["Y0NRTH"], "counts": [[2], [0], [1]]}


def test_referrals_by_source_list_every_source(four_referrals):
    assert referral_ledger.by_source(referral_ledger.read(Filters())) == {
        "gp_practice": 2, "self": 1, "family_or_carer": 0, "council": 1, "voluntary_organisation": 0,
        "hospital": 0, "other_nhs": 0}


def test_needs_and_the_pairs_ticked_together_most_often_first_then_by_name(four_referrals):
    found = counts.needs(Filters())
    assert found["referrals"] == 4
    assert {area: n for area, n in found["areas"].items() if n} == {"loneliness": 3, "housing": 3, "debt": 3}
    # debt+housing on Ada's first, Ben's and Cal's; debt+loneliness and housing+loneliness on Ada's first and Cal's.
    assert found["pairs"] == [["debt", "housing", 3], ["debt", "loneliness", 2], ["housing", "loneliness", 2]]
    assert counts.needs(Filters(locality="South"), referrals=1)["pairs"] == [
        ["debt", "housing", 1], ["debt", "loneliness", 1], ["housing", "loneliness", 1]]


def test_the_dashboards_figures_use_the_same_counts(four_referrals):
    figures = compute(Filters(locality="North"))
    assert figures["flow"]["referred"] == 2 and figures["flow"]["accepted"] == 0
    assert figures["referral_sources"]["self"] == 1 and figures["referral_sources"]["council"] == 0
    assert figures["needs"]["referrals"] == 3
    assert figures["needs"]["pairs"] == [["debt", "housing", 2], ["debt", "loneliness", 1],
                                         ["housing", "loneliness", 1]]
