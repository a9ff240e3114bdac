"""Hearthlink outcomes engine: use of services before and after support, priced.

Pure pandas/numpy/scipy — it never imports Flask or SQLAlchemy (STYLE.md
habit 4).  The command line (``python -m outcomes``) reads CSV files into
DataFrames; the web app reads its database into DataFrames; both call
:func:`compute_report`, so both give the same numbers.  The definitions are
those of CONTRACT.md section 4.

Entry point::

    compute_report(referrals, activity, unit_costs=None, *, window_months=12,
                   anchor="referral", as_of=None, comparison=None,
                   measures=None, onward=None, support=None, sources=None)
        -> dict  (JSON-ready)

Expected DataFrame columns (extra columns are ignored; text or date values):

* ``referrals`` / ``comparison``: ``person_id``, ``referral_date``; optional
  ``discharge_date`` and the group columns ``practice_code``, ``locality``,
  ``age_band``, ``primary_need``.  A comparison person's pseudo-anchor is in
  ``referral_date`` (or ``discharge_date`` under ``anchor="discharge"``).
* ``activity``: ``person_id``, ``date``, ``activity_type`` (one of
  :data:`ACTIVITY_TYPES`), optional ``count`` (whole number ≥ 1, blank = 1).
* ``unit_costs``: ``activity_type``, ``unit_cost_gbp``, ``price_year``,
  ``source`` (None = the shipped table ``outcomes/unit_costs.csv``).
* ``measures``: ``person_id``, ``date``, ``instrument`` ("ons4" or
  "ucla3"), ONS4 items ``life_satisfaction``, ``worthwhile``, ``happiness``,
  ``anxiety`` (0–10), UCLA3 ``total`` (3–9).
* ``onward``: ``person_id``, ``sector``, ``status``.
* ``support``: ``person_id``, ``referral_date``, optional
  ``first_contact_date``, ``discharge_date``, ``contacts``,
  ``peer_support_date``, ``volunteering_date``.

Keys returned beyond CONTRACT.md 4.5/4.6 (contract keys are all present):

* in each ``by_activity`` entry: ``people`` (included people it rests on),
  ``pre_per_person_year``, ``post_per_person_year``;
* ``saving_subtotals``: "gp_practice" and "wider_system" (when they have
  priced activity) -> {"types", "saving_gbp", "saving_gbp_ci95"}, the
  interval from the same bootstrap replicates as the types' own;
* ``price_years`` (price years of the costs in use), ``person_years``
  ({"pre", "post"}), ``bootstrap`` ({"replicates", "seed", "method"});
* ``by_group``: column -> value -> {"people", "suppressed", "by_activity",
  "total_saving_gbp"}, or {"people": null, "suppressed": true} below 5 people;
* ``comparison.people.excluded_no_anchor``; ``people`` in each
  ``difference_in_differences`` entry ({"referred", "comparison"});
  ``difference_in_differences_total`` ({"types", "saving_gbp", "saving_gbp_ci95"}, or null):
  the DiD saving over every priced type, its interval from the same replicates;
* ``wellbeing``, ``onward_referrals``, ``support`` when their frame is given
  (shapes in :mod:`outcomes.wellbeing`, :mod:`outcomes.onward`,
  :mod:`outcomes.support`).

Bad input raises :class:`OutcomesInputError` naming the source, the row
(header = row 1, first data row = row 2; for a DataFrame, position + 2) and
the problem.
"""
from __future__ import annotations

from .costs import SHIPPED_UNIT_COSTS, UnitCost, prepare_unit_costs, shipped_unit_costs
from .definitions import ACTIVITY_TYPES, ANCHORS, GROUP_COLUMNS
from .errors import OutcomesInputError
from .inputs import read_activity_csv, read_cohort_csv, read_csv_text
from .report import compute_report
from .text import render_text

__all__ = [
    "ACTIVITY_TYPES",
    "ANCHORS",
    "GROUP_COLUMNS",
    "SHIPPED_UNIT_COSTS",
    "OutcomesInputError",
    "UnitCost",
    "compute_report",
    "prepare_unit_costs",
    "read_activity_csv",
    "read_cohort_csv",
    "read_csv_text",
    "render_text",
    "shipped_unit_costs",
]
