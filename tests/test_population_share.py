"""The local population's share of each group (`flask import population`) and the reach tables'
"Local population %" column: errors named by row and column, all or nothing, idempotent, the
filter's area chosen practice → locality → all, and no column when nothing was imported."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.analytics import cache, figures, reach_tables
from app.analytics.filters import Filters
from app.extensions import db
from app.models.population import PopulationShare
from app.services.population import SharesRejected, import_shares, parse
from tests import factories

HEADER = b"area,dimension,group,share\n"


def _place():
    factories.practice("M80001", locality_=factories.locality("Stourbridge"))
    factories.practice("M80002", locality_=factories.locality("Halesowen"))


def _held() -> dict:
    return {(r.area, r.dimension, r.group_label): Decimal(r.share) for r in db.session.scalars(select(PopulationShare))}


@pytest.mark.parametrize("line,problem", [
    (b"Nowhere,sex,Female,50\n", "row 2, column area: 'Nowhere' is not"),
    (b"all,gender,Female,50\n", "row 2, column dimension: 'gender' is not one of"),
    (b"all,sex,Woman,50\n", "row 2, column group: 'Woman' is not a sex group"),
    (b"all,sex,Female,fifty\n", "row 2, column share: 'fifty' is not a number from 0 to 100"),
    (b"all,sex,Female,100.1\n", "row 2, column share: '100.1' is not a number from 0 to 100"),
    (b"all,sex,Female,-1\n", "row 2, column share: '-1' is not a number"),
    (b"all,sex,Female,nan\n", "row 2, column share: 'nan' is not a number"),
    (b"all,sex,Female,50\nall,sex,female,40\n", "row 3, column group: all sex 'Female' is already given at row 2"),
    (b"all,sex,Female,60\nall,sex,Male,40.6\n", "row 3, column share: all sex shares add up to 100.6%"),
])
def test_import_errors_name_row_and_column(app, line, problem):
    _place()
    with pytest.raises(SharesRejected) as rejected:
        parse(HEADER + line)
    assert any(p.startswith(problem) for p in rejected.value.problems), rejected.value.problems


def test_import_header_without_share_is_refused(app):
    with pytest.raises(SharesRejected) as rejected:
        parse(b"area,dimension,group\nall,sex,Female\n")
    assert rejected.value.problems == ["row 1: the header has no share column"]


def test_import_shares_up_to_100_5_are_accepted_as_rounding(app):
    _place()
    # 60.3 + 40.2 = 100.5: rounding, accepted; a hyphen stands for the en dash; ODS case ignored.
    shares = parse(HEADER + b"m80001,sex,Female,60.3\nM80001,sex,Male,40.2\nall,age_band,18-34,20.04\n")
    assert shares == {("M80001", "sex", "Female"): Decimal("60.3"), ("M80001", "sex", "Male"): Decimal("40.2"),
                      ("all", "age_band", "18–34"): Decimal("20.0")}


def test_import_is_all_or_nothing(app):
    _place()
    import_shares(by=None, content=HEADER + b"all,sex,Female,51\n")
    with pytest.raises(SharesRejected) as rejected:
        import_shares(by=None, content=HEADER + b"all,sex,Female,52\nall,sex,Male,48\nStourbridge,sex,Male,x\n")
    assert [p.split(":")[0] for p in rejected.value.problems] == ["row 4, column share"]
    db.session.rollback()
    assert _held() == {("all", "sex", "Female"): Decimal("51.0")}


def test_import_is_idempotent_and_replaces_an_area_dimension(app):
    _place()
    content = HEADER + b"all,sex,Female,51\nall,sex,Male,49\nStourbridge,sex,Female,52.5\n"
    first = import_shares(by=None, content=content)
    assert (first.inserted, first.updated, first.unchanged, first.removed) == (3, 0, 0, 0)
    before = cache.fingerprint()
    again = import_shares(by=None, content=content)
    assert (again.inserted, again.updated, again.unchanged, again.removed) == (0, 0, 3, 0)
    assert cache.fingerprint() == before  # nothing changed, so the cached figures stand
    # A new file for all/sex: Female changes, Male goes (not in the file); Stourbridge is kept.
    third = import_shares(by=None, content=HEADER + b"all,sex,Female,50.5\nall,sex,Not stated,1\n")
    assert (third.inserted, third.updated, third.unchanged, third.removed) == (1, 1, 0, 1)
    assert _held() == {("all", "sex", "Female"): Decimal("50.5"), ("all", "sex", "Not stated"): Decimal("1.0"),
                       ("Stourbridge", "sex", "Female"): Decimal("52.5")}
    assert cache.fingerprint() != before  # the dashboard recomputes


def test_cli_import_population_reports_and_refuses(app, runner, tmp_path):
    _place()
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(HEADER + b"all,sex,Female,51\n")
    bad.write_bytes(HEADER + b"all,sex,Female,151\n")
    result = runner.invoke(args=["import", "population", str(good)])
    assert result.exit_code == 0 and "1 new" in result.output
    result = runner.invoke(args=["import", "population", str(bad)])
    assert result.exit_code != 0 and "row 2, column share" in result.output
    assert _held() == {("all", "sex", "Female"): Decimal("51.0")}


def _sex_rows(table) -> dict:
    return {row[0]: row for row in table.rows}


def _world():
    """Six women and five men referred at M80001 (Stourbridge); shares for the practice's sex,
    Stourbridge's sex and age, and everyone's ethnic group."""
    _place()
    practice = db.session.scalar(select(factories.Practice).where(factories.Practice.ods_code == "M80001"))
    for sex in ["female"] * 6 + ["male"] * 5:
        factories.referral(practice, sex=sex)
    import_shares(by=None, content=HEADER + b"M80001,sex,Female,52.4\nM80001,sex,Male,47.6\n"
                  b"Stourbridge,sex,Female,50\nStourbridge,sex,Male,50\nStourbridge,age_band,80+,6.1\n"
                  b"all,ethnic_group,White,88.2\nall,sex,Female,51\n")


def test_column_shows_the_practice_shares_beside_referrals(app):
    _world()
    tables = reach_tables.all_tables(figures.compute(Filters(practice="M80001")))
    sex = tables["reach_sex"]
    labels = [c.label for c in sex.columns]
    assert labels[1:4] == ["Referrals", "% of referrals", "Local population %"]
    rows = _sex_rows(sex)
    # 6 of 11 referrals are women (54.5%), beside 52.4% of the practice's list; 5 of 11 men (45.5%).
    assert rows["Female"][1:4] == [6, 54.5, 52.4]
    assert rows["Male"][1:3] == [5, 45.5]
    assert rows["Male"][3] == 47.6 and rows["In another way"][3] is None
    assert rows["Total"][3] == 100.0
    assert "M80001" in sex.note
    # Age: no practice rows, so the practice's locality; ethnic group: neither, so everyone's.
    assert _sex_rows(tables["reach_age_band"])["80+"][3] == 6.1 and "Stourbridge" in tables["reach_age_band"].note
    assert _sex_rows(tables["reach_ethnic_group"])["White"][3] == 88.2
    assert "whole area" in tables["reach_ethnic_group"].note
    # IMD quintile: no shares anywhere, so no column.
    assert "Local population %" not in [c.label for c in tables["reach_imd_quintile"].columns]


def test_column_falls_back_to_locality_then_all(app):
    _world()
    by_locality = reach_tables.all_tables(figures.compute(Filters(locality="Stourbridge")))["reach_sex"]
    assert _sex_rows(by_locality)["Female"][3] == 50.0
    other = reach_tables.all_tables(figures.compute(Filters(locality="Halesowen")))["reach_sex"]
    assert _sex_rows(other)["Female"][3] == 51.0 and _sex_rows(other)["Male"][3] is None
    everyone = reach_tables.all_tables(figures.compute(Filters()))["reach_sex"]
    assert _sex_rows(everyone)["Female"][3] == 51.0


def test_no_column_when_nothing_imported(app):
    _place()
    tables = reach_tables.all_tables(figures.compute(Filters(practice="M80001")))
    for name in ("reach_imd_quintile", "reach_ethnic_group", "reach_sex", "reach_age_band"):
        assert "Local population %" not in [c.label for c in tables[name].columns]
        assert "Local population" not in tables[name].note
