"""Same numbers by every route: the database report with a comparison cohort equals
``python -m outcomes --comparison`` on an export; the dashboard's estimates; the upload page."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.analytics.comparison import estimates, export_frames, report_with_comparison
from app.analytics.filters import Filters
from app.extensions import db
from app.models.comparison import ComparisonCohort, ComparisonMember
from app.security import Role
from app.services.activity_import import import_extract
from tests import factories

REPO = Path(__file__).resolve().parents[1]
ACTIVITY = "person_id,date,activity_type,count,sex,year_of_birth\n"
DB_ONLY_KEYS = {"balance", "comparison_cohort"}


def _stranger(i: int) -> str:
    return factories.nhs_number(56_000 + i)


@pytest.fixture
def world(app):
    """Six referred women born 1950 at one practice (referred 10 Jan 2024), their activity, and
    twelve unreferred women born 1950-52 whose extract rows carry sex and year of birth."""
    practice = factories.practice("M81001")
    lines = []
    for i in range(6):
        person = factories.supported_person(practice, referred_on=date(2024, 1, 10), born=date(1950, 3, 1)).person
        person.sex = "female"
        for month, count in ((3, 2 + i % 3), (9, 3), (15, 1 + i % 2), (20, 2)):
            year, m = 2023 + (month - 1) // 12, (month - 1) % 12 + 1
            lines.append(f"{person.nhs_number},{year}-{m:02d}-05,gp_surgery,{count},,")
        lines.append(f"{person.nhs_number},2024-04-05,gp_home_visit,1,,")
    lines.append(f"{person.nhs_number},2025-03-31,gp_surgery,1,,")  # sets as_of, after everyone's windows
    db.session.commit()
    for j in range(12):
        s = _stranger(j)
        lines.append(f"{s},2023-03-05,gp_surgery,{2 + j % 4},female,{1950 + j % 3}")
        lines.append(f"{s},2023-09-05,gp_telephone,{1 + j % 2},,")
        lines.append(f"{s},2024-05-05,gp_surgery,{3 + j % 3},,")
        lines.append(f"{s},2024-10-05,gp_surgery,{j % 2 + 1},,")
    import_extract(by=None, content=(ACTIVITY + "\n".join(lines) + "\n").encode(), practice=practice)
    return practice


def _export(folder: Path) -> dict[str, Path]:
    paths = {}
    for name, frame in export_frames().items():
        frame = frame.copy()
        for column in frame.columns:
            if str(frame[column].dtype).startswith("datetime64"):
                frame[column] = frame[column].dt.strftime("%Y-%m-%d")
        for column in ("life_satisfaction", "worthwhile", "happiness", "anxiety", "total"):
            if column in frame.columns:
                frame[column] = frame[column].astype("Int64")
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths


@pytest.mark.parametrize("options", [["--per-person", "2", "--caliper", "3"],
                                     ["--per-person", "3", "--caliper", "4", "--with-replacement"]])
def test_json_report_with_a_matched_cohort_equals_the_csv_engine(runner, world, tmp_path, options):
    matched = runner.invoke(args=["comparison", "match", *options])
    assert matched.exit_code == 0, matched.output
    ours = runner.invoke(args=["outcomes", "report", "--format", "json"])
    assert ours.exit_code == 0, ours.output
    report = json.loads(ours.output)
    paths = _export(tmp_path)
    engine = subprocess.run([sys.executable, "-m", "outcomes", "--format", "json",
                             *[arg for name, path in paths.items() for arg in (f"--{name}", str(path))]],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert engine.returncode == 0, engine.stderr
    theirs = json.loads(engine.stdout)
    assert {k: v for k, v in report.items() if k not in DB_ONLY_KEYS} == theirs
    members = db.session.scalar(select(func.count(ComparisonMember.id)))
    assert report["comparison"]["people"]["referred"] == members > 0
    assert set(report["difference_in_differences"]) >= {"gp_surgery"}
    assert report["balance"]["after"]["people"]["comparison"] == members
    assert report["balance"]["before"]["people"] == {"referred": 6, "comparison": 12}
    assert report["comparison_cohort"]["kind"] == "match"
    # Matching again with the same settings changes nothing.
    again = runner.invoke(args=["comparison", "match", *options])
    assert "nothing changed" in again.output
    assert db.session.scalar(select(func.count(ComparisonCohort.id))) == 1


def test_the_dashboard_estimates_equal_the_report_and_suppress_small_groups(runner, world):
    assert estimates() == {"available": False}
    assert runner.invoke(args=["comparison", "match", "--per-person", "2", "--caliper", "3"]).exit_code == 0
    full = report_with_comparison(windowed=False)
    shown = estimates()
    assert shown["available"] and not shown["suppressed"]
    assert shown["people"] == {"referred": full["people"]["included"],
                               "comparison": full["comparison"]["people"]["included"]}
    for kind, entry in shown["by_activity"].items():
        assert entry["did"] == full["difference_in_differences"].get(kind)
        if entry["plain"] is not None:
            assert entry["plain"]["reduction_pct"] == full["by_activity"][kind]["reduction_pct"]
    assert shown["total"]["did"] == full["difference_in_differences_total"]
    assert shown["headline_types"][0] == "gp_surgery"
    # A practice with nobody: a comparison group of 0 to 4 people shows no figure.
    other = factories.practice("M99999")
    small = estimates(Filters(practice=other.ods_code))
    assert small["suppressed"] and "by_activity" not in small


def test_a_view_nobody_opened_shows_the_plain_figures_at_once_and_the_fairer_estimate_when_ready(
        app, runner, world, client, sign_in):
    """With a cohort held, a never-opened view is not kept waiting for the difference in
    differences: its plain figures come at once, marked pending, and the stored figures (made in
    the background) carry both estimates, equal to the report's."""
    from app.analytics import refresh

    assert runner.invoke(args=["comparison", "match", "--per-person", "2", "--caliper", "3"]).exit_code == 0
    app.config["DASHBOARD_BACKGROUND_REFRESH"] = True
    sign_in.as_role(Role.COMMISSIONER)
    first = client.get(f"/dashboard/?practice={world.ods_code}").get_data(as_text=True)
    assert 'id="estimates-pending"' in first and "The fairer estimate for this view is being calculated" in first
    assert 'id="stale-note"' in first and "Records have changed" not in first
    assert f'data-hl-status="/dashboard/status?practice={world.ods_code}"' in first
    assert 'id="estimates-verdict"' not in first
    # Another view nobody opened, on the printable report (this one's may be ready by now).
    locality = world.locality.name.replace(" ", "+")
    report = client.get(f"/dashboard/report?locality={locality}").get_data(as_text=True)
    assert "The fairer estimate for this view is still being calculated" in report

    assert refresh.wait(timeout=120)
    assert client.get(f"/dashboard/status?practice={world.ods_code}").get_json()["fresh"] is True
    after = client.get(f"/dashboard/?practice={world.ods_code}").get_data(as_text=True)
    assert 'id="estimates-pending"' not in after and 'id="stale-note"' not in after
    assert 'id="estimates-verdict"' in after
    did = report_with_comparison(Filters(practice=world.ods_code))["difference_in_differences"]["gp_surgery"]
    assert f"{abs(did['did_per_person']):.2f}" in after


def test_the_plain_figures_of_a_view_being_calculated_are_made_once(app, runner, world, monkeypatch):
    """Visits before the background has stored the whole figures get the plain ones kept from
    the first visit, not a new calculation each."""
    from app.analytics import figures, refresh

    assert runner.invoke(args=["comparison", "match", "--per-person", "2", "--caliper", "3"]).exit_code == 0
    app.config["DASHBOARD_BACKGROUND_REFRESH"] = True
    asked, made = [], []
    monkeypatch.setattr(refresh, "request", lambda application, filters: asked.append(filters.key()))
    real = figures.compute
    monkeypatch.setattr(figures, "compute", lambda filters, **kw: made.append(kw) or real(filters, **kw))
    view = Filters(practice=world.ods_code)
    first, second = figures.figures_for(view, stale_ok=True), figures.figures_for(view, stale_ok=True)
    assert first == second and first["estimates_pending"] and first["estimates"]["pending"]
    # Each visit asks for the view's whole figures, then (nothing kept here: read row by row) for
    # the landing view, which keeps and stores the records for the next view.
    landing = Filters().key()
    assert [kw["with_comparison"] for kw in made] == [False] and asked == [view.key(), landing] * 2
    whole = figures.figures_for(view)  # what the background does: the whole figures, stored
    assert "estimates_pending" not in whole and whole["estimates"]["available"]
    assert figures.figures_for(view, stale_ok=True) == whole


def test_a_view_with_nobody_referred_says_there_is_nobody_to_compare_not_that_no_cohort_is_held(
        app, runner, world, client, sign_in):
    from app.analytics import figures

    assert runner.invoke(args=["comparison", "match", "--per-person", "2", "--caliper", "3"]).exit_code == 0
    app.config["DASHBOARD_BACKGROUND_REFRESH"] = True
    empty = factories.practice("M99998")
    shown = figures.figures_for(Filters(practice=empty.ods_code), stale_ok=True)
    assert shown["estimates"]["suppressed"] and "estimates_pending" not in shown  # the whole answer, at once
    sign_in.as_role(Role.COMMISSIONER)
    page = client.get(f"/dashboard/?practice={empty.ods_code}").get_data(as_text=True)
    assert 'id="estimates-suppressed"' in page and "No comparison group is held" not in page
    assert 'id="stale-note"' not in page


def _upload(client, content: bytes, filename: str = "cohort.csv"):
    return client.post("/activity/comparison/", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def test_the_upload_page_is_for_managers_only(app, client, sign_in):
    for role in Role:
        sign_in.as_role(role)
        status = client.get("/activity/comparison/").status_code
        assert status == (200 if role == Role.MANAGER else 403), role
        sign_in.out()


def test_a_manager_uploads_a_cohort_and_sees_its_record(app, client, sign_in, no_csrf):
    factories.practice("M81001")
    sign_in.as_role(Role.MANAGER)
    content = f"person_id,referral_date,sex,year_of_birth,practice_code\n{_stranger(1)},2024-03-04,female,1951,M81001\n"
    response = _upload(client, content.encode())
    assert response.status_code == 303
    page = client.get("/activity/comparison/").get_data(as_text=True)
    assert "a comparison cohort of 1 people is now in use" in page
    assert "Imported cohort.csv" in page and _stranger(1) not in page


def test_a_bad_upload_lists_each_row_and_keeps_nothing(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.MANAGER)
    content = f"person_id,referral_date\n{_stranger(1)},2024-03-04\n12,2024-03-04\n{_stranger(2)},04/03/2024\n"
    response = _upload(client, content.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was imported: the file has 2 problems" in page
    assert "row 3, column person_id: NHS number must be 10 digits" in page
    assert "row 4, column referral_date: &#39;04/03/2024&#39; is not a date in the form YYYY-MM-DD" in page
    assert db.session.scalar(select(func.count(ComparisonCohort.id))) == 0


def test_an_upload_without_its_csrf_token_is_refused(app, client, sign_in):
    sign_in.as_role(Role.MANAGER)
    response = _upload(client, f"person_id,referral_date\n{_stranger(1)},2024-03-04\n".encode())
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(ComparisonCohort.id))) == 0
