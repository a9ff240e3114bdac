"""The domain lists and fixed settings of the outcomes engine, defined once.

Activity types are those of CONTRACT.md section 4.2; every reader, table and
report in this package takes them from here.
"""
from __future__ import annotations

#: Activity types, CONTRACT.md 4.2, in the order reports list them.
ACTIVITY_TYPES: tuple[str, ...] = (
    "gp_surgery",
    "gp_home_visit",
    "gp_telephone",
    "practice_nurse",
    "ae_attendance",
    "emergency_admission",
    "outpatient",
)

#: Plain-English names used by the text report.
ACTIVITY_LABELS: dict[str, str] = {
    "gp_surgery": "GP surgery consultations",
    "gp_home_visit": "GP home visits",
    "gp_telephone": "GP telephone consultations",
    "practice_nurse": "practice nurse appointments",
    "ae_attendance": "A&E attendances",
    "emergency_admission": "emergency admissions",
    "outpatient": "outpatient attendances",
}

#: Savings subtotals: GP practice activity (priced from PSSRU) and the wider system (NHS
#: Reference Costs), each with its own bootstrap interval.
SAVING_GROUPS: dict[str, tuple[str, ...]] = {
    "gp_practice": ("gp_surgery", "gp_home_visit", "gp_telephone", "practice_nurse"),
    "wider_system": ("ae_attendance", "emergency_admission", "outpatient"),
}

ANCHORS: tuple[str, ...] = ("referral", "discharge")

#: Optional columns of the referrals frame that results are broken down by.
GROUP_COLUMNS: tuple[str, ...] = ("practice_code", "locality", "age_band", "primary_need")

#: PRODUCT.md "Rules that hold everywhere": small numbers (below 5) are suppressed.
SMALL_NUMBER_THRESHOLD = 5

#: Bootstrap settings (CONTRACT.md 4.4: fixed seed, so output is reproducible).
BOOTSTRAP_REPLICATES = 2000
BOOTSTRAP_SEED = 20250331

#: Label for a person whose group column is blank.
NOT_RECORDED = "not recorded"
