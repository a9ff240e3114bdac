"""``python -m outcomes`` as a person or script runs it (CONTRACT.md section 4)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

REFERRALS = "person_id,referral_date,practice_code\nA,2024-01-15,P1\nB,2024-01-20,P1\n"
ACTIVITY = (
    "person_id,date,activity_type,count\n"
    "A,2023-06-01,gp_surgery,3\n"
    "B,2023-06-01,gp_surgery,1\n"
    "A,2024-06-01,gp_surgery,1\n"
    "B,2024-06-01,gp_surgery,2\n"
    "B,2023-09-01,gp_home_visit,2\n"
    "Z,2025-03-31,gp_surgery,1\n"
)
UNIT_COSTS = (
    "activity_type,unit_cost_gbp,price_year,source\n"
    "gp_surgery,45,2012/13,test fixture\n"
    "gp_home_visit,114,2012/13,test fixture\n"
)


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text)
    return str(path)


def outcomes(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "outcomes", *args], cwd=REPO, capture_output=True, text=True,
        timeout=60,
    )


@pytest.fixture
def files(tmp_path):
    return {
        "referrals": write(tmp_path, "referrals.csv", REFERRALS),
        "activity": write(tmp_path, "activity.csv", ACTIVITY),
        "unit_costs": write(tmp_path, "unit_costs.csv", UNIT_COSTS),
        "dir": tmp_path,
    }


def test_json_report_has_the_contract_figures(files):
    run = outcomes("--referrals", files["referrals"], "--activity", files["activity"],
                   "--unit-costs", files["unit_costs"], "--format", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    # as_of defaults to the latest activity date, 2025-03-31; both people have a full year.
    assert report["as_of"] == "2025-03-31"
    assert report["people"] == {"referred": 2, "included": 2, "excluded_insufficient_followup": 0,
                                "excluded_no_anchor": 0}
    assert report["activity_rows_unmatched"] == 1
    surgery = report["by_activity"]["gp_surgery"]
    assert (surgery["pre"], surgery["post"], surgery["reduction_pct"], surgery["saving_gbp"]) == (4, 3, 25.0, 45.0)
    assert report["total_saving_gbp"] == 273.0
    assert report["unit_costs"]["gp_surgery"] == {"unit_cost_gbp": 45.0, "price_year": "2012/13",
                                                 "source": "test fixture"}
    assert report["by_group"]["practice_code"]["P1"] == {"people": None, "suppressed": True}


def test_text_report_is_the_default_and_reads_as_english(files):
    run = outcomes("--referrals", files["referrals"], "--activity", files["activity"],
                   "--unit-costs", files["unit_costs"])
    assert run.returncode == 0, run.stderr
    assert "GP surgery consultations: 4 before, 3 after, down 25.0%" in run.stdout
    assert "Total saving before and after: £273.00" in run.stdout
    assert "Regression to the mean" in run.stdout


def test_shipped_unit_costs_are_used_by_default(files):
    run = outcomes("--referrals", files["referrals"], "--activity", files["activity"],
                   "--format", "json", "--window-months", "6", "--as-of", "2025-01-31")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["window_months"] == 6 and report["as_of"] == "2025-01-31"
    assert set(report["unit_costs"]) == {
        "gp_surgery", "gp_home_visit", "gp_telephone", "practice_nurse",
        "ae_attendance", "emergency_admission", "outpatient",
    }


def test_comparison_and_extras_flags(files):
    comparison = write(files["dir"], "comparison.csv", "person_id,referral_date\nZ,2024-02-01\n")
    onward = write(files["dir"], "onward.csv", "person_id,sector,status\nA,voluntary,attended\n")
    run = outcomes("--referrals", files["referrals"], "--activity", files["activity"],
                   "--comparison", comparison, "--onward", onward, "--format", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["activity_rows_unmatched"] == 0  # Z's row now belongs to the comparison cohort
    assert report["comparison"]["people"]["referred"] == 1
    assert report["onward_referrals"]["by_sector"]["voluntary"]["people"] == 1


BAD_INPUTS = [
    # (file to corrupt, its text, expected row, expected problem)
    ("activity", "person_id,date,activity_type\nA,2023-06-01,gp_surgery\nA,2023-06-02,gp_visit\n",
     "row 3", "activity_type 'gp_visit' is not one of"),
    ("activity", "person_id,date,activity_type\nA,2024-13-01,gp_surgery\n",
     "row 2", "date '2024-13-01' is not a valid YYYY-MM-DD date"),
    ("activity", "person_id,date,activity_type,count\nA,2023-06-01,gp_surgery,1\nA,2023-06-01,gp_surgery,0\n",
     "row 3", "count '0' is not a whole number of at least 1"),
    ("activity", "person_id,date\nA,2023-06-01\n",
     "row 1", "missing column 'activity_type'"),
    ("activity", "", "row 1", "the file is empty"),
    ("activity", "person_id,date,activity_type\nA,2023-06-01,gp_surgery\nA,2023-06-01,gp_surgery,5\n",
     "row 3", "the row has 4 fields but the header has 3"),
    ("referrals", "person_id,referral_date\nA,2024-01-15\nB,15/01/2024\n",
     "row 3", "referral_date '15/01/2024' is not a valid YYYY-MM-DD date"),
    ("unit_costs", "activity_type,unit_cost_gbp,price_year,source\ngp_surgery,45,,PSSRU\n",
     "row 2", "price_year is missing"),
]


@pytest.mark.parametrize("which, text, row, problem", BAD_INPUTS)
def test_bad_input_exits_2_naming_file_row_and_problem(files, which, text, row, problem):
    files[which] = write(files["dir"], f"bad_{which}.csv", text)
    run = outcomes("--referrals", files["referrals"], "--activity", files["activity"],
                   "--unit-costs", files["unit_costs"], "--format", "json")
    assert run.returncode == 2
    assert run.stdout == ""
    assert f"bad_{which}.csv: {row}: {problem}" in run.stderr


def test_nonexistent_file_exits_2_naming_it(files):
    missing = str(files["dir"] / "nowhere.csv")
    run = outcomes("--referrals", missing, "--activity", files["activity"])
    assert run.returncode == 2
    assert run.stdout == ""
    assert f"{missing}: cannot open the file" in run.stderr


def test_person_in_referrals_and_comparison_exits_2(files):
    comparison = write(files["dir"], "comparison.csv", "person_id,referral_date\nC,2024-02-01\nB,2024-02-01\n")
    run = outcomes("--referrals", files["referrals"], "--activity", files["activity"],
                   "--comparison", comparison)
    assert run.returncode == 2
    assert run.stdout == ""
    assert "comparison.csv: row 3: person_id 'B' is also in" in run.stderr


def test_importing_outcomes_loads_neither_flask_nor_sqlalchemy():
    code = ("import outcomes, outcomes.__main__, sys; "
            "assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_extras_flags_appear_in_json_and_text(files):
    measures = write(files["dir"], "measures.csv",
                     "person_id,date,instrument,total\nA,2024-01-20,ucla3,9\nA,2024-09-01,ucla3,6\n")
    support = write(files["dir"], "support.csv",
                    "person_id,referral_date,first_contact_date,peer_support_date\n"
                    "A,2024-01-15,2024-01-25,2024-03-01\nB,2024-01-20,2024-01-22,\n")
    common = ["--referrals", files["referrals"], "--activity", files["activity"],
              "--measures", measures, "--support", support]
    report = json.loads(outcomes(*common, "--format", "json").stdout)
    assert report["wellbeing"]["ucla3"]["total"]["mean_change"] == -3.0
    assert report["wellbeing"]["ons4"]["anxiety"]["people"] == 0
    # waits of 10 and 2 days -> median 6.0
    assert report["support"]["wait_to_first_contact_days"]["median"] == 6.0
    assert report["support"]["peer_support"] == {"people": 1, "of_people": 2}
    text = outcomes(*common).stdout
    assert "ucla3 total: 9 to 6, change -3" in text
    assert "Median wait to first contact: 6.0 days (2 referrals)." in text
    assert "Into peer support: 1 of 2 people; into volunteering: 0 of 2 people." in text


def test_the_cli_starts_loading_scipy_before_it_reads_the_files_and_finishes_before_exit(files):
    """scipy.stats takes about a second to import; the command starts it in a thread before the
    first file is read, and the thread is not a daemon, so the interpreter finishes the import
    before it exits, even when a bad file ends the command at once (exit status 2)."""
    missing = str(files["dir"] / "missing.csv")
    probe = (
        "import atexit, sys, threading\n"
        "import outcomes.__main__ as cli\n"
        "assert 'scipy.stats' not in sys.modules, 'loaded before the command ran'\n"
        "seen = []\n"
        "real_read = cli.read_cohort_csv\n"
        "def read(*args, **kwargs):\n"
        "    seen.extend(t.name for t in threading.enumerate() if not t.daemon)\n"
        "    return real_read(*args, **kwargs)\n"
        "cli.read_cohort_csv = read\n"
        "atexit.register(lambda: print('at exit', 'scipy.stats' in sys.modules))\n"
        f"print('status', cli.main(['--referrals', {files['referrals']!r}, '--activity', {missing!r}]))\n"
        "print('loading while reading', 'load-scipy-stats' in seen)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == ["status 2", "loading while reading True", "at exit True"], done.stderr


def test_a_background_import_that_fails_says_nothing_and_raises_nothing(capsys):
    from outcomes import stats

    stats._import_quietly("hearthlink_no_such_module")
    assert capsys.readouterr() == ("", "")
