"""Practice activity extracts: all or nothing, every bad row named, never counted twice."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Activity
from app.models.activity import ActivityImport
from app.security import Role
from app.services.activity_import import ExtractRejected, import_extract
from tests import factories

HEADER = "person_id,date,activity_type,count\n"


def _person(practice=None, index: int = 1):
    referral = factories.referral(practice, nhs=factories.nhs_number(index))
    return factories.episode(referral_=referral).person


def _rows() -> list[tuple]:
    return sorted(db.session.execute(select(Activity.person_id, Activity.activity_date, Activity.activity_type,
                                            Activity.count)).all())


def test_rows_are_matched_by_nhs_number_and_unknown_people_dropped(app):
    person = _person(index=1)
    spaced = f"{person.nhs_number[:3]} {person.nhs_number[3:6]} {person.nhs_number[6:]}"
    stranger = factories.nhs_number(2)
    content = (HEADER + f"{spaced},2025-03-04,gp_surgery,1\n{person.nhs_number},2025-03-11,gp_telephone,2\n"
               f"{stranger},2025-03-04,gp_surgery,5\n").encode()
    outcome = import_extract(by=None, content=content)
    assert (outcome.rows, outcome.matched_rows, outcome.unmatched_rows, outcome.inserted) == (3, 2, 1, 2)
    assert _rows() == [(person.id, date(2025, 3, 4), "gp_surgery", 1), (person.id, date(2025, 3, 11), "gp_telephone", 2)]


def test_reimporting_the_same_extract_changes_nothing(app):
    person = _person()
    content = (HEADER + f"{person.nhs_number},2025-03-04,gp_surgery,1\n"
               f"{person.nhs_number},2025-03-05,gp_home_visit,\n").encode()
    import_extract(by=None, content=content)
    first = _rows()
    again = import_extract(by=None, content=content)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert _rows() == first


def test_an_overlapping_extract_replaces_counts_and_adds_only_new_days(app):
    person = _person()
    n = person.nhs_number
    import_extract(by=None, content=(HEADER + f"{n},2025-03-04,gp_surgery,1\n{n},2025-03-05,gp_surgery,1\n").encode())
    overlap = import_extract(by=None, content=(HEADER + f"{n},2025-03-05,gp_surgery,3\n{n},2025-03-06,gp_surgery,1\n").encode())
    assert (overlap.inserted, overlap.updated, overlap.unchanged) == (1, 1, 0)
    assert [(r[1].day, r[3]) for r in _rows()] == [(4, 1), (5, 3), (6, 1)]
    assert db.session.scalar(select(func.sum(Activity.count))) == 5


def test_a_key_split_over_several_rows_is_summed_once(app):
    person = _person()
    n = person.nhs_number
    import_extract(by=None, content=(HEADER + f"{n},2025-03-04,gp_surgery,1\n{n},2025-03-04,gp_surgery,2\n").encode())
    assert _rows() == [(person.id, date(2025, 3, 4), "gp_surgery", 3)]


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(app):
    person = _person()
    n = person.nhs_number
    content = (HEADER + f"{n},2025-03-04,gp_surgery,1\n{n},2025-13-01,gp_surgery,1\n"
               f"{n},2025-03-06,dentist,1\n{n},2025-03-07,gp_surgery,0\n12345,2025-03-08,gp_surgery,1\n").encode()
    with pytest.raises(ExtractRejected) as caught:
        import_extract(by=None, content=content)
    db.session.rollback()
    assert caught.value.problems == [
        "row 3, column date: '2025-13-01' is not a date in the form YYYY-MM-DD",
        "row 4, column activity_type: 'dentist' is not one of gp_surgery, gp_home_visit, gp_telephone, "
        "practice_nurse, ae_attendance, emergency_admission, outpatient",
        "row 5, column count: '0' is not a whole number of 1 or more",
        "row 6, column person_id: NHS number must be 10 digits, like 999 123 4560",
    ]
    assert _rows() == []


def test_a_missing_column_and_an_empty_file_are_refused(app):
    with pytest.raises(ExtractRejected, match="problem") as missing:
        import_extract(by=None, content=b"person_id,date,count\n9990000018,2025-01-01,1\n")
    assert missing.value.problems == ["row 1: the header has no activity_type column"]
    with pytest.raises(ExtractRejected) as empty:
        import_extract(by=None, content=b"")
    assert "empty" in empty.value.problems[0]


def test_a_practice_upload_keeps_only_its_own_patients(app, client, sign_in, no_csrf):
    mine, theirs = factories.practice(), factories.practice()
    own = _person(mine, index=11)
    other = _person(theirs, index=12)
    sign_in.as_role(Role.GP_PRACTICE, practice_=mine)
    content = (HEADER + f"{own.nhs_number},2025-03-04,gp_surgery,1\n{other.nhs_number},2025-03-04,gp_surgery,1\n")
    response = client.post("/activity/", data={"file": (io.BytesIO(content.encode()), "extract.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert _rows() == [(own.id, date(2025, 3, 4), "gp_surgery", 1)]
    page = client.get("/activity/").get_data(as_text=True)
    assert "extract.csv" in page and "1 for people known to the service" in page


def test_the_upload_page_lists_every_bad_row_and_keeps_nothing(app, client, sign_in, no_csrf):
    person = _person()
    sign_in.as_role(Role.MANAGER)
    content = HEADER + f"{person.nhs_number},2025-03-04,gp_surgery,1\n{person.nhs_number},04/03/2025,gp_surgery,1\n"
    response = client.post("/activity/", data={"file": (io.BytesIO(content.encode()), "bad.csv"), "practice_id": "0"},
                           content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert "Nothing was imported" in body
    assert "row 3, column date: &#39;04/03/2025&#39; is not a date in the form YYYY-MM-DD" in body
    assert _rows() == []


def test_uploading_twice_through_the_page_and_the_cli_leaves_the_same_rows(app, client, sign_in, runner, no_csrf, tmp_path):
    person = _person()
    content = HEADER + f"{person.nhs_number},2025-03-04,gp_surgery,2\n{person.nhs_number},2025-04-01,ae_attendance,1\n"
    sign_in.as_role(Role.MANAGER)
    for _ in range(2):
        client.post("/activity/", data={"file": (io.BytesIO(content.encode()), "x.csv"), "practice_id": "0"},
                    content_type="multipart/form-data")
    after_page = _rows()
    path = tmp_path / "extract.csv"
    path.write_text(content)
    for _ in range(2):
        result = runner.invoke(args=["import", "activity", str(path)])
        assert result.exit_code == 0, result.output
    assert "2 already held" in result.output
    assert _rows() == after_page and len(after_page) == 2


def test_the_cli_refuses_a_bad_file_naming_file_row_and_column(app, runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "9990000018,2025-03-04,gp_surgery,-1\n")
    result = runner.invoke(args=["import", "activity", str(path)])
    assert result.exit_code != 0
    assert "bad.csv: row 2, column count: '-1' is not a whole number of 1 or more" in result.output
    assert _rows() == []


def test_commissioners_and_officers_cannot_upload_activity(app, client, sign_in):
    for role in (Role.COMMISSIONER, Role.LINK_OFFICER, Role.ADMIN):
        sign_in.as_role(role)
        assert client.get("/activity/").status_code == 403
        sign_in.out()


def test_recent_uploads_group_their_counts_in_thousands(app, client, sign_in):
    db.session.add(ActivityImport(filename="big-extract.csv", rows=26029, matched_rows=2067, inserted=1949,
                                  updated=1012))
    db.session.commit()
    sign_in.as_role(Role.MANAGER)
    page = client.get("/activity/").get_data(as_text=True)
    row = page.split("big-extract.csv")[1].split("</tr>")[0]
    assert [cell.split("</span>")[-1] for cell in re.findall(r"heading\">\w+ </span>[\d,]+", row)] == [
        "26,029", "2,067", "1,949", "1,012"]
