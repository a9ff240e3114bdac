"""Who the service reaches: hand-built people give exact counts per group (app.analytics.reach)."""
from __future__ import annotations

from datetime import date, timedelta

from app.analytics import figures, reach_tables
from app.analytics.filters import Filters
from app.extensions import db
from app.models import DeprivationArea, WellbeingMeasure
from app.models.base import uk_today
from tests import factories

REFERRED = uk_today() - timedelta(days=500)


def _by_group(result: dict, dimension: str) -> dict:
    return {entry["group"]: entry for entry in result["reach"]["dimensions"][dimension]}


def _world():
    """Two supported people in IMD quintile 1, a referral from quintile 5 not yet accepted and one
    whose postcode is not in the lookup."""
    db.session.add_all([DeprivationArea(postcode="DY1 1AA", imd_decile=1), DeprivationArea(postcode="DY2 2BB", imd_decile=4),
                        DeprivationArea(postcode="B1 1AA", imd_decile=10)])
    db.session.commit()
    place = factories.practice("M80001")
    ada = factories.supported_person(place, referred_on=REFERRED, first_contact_on=REFERRED + timedelta(days=10))
    ada.person.sex, ada.person.ethnic_category, ada.person.postcode = "female", "H", "DY1 1AA"
    bob = factories.supported_person(place, referred_on=REFERRED, born=date(1990, 1, 1),
                                     first_contact_on=REFERRED + timedelta(days=20),
                                     discharged_on=REFERRED + timedelta(days=90))
    bob.person.sex, bob.person.ethnic_category, bob.person.postcode = "male", "A", "DY1 1AA"
    db.session.commit()
    # GP use: Ada 6 surgery visits before and 3 after; Bob 4 home visits before, 4 telephone after.
    factories.activity(ada.person, REFERRED - timedelta(days=30), "gp_surgery", 6)
    factories.activity(ada.person, REFERRED + timedelta(days=30), "gp_surgery", 3)
    factories.activity(ada.person, REFERRED + timedelta(days=40), "practice_nurse", 9)  # not GP use
    factories.activity(bob.person, REFERRED - timedelta(days=60), "gp_home_visit", 4)
    factories.activity(bob.person, REFERRED + timedelta(days=60), "gp_telephone", 4)
    factories.activity(bob.person, REFERRED + timedelta(days=380), "gp_surgery", 1)  # after the window: sets as_of
    for day, score in ((REFERRED + timedelta(days=10), 4), (REFERRED + timedelta(days=100), 7)):
        db.session.add(WellbeingMeasure(episode_id=ada.id, instrument="ons4", stage="baseline", taken_on=day,
                                        life_satisfaction=score, worthwhile=5, happiness=5, anxiety=5))
    db.session.commit()
    factories.referral(place, postcode="B1 1AA")
    factories.referral(place, postcode="ZZ9 9ZZ")
    return ada, bob


def test_counts_per_imd_quintile_are_exact(app):
    _world()
    result = figures.compute(Filters())
    quintiles = _by_group(result, "imd_quintile")
    first = quintiles["Quintile 1 (most deprived)"]
    assert (first["referrals"], first["accepted"], first["first_contact"], first["discharged"]) == (2, 2, 2, 1)
    assert first["median_wait_days"] == 15.0  # 10 and 20 days
    assert (first["gp_people"], first["gp_pre"], first["gp_post"]) == (2, 10, 7)
    assert (first["wellbeing_people"], first["wellbeing_change"]) == (1, 3.0)
    assert quintiles["Quintile 2"]["referrals"] == 0
    assert (quintiles["Quintile 5 (least deprived)"]["referrals"], quintiles["Quintile 5 (least deprived)"]["accepted"]) == (1, 0)
    assert quintiles["Postcode not in the lookup"]["referrals"] == 1
    assert (result["reach"]["most_deprived"], result["reach"]["known_quintile"], result["reach"]["referrals"]) == (2, 3, 4)


def test_not_stated_is_its_own_group_for_ethnicity_and_sex(app):
    _world()
    result = figures.compute(Filters())
    ethnic = _by_group(result, "ethnic_group")
    assert (ethnic["Asian or Asian British"]["referrals"], ethnic["White"]["referrals"],
            ethnic["Not stated"]["referrals"], ethnic["Black or Black British"]["referrals"]) == (1, 1, 2, 0)
    sex = _by_group(result, "sex")
    assert (sex["Female"]["referrals"], sex["Male"]["referrals"], sex["Not stated"]["referrals"]) == (1, 1, 2)
    assert (sex["Male"]["gp_pre"], sex["Male"]["gp_post"], sex["Male"]["discharged"]) == (4, 4, 1)


def test_age_band_is_the_age_on_the_referral_date(app):
    _world()
    ages = _by_group(figures.compute(Filters()), "age_band")
    # Born 17 May 1950: 65-79 on every referral date here; born 1 January 1990: 18-34 (or 35-49 from 2025).
    bob_band = "35–49" if REFERRED >= date(2025, 1, 1) else "18–34"
    assert ages["65–79"]["referrals"] == 3 and ages[bob_band]["referrals"] == 1
    assert ages[bob_band]["gp_people"] == 1 and ages["65–79"]["gp_people"] == 1


def test_a_change_of_address_moves_the_person_to_their_new_quintile(app):
    ada, _ = _world()
    ada.person.postcode = "B1 1AA"
    db.session.commit()
    quintiles = _by_group(figures.compute(Filters()), "imd_quintile")
    assert quintiles["Quintile 1 (most deprived)"]["referrals"] == 1 and quintiles["Quintile 5 (least deprived)"]["referrals"] == 2
    assert quintiles["Quintile 5 (least deprived)"]["gp_people"] == 1


def test_the_tables_suppress_groups_under_five(app):
    _world()
    tables = reach_tables.all_tables(figures.compute(Filters()))
    quintile = tables["reach_imd_quintile"]
    rows = {row[0]: row for row in quintile.rows}
    assert rows["Quintile 1 (most deprived)"][1] == "<5" and rows["Quintile 2"][1] == 0
    assert rows["Quintile 1 (most deprived)"][6] == "<5"  # the median wait of fewer than 5 people is hidden
    assert rows["Total"][1] == "<5"  # 4 referrals in all
    assert tables["reach_headline"].rows[0][1] == "<5"


def test_importing_a_deprivation_lookup_changes_the_cache_fingerprint(app):
    from app.analytics import cache

    before = cache.fingerprint()
    db.session.add(DeprivationArea(postcode="DY1 1AA", imd_decile=2))
    db.session.commit()
    changed = cache.fingerprint()
    db.session.get(DeprivationArea, "DY1 1AA").imd_decile = 9
    db.session.commit()
    assert len({before, changed, cache.fingerprint()}) == 3
