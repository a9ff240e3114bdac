"""A problem in an imported file is named by its line in the file, blank lines counted."""
from __future__ import annotations

import pytest

from app.services import activity_import, comparison


def test_a_problem_after_a_blank_line_is_named_by_its_line_in_the_file(app):
    extract = b"person_id,date,activity_type\n9990000018,2026-01-05,gp_surgery\n\n9990000026,2026-13-01,gp_surgery\n"
    with pytest.raises(activity_import.ExtractRejected) as refused:
        activity_import.parse(extract)
    assert refused.value.problems == ["row 4, column date: '2026-13-01' is not a date in the form YYYY-MM-DD"]

    cohort = b"person_id,referral_date\n\n9990000019,2025-01-01\n"  # the NHS number's check digit is wrong
    with pytest.raises(comparison.CohortRejected) as refused:
        comparison.parse(cohort)
    assert refused.value.problems and all(problem.startswith("row 3,") for problem in refused.value.problems)
