"""`flask --app app outcomes report` (CONTRACT.md §2, §4): the engine's report from the database."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app.analytics import source
from app.extensions import db
from app.models import OnwardReferral, Person, WellbeingMeasure
from tests import factories

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def two_people(app):
    """A (referred 15 Jan 2024) and B (20 Jan 2024), and C, known only from activity.

    gp_surgery: A 3 before, 1 after; B 1 before, 2 after -> pre 4, post 3.
    gp_home_visit: B 2 before, 0 after. C's one row (31 Mar 2025) is unmatched and sets as_of.
    """
    practice = factories.practice(ods_code="M81001")
    a = factories.supported_person(practice, referred_on=date(2024, 1, 15), needs=("debt", "loneliness"),
                                   born=date(1950, 1, 1), first_contact_on=date(2024, 1, 25))
    b = factories.supported_person(practice, referred_on=date(2024, 1, 20), born=date(1990, 6, 1),
                                   first_contact_on=date(2024, 2, 3), discharged_on=date(2024, 7, 1))
    for person, on, kind, count in [(a.person, date(2023, 6, 1), "gp_surgery", 3),
                                    (a.person, date(2024, 6, 1), "gp_surgery", 1),
                                    (b.person, date(2023, 6, 1), "gp_surgery", 1),
                                    (b.person, date(2024, 6, 1), "gp_surgery", 2),
                                    (b.person, date(2023, 9, 1), "gp_home_visit", 2)]:
        factories.activity(person, on, kind, count)
    c = Person(nhs_number=factories.nhs_number(60_000), given_name="Cy", family_name="Known", date_of_birth=date(1960, 1, 1),
               address="x", postcode="DY1 1AA", contact_method="phone", practice=practice)
    db.session.add(c)
    db.session.commit()
    factories.activity(c, date(2025, 3, 31), "gp_surgery", 1)
    return a, b


def test_report_json_has_the_contract_keys_and_hand_computed_figures(runner, two_people):
    result = runner.invoke(args=["outcomes", "report", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"window_months", "anchor", "as_of", "people", "activity_rows_unmatched", "by_activity",
            "total_saving_gbp", "total_saving_gbp_ci95", "unit_costs", "caveats"} <= set(report)
    assert report["as_of"] == "2025-03-31"
    assert report["people"] == {"referred": 2, "included": 2, "excluded_insufficient_followup": 0,
                                "excluded_no_anchor": 0}
    assert report["activity_rows_unmatched"] == 1
    surgery = report["by_activity"]["gp_surgery"]
    assert (surgery["pre"], surgery["post"], surgery["reduction_pct"], surgery["saving_gbp"]) == (4, 3, 25.0, 45.0)
    home = report["by_activity"]["gp_home_visit"]
    assert (home["pre"], home["post"], home["reduction_pct"], home["saving_gbp"]) == (2, 0, 100.0, 228.0)
    assert report["total_saving_gbp"] == 273.0
    # First contact 10 and 14 days after referral: median 12.
    assert report["support"]["wait_to_first_contact_days"]["median"] == 12.0
    assert report["by_group"]["age_band"] == {"18–34": {"people": None, "suppressed": True},
                                              "65–79": {"people": None, "suppressed": True}}


def test_discharge_anchor_and_window_change_who_is_included(runner, two_people):
    result = runner.invoke(args=["outcomes", "report", "--format", "json", "--anchor", "discharge",
                                 "--window-months", "6"])
    report = json.loads(result.output)
    # Only B was discharged (1 July 2024); 6 months on ends 31 Dec 2024 <= as_of.
    assert report["people"]["included"] == 1 and report["people"]["excluded_no_anchor"] == 1
    # B's pre window (1 Jan - 30 Jun 2024) holds the 2 surgery visits of 1 June; post holds none.
    surgery = report["by_activity"]["gp_surgery"]
    assert (surgery["pre"], surgery["post"], surgery["reduction_pct"]) == (2, 0, 100.0)
    assert list(report["by_activity"]) == ["gp_surgery"]


def test_text_report_names_the_caveats(runner, two_people):
    result = runner.invoke(args=["outcomes", "report"])
    assert result.exit_code == 0
    assert "Hearthlink outcomes report" in result.output
    assert "Regression to the mean" in result.output
    assert "PSSRU" in result.output


def test_report_without_activity_fails_with_one_line(runner, app):
    factories.supported_person(referred_on=date(2024, 1, 15))
    result = runner.invoke(args=["outcomes", "report", "--format", "json"])
    assert result.exit_code != 0
    assert "no activity rows" in result.output
    assert "{" not in result.output


def test_bad_window_is_refused(runner, two_people):
    result = runner.invoke(args=["outcomes", "report", "--window-months", "0"])
    assert result.exit_code != 0 and "window-months" in result.output


def _write_csvs(folder: Path) -> dict[str, Path]:
    """Export the database's records as the CSV files python -m outcomes reads."""
    frames = {"referrals": source.referrals(), "activity": source.activity_rows(),
              "measures": source.measures(source.Filters()), "onward": source.onward(source.Filters()),
              "support": source.support(source.Filters())}
    paths = {}
    for name, frame in frames.items():
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


def test_report_equals_python_m_outcomes_on_an_export_of_the_same_data(runner, two_people, tmp_path):
    a, b = two_people
    for episode_, taken_on, score in [(a, date(2024, 1, 25), 4), (a, date(2024, 5, 1), 7),
                                      (b, date(2024, 2, 3), 6), (b, date(2024, 6, 20), 6)]:
        db.session.add(WellbeingMeasure(episode_id=episode_.id, instrument="ons4", stage="baseline", taken_on=taken_on,
                                        life_satisfaction=score, worthwhile=score, happiness=score, anxiety=3))
    db.session.add(WellbeingMeasure(episode_id=a.id, instrument="ucla3", stage="baseline", taken_on=date(2024, 1, 25),
                                    ucla_companionship=3, ucla_left_out=3, ucla_isolated=2, ucla_total=8))
    db.session.add(OnwardReferral(episode_id=a.id, organisation_name="Dudley Befriending", sector="voluntary",
                                  kind="linkage", status="attending"))
    db.session.commit()
    ours = runner.invoke(args=["outcomes", "report", "--format", "json"])
    paths = _write_csvs(tmp_path)
    engine = subprocess.run([sys.executable, "-m", "outcomes", "--format", "json",
                             *[arg for name, path in paths.items() for arg in (f"--{name}", str(path))]],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert engine.returncode == 0, engine.stderr
    assert json.loads(ours.output) == json.loads(engine.stdout)
    assert json.loads(ours.output)["wellbeing"]["ons4"]["life_satisfaction"]["mean_change"] == 1.5  # (3 + 0) / 2
    text = runner.invoke(args=["outcomes", "report"]).output
    engine_text = subprocess.run([sys.executable, "-m", "outcomes", *[arg for name, path in paths.items()
                                                                      for arg in (f"--{name}", str(path))]],
                                 cwd=REPO, capture_output=True, text=True, timeout=120).stdout
    assert text.replace(str(tmp_path) + "/", "") == engine_text.replace(str(tmp_path) + "/", "")
