"""The comparison cohort in the database: pseudonymised, all or nothing, idempotent, and a person
referred later leaves it (CONTRACT.md §6, issue 16)."""
from __future__ import annotations

import json
import logging
from datetime import date

import pytest
from sqlalchemy import String, Text, func, select

from app.extensions import db
from app.models import Activity, AuditEvent
from app.models.base import uk_today
from app.models.comparison import ComparisonActivity, ComparisonCohort, ComparisonMember, ComparisonPerson
from app.services.activity_import import import_extract
from app.services.comparison import CohortRejected, import_cohort
from app.services.pseudonyms import pseudonym
from tests import factories

ACTIVITY = "person_id,date,activity_type,count,sex,year_of_birth\n"
COHORT = "person_id,referral_date,sex,year_of_birth,practice_code\n"


def _stranger(i: int) -> str:
    return factories.nhs_number(55_000 + i)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def practice(app):
    return factories.practice("M81001")


def test_a_cohort_is_stored_under_keyed_hashes_with_its_details(app, practice):
    a, b = _stranger(1), _stranger(2)
    spaced = f"{a[:3]} {a[3:6]} {a[6:]}"
    outcome = import_cohort(by=None, content=(COHORT + f"{spaced},2024-03-04,Female,1951,m81001\n"
                                              f"{b},2024-05-11,,,\n").encode(), filename="cohort.csv")
    assert (outcome.rows, outcome.members, outcome.unchanged) == (2, 2, False)
    people = {p.pseudonym: p for p in db.session.scalars(select(ComparisonPerson))}
    assert set(people) == {pseudonym(a), pseudonym(b)}
    assert all(len(key) == 64 and a not in key and b not in key for key in people)
    first = people[pseudonym(a)]
    assert (first.sex, first.year_of_birth, first.practice_id) == ("female", 1951, practice.id)
    assert (people[pseudonym(b)].sex, people[pseudonym(b)].year_of_birth) == (None, None)
    anchors = sorted(db.session.scalars(select(ComparisonMember.anchor_date)))
    assert anchors == [date(2024, 3, 4), date(2024, 5, 11)]
    cohort = db.session.scalar(select(ComparisonCohort))
    assert (cohort.kind, cohort.members, cohort.filename, len(cohort.file_sha256)) == ("import", 2, "cohort.csv", 64)


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row_and_column(app, practice):
    good = _stranger(1)
    content = (COHORT + f"{good},2024-03-04,female,1951,M81001\n"
               f"12345,2024-03-04,,,\n"
               f"{_stranger(2)},2024-02-30,,,\n"
               f"{_stranger(3)},2024-03-04,dog,1800,ZZZ99\n"
               f"{good},2024-04-04,,,\n").encode()
    with pytest.raises(CohortRejected) as caught:
        import_cohort(by=None, content=content)
    db.session.rollback()
    assert caught.value.problems == [
        "row 3, column person_id: NHS number must be 10 digits, like 999 123 4560",
        "row 4, column referral_date: '2024-02-30' is not a date in the form YYYY-MM-DD",
        "row 5, column sex: 'dog' is not one of female, male, other, not_stated (or blank)",
        f"row 5, column year_of_birth: '1800' is not a year of birth from 1880 to {uk_today().year}",
        "row 5, column practice_code: 'ZZZ99' is not a practice the service knows",
        "row 6, column person_id: this NHS number is already on row 2",
    ]
    assert (_count(ComparisonPerson), _count(ComparisonMember), _count(ComparisonCohort)) == (0, 0, 0)


def test_a_file_without_the_required_columns_is_refused(app):
    with pytest.raises(CohortRejected) as caught:
        import_cohort(by=None, content=b"nhs,date\n1,2\n")
    assert caught.value.problems == ["row 1: the header has no person_id, referral_date column"]


def test_importing_the_same_cohort_again_in_any_row_order_changes_nothing(app, practice):
    rows = [f"{_stranger(i)},2024-0{i}-01,male,195{i},M81001\n" for i in range(1, 4)]
    import_cohort(by=None, content=(COHORT + "".join(rows)).encode())
    events = _count(AuditEvent)
    again = import_cohort(by=None, content=(COHORT + "".join(reversed(rows))).encode())
    assert again.unchanged and again.members == 3
    assert (_count(ComparisonCohort), _count(ComparisonMember), _count(ComparisonPerson)) == (1, 3, 3)
    assert _count(AuditEvent) == events
    # A different cohort is a new record, and becomes the one in use.
    changed = import_cohort(by=None, content=(COHORT + "".join(rows[:2])).encode())
    assert not changed.unchanged and _count(ComparisonCohort) == 2


@pytest.mark.parametrize("cohort_first", [True, False])
def test_extract_rows_of_unreferred_people_are_kept_under_the_hash_before_or_after_the_cohort(
        app, practice, cohort_first):
    person = factories.supported_person(practice, referred_on=date(2024, 1, 10)).person
    stranger = _stranger(5)
    extract = (ACTIVITY + f"{person.nhs_number},2024-02-01,gp_surgery,1,,\n"
               f"{stranger},2023-06-01,gp_surgery,3,female,1950\n{stranger},2024-06-01,gp_telephone,1,,\n").encode()
    cohort = (COHORT + f"{stranger},2024-01-01,,,\n").encode()
    if cohort_first:
        import_cohort(by=None, content=cohort)
    outcome = import_extract(by=None, content=extract, practice=practice)
    if not cohort_first:
        import_cohort(by=None, content=cohort)
    assert (outcome.matched_rows, outcome.unmatched_rows, outcome.comparison_rows, outcome.comparison_people) == \
        (1, 2, 2, 1)
    only = db.session.scalar(select(ComparisonPerson))
    assert _count(ComparisonPerson) == 1
    assert (only.pseudonym, only.sex, only.year_of_birth, only.practice_id) == (pseudonym(stranger), "female", 1950,
                                                                              practice.id)
    rows = sorted(db.session.execute(select(ComparisonActivity.activity_date, ComparisonActivity.activity_type,
                                            ComparisonActivity.count)).all())
    assert rows == [(date(2023, 6, 1), "gp_surgery", 3), (date(2024, 6, 1), "gp_telephone", 1)]
    assert _count(Activity) == 1
    # The same extract again replaces nothing and adds nothing.
    import_extract(by=None, content=extract, practice=practice)
    assert _count(ComparisonActivity) == 2


def test_a_bad_sex_or_year_of_birth_in_an_extract_is_a_row_error(app, practice):
    from app.services.activity_import import ExtractRejected

    with pytest.raises(ExtractRejected) as caught:
        import_extract(by=None, content=(ACTIVITY + f"{_stranger(1)},2024-02-01,gp_surgery,1,x,19\n").encode())
    db.session.rollback()
    assert caught.value.problems == [
        "row 2, column sex: 'x' is not one of female, male, other, not_stated (or blank)",
        f"row 2, column year_of_birth: '19' is not a year of birth from 1880 to {uk_today().year}"]
    assert _count(ComparisonActivity) == 0


def test_people_already_referred_are_left_out_of_an_imported_cohort(app, practice):
    person = factories.supported_person(practice, referred_on=date(2024, 1, 10)).person
    outcome = import_cohort(by=None, content=(COHORT + f"{person.nhs_number},2024-01-01,,,\n"
                                              f"{_stranger(1)},2024-01-01,,,\n").encode())
    assert (outcome.members, outcome.left_out_referred) == (1, 1)
    assert pseudonym(person.nhs_number) not in set(db.session.scalars(select(ComparisonPerson.pseudonym)))


def test_a_person_referred_later_leaves_the_cohort_and_keeps_their_activity(app, practice):
    from app.analytics import comparison_source

    later = _stranger(9)
    import_extract(by=None, content=(ACTIVITY + f"{later},2023-11-01,gp_surgery,2,male,1960\n").encode(),
                   practice=practice)
    import_cohort(by=None, content=(COHORT + f"{later},2024-01-01,,,\n{_stranger(10)},2024-01-01,,,\n").encode())
    cohort = comparison_source.current_cohort()
    assert len(comparison_source.members(cohort.id)) == 2
    # Referred now: out of the cohort at once, before any clean-up has run ...
    referral = factories.referral(practice, nhs=later)
    factories.episode(referral_=referral)
    assert len(comparison_source.members(cohort.id)) == 1
    # ... and the next import moves their pooled year into their own activity and forgets the pseudonym.
    import_extract(by=None, content=(ACTIVITY + f"{_stranger(11)},2024-02-01,gp_surgery,1,,\n").encode(),
                   practice=practice)
    assert pseudonym(later) not in set(db.session.scalars(select(ComparisonPerson.pseudonym)))
    person_id = referral.person_id if hasattr(referral, "person_id") and referral.person_id else None
    held = db.session.execute(select(Activity.person_id, Activity.activity_date, Activity.count)).all()
    assert [(row.activity_date, row.count) for row in held] == [(date(2023, 11, 1), 2)]
    if person_id:
        assert held[0].person_id == person_id


def _dump_text(session) -> str:
    """Every text column of every table, as one string (the 'database dump' of the issue)."""
    parts = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
        if columns:
            for row in session.execute(select(*columns)):
                parts.extend(str(value) for value in row if value is not None)
    return "\n".join(parts)


def test_nhs_numbers_of_comparison_people_appear_nowhere(app, practice, runner, caplog, tmp_path):
    from app.analytics.comparison import export_frames

    caplog.set_level(logging.DEBUG)
    referred = [factories.supported_person(practice, referred_on=date(2024, 1, 10), born=date(1950, 3, 1)).person
                for _ in range(3)]
    strangers = [_stranger(i) for i in range(20, 26)]
    lines = [f"{p.nhs_number},2023-{m:02d}-01,gp_surgery,{m % 3 + 1},," for p in referred for m in (3, 6, 9)]
    lines += [f"{s},2023-{m:02d}-01,gp_surgery,{m % 3 + 1},female,1950" for s in strangers for m in (3, 6, 9)]
    lines += [f"{s},2024-{m:02d}-01,gp_surgery,1,," for s in strangers + [p.nhs_number for p in referred]
              for m in (3, 6)]
    for person in referred:
        person.sex = "female"
    db.session.commit()
    import_extract(by=None, content=(ACTIVITY + "\n".join(lines) + "\n").encode(), practice=practice,
                   filename="extract.csv")
    import_cohort(by=None, content=(COHORT + "".join(f"{s},2024-01-10,female,1950,M81001\n"
                                                     for s in strangers[:3])).encode(), filename="cohort.csv")
    matched = runner.invoke(args=["comparison", "match", "--per-person", "1", "--caliper", "5"])
    assert matched.exit_code == 0, matched.output
    report = runner.invoke(args=["outcomes", "report", "--format", "json"])
    text = runner.invoke(args=["outcomes", "report"])
    assert report.exit_code == 0, report.output
    exported = []
    for name, frame in export_frames().items():
        path = tmp_path / f"{name}.csv"
        frame.to_csv(path, index=False)
        exported.append(path.read_text())
    dump = _dump_text(db.session)
    everything = "\n".join([dump, caplog.text, matched.output, report.output, text.output, *exported])
    for number in strangers:
        for form in (number, f"{number[:3]} {number[3:6]} {number[6:]}"):
            assert form not in everything
    assert "3 of 3 referred people matched" in matched.output
    assert json.loads(report.output)["comparison"]["people"]["referred"] == 3


def test_a_match_that_finds_nobody_changes_nothing_and_says_why(app, practice, runner):
    import_cohort(by=None, content=(COHORT + f"{_stranger(1)},2024-01-01,female,1950,M81001\n").encode())
    result = runner.invoke(args=["comparison", "match"])
    assert result.exit_code != 0
    assert "No referred person found a match" in result.output and "nothing changed" in result.output
    assert (_count(ComparisonCohort), _count(ComparisonMember)) == (1, 1)


def test_flask_import_comparison_imports_a_good_file_and_lists_each_problem_of_a_bad_one(
        app, practice, runner, tmp_path):
    good, bad = tmp_path / "cohort.csv", tmp_path / "bad.csv"
    good.write_text(COHORT + f"{_stranger(40)},2024-03-04,female,1951,M81001\n{_stranger(41)},2024-05-11,,,\n")
    bad.write_text(COHORT + f"{_stranger(42)},2024-02-30,,,\n12345,2024-03-04,,,\n")
    result = runner.invoke(args=["import", "comparison", str(good)])
    assert result.exit_code == 0, result.output
    assert "cohort.csv: 2 rows read: a comparison cohort of 2 people is now in use." in result.output
    refused = runner.invoke(args=["import", "comparison", str(bad)])
    assert refused.exit_code == 1
    assert "bad.csv: row 2" in refused.output and "bad.csv: row 3" in refused.output
    assert "Nothing was imported: the file has 2 problems" in refused.output
    assert _count(ComparisonMember) == 2  # the good cohort, untouched
    missing = runner.invoke(args=["import", "comparison", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1 and "no such file" in missing.output
