"""Dashboard views worked out from the records the landing view kept (app.analytics.records) give
exactly the figures their own database queries give, for every filter a commissioner can choose;
and the kept records are dropped as soon as the data changes."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.analytics import cache, records
from app.analytics.figures import compute
from app.analytics.filters import Filters, financial_year
from app.extensions import db
from app.models import Contact, Episode, OnwardReferral, PeerSupport, Practice, WellbeingMeasure
from tests import factories, snapshot


@pytest.fixture
def varied_service(app):
    """Two localities, four practices; 36 people referred over three financial years (some
    contacted, some discharged, some referred again later), with wellbeing measures, onward
    referrals, peer support, contacts and GP activity; and referrals still waiting or declined.
    Built once per worker and engine, copied into each later test's database (tests/snapshot.py)."""
    snapshot.built_once("varied_service", _build_varied_service)


def _build_varied_service() -> None:
    rng = random.Random(16)
    localities = [factories.locality("North"), factories.locality("South")]
    practices = [factories.practice(f"M8{i}001", locality_=localities[i % 2]) for i in range(4)]
    needs = ("loneliness", "housing", "debt", "low_mood", "food")
    edges = {0: date(2024, 4, 1), 1: date(2023, 3, 31), 2: date(2023, 4, 1)}  # either side of a year's end
    for i in range(36):
        referred_on = edges.get(i) or date(2022, 5, 1) + timedelta(days=rng.randint(0, 1000))
        contacted = referred_on + timedelta(days=rng.randint(2, 60)) if rng.random() < 0.8 else None
        discharged = contacted + timedelta(days=rng.randint(30, 200)) if contacted and rng.random() < 0.5 else None
        episode = factories.supported_person(practices[i % 4], referred_on=referred_on,
                                             needs=tuple(rng.sample(needs, rng.randint(1, 3))),
                                             born=date(1940 + rng.randint(0, 60), rng.randint(1, 12), 15),
                                             first_contact_on=contacted, discharged_on=discharged)
        if contacted:
            db.session.add(WellbeingMeasure(episode_id=episode.id, instrument="ons4", stage="baseline",
                                            taken_on=contacted, life_satisfaction=rng.randint(1, 6), worthwhile=5,
                                            happiness=4, anxiety=6))
            db.session.add(Contact(episode_id=episode.id, kind="home_visit", status="held", contact_on=contacted,
                                   duration_minutes=60))
            db.session.add(OnwardReferral(episode_id=episode.id, organisation_name=f"Group {i % 5}",
                                          sector=rng.choice(["voluntary", "community", "faith"]), kind="linkage",
                                          status=rng.choice(["made", "attending"])))
        if discharged:
            db.session.add(WellbeingMeasure(episode_id=episode.id, instrument="ons4", stage="discharge",
                                            taken_on=discharged, life_satisfaction=rng.randint(3, 9), worthwhile=6,
                                            happiness=6, anxiety=3))
            if i % 3 == 0:
                db.session.add(PeerSupport(episode_id=episode.id, kind="peer_activity", started_on=discharged,
                                           where="Walking group"))
        for months in (-9, -3, 2, 8):
            factories.activity(episode.person, referred_on + timedelta(days=30 * months), "gp_surgery",
                               rng.randint(1, 4))
        if discharged and i % 4 == 0:  # referred again later: the first episode is the one counted
            again = factories.referral(practices[(i + 1) % 4], nhs=episode.person.nhs_number, status="in_support")
            again.received_at = datetime.combine(discharged + timedelta(days=40), datetime.min.time())
            again.person = episode.person
            db.session.add(Episode(person=episode.person, referral=again, opened_at=again.received_at))
    for i, status in enumerate(("received", "declined", "received", "declined_by_person")):
        waiting = factories.referral(practices[i], status="received" if i == 3 else status,
                                     source="self" if i % 2 else "gp_practice")
        waiting.received_at = datetime(2024, 2, 1 + i, 9)
        if i == 3:  # the person said no before anyone was allocated
            waiting.status, waiting.decline_reason, waiting.person_declined_on = status, "No thanks", date(2024, 2, 9)
    db.session.commit()


def _views() -> list[Filters]:
    places = [{}, {"locality": "North"}, {"locality": "South"}] + [{"practice": f"M8{i}001"} for i in range(4)]
    periods = [{}] + [{"period": y, "start": financial_year(y)[0], "end": financial_year(y)[1]}
                      for y in ("2022-23", "2023-24", "2024-25", "2025-26")]
    return [Filters(**place, **period) for place in places for period in periods]


def _without_time(figures: dict) -> dict:
    return {key: value for key, value in figures.items() if key != "computed_at"}


def test_every_view_from_the_kept_records_equals_its_own_queries(varied_service):
    print_ = cache.fingerprint()
    compute(Filters(), fingerprint=print_)  # the landing view reads every record and keeps them
    assert records.kept(print_) is not None
    for view in _views():
        from_queries = compute(view)
        from_records = compute(view, fingerprint=print_)
        assert _without_time(from_records) == _without_time(from_queries), view
    south = compute(Filters(locality="South"), fingerprint=print_)
    assert south["flow"]["referred"] > 0 and south["report"] is not None


def test_kept_records_are_dropped_when_the_data_changes(varied_service):
    before = cache.fingerprint()
    compute(Filters(), fingerprint=before)
    assert records.kept(before) is not None
    north = Filters(locality="North")
    counted = compute(north, fingerprint=before)["flow"]["referred"]
    factories.referral(db.session.scalar(select(Practice).where(Practice.ods_code == "M80001")))
    after = cache.fingerprint()
    assert after != before
    assert records.kept(after) is None and records.kept(before) is None  # dropped once asked with the new print
    # Nothing kept: the view is read from the database, and counts the new referral.
    figures = compute(north, fingerprint=after)
    assert figures["flow"]["referred"] == counted + 1
    assert _without_time(figures) == _without_time(compute(north))
