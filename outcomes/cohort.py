"""The people being evaluated: referrals (CONTRACT.md 4.1) or a comparison cohort (4.6).

A cohort frame has ``person_id`` and ``referral_date``, optionally
``discharge_date`` and the group columns ``practice_code``, ``locality``,
``age_band`` and ``primary_need``; other columns are ignored.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .columns import per_distinct, stripped
from .dates import parse_date_column
from .definitions import GROUP_COLUMNS, NOT_RECORDED
from .errors import OutcomesInputError, first_row


@dataclass
class Cohort:
    """Validated people of one file, in the file's row order."""

    source: str
    person_ids: np.ndarray  # str, unique
    referral_day: np.ndarray  # int64 days since 1970-01-01
    discharge_day: np.ndarray  # int64, meaningful where discharge_present
    discharge_present: np.ndarray  # bool
    groups: dict[str, np.ndarray] = field(default_factory=dict)  # column -> str labels

    def __len__(self) -> int:
        return len(self.person_ids)

    def anchor(self, anchor: str) -> tuple[np.ndarray, np.ndarray]:
        """Anchor day per person and whether the person has one (CONTRACT.md 4.4)."""
        if anchor == "discharge":
            return self.discharge_day, self.discharge_present
        return self.referral_day, np.ones(len(self), dtype=bool)


def require_columns(frame: pd.DataFrame, source: str, required: tuple[str, ...]) -> None:
    """Raise naming the header row (row 1) when a required column is absent."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise OutcomesInputError(
            source,
            1,
            f"missing column '{missing[0]}' (the header needs {', '.join(required)})",
        )


def text_ids(values: pd.Series, *, source: str, column: str = "person_id") -> np.ndarray:
    """Person identifiers as stripped text; a blank one is an error."""
    ids = stripped(values.astype(str))  # each distinct id stripped once
    blank = values.isna().to_numpy() | (ids == "")
    if blank.any():
        raise OutcomesInputError(source, first_row(blank), f"{column} is missing")
    return ids


def prepare_cohort(frame: pd.DataFrame, *, source: str) -> Cohort:
    """Validate a referrals-shaped frame and return its :class:`Cohort`.

    Rules: person_id and referral_date present on every row; dates are real
    YYYY-MM-DD dates; a person appears once; a discharge_date, when given, is
    not before the referral_date.
    """
    require_columns(frame, source, ("person_id", "referral_date"))
    frame = frame.reset_index(drop=True)
    ids = text_ids(frame["person_id"], source=source)
    dup = pd.Series(ids).duplicated().to_numpy()
    if dup.any():
        row = first_row(dup)
        raise OutcomesInputError(
            source, row, f"person_id '{ids[row - 2]}' appears more than once"
        )
    referral_day, _ = parse_date_column(
        frame["referral_date"], source=source, column="referral_date", required=True
    )
    if "discharge_date" in frame.columns:
        discharge_day, discharge_present = parse_date_column(
            frame["discharge_date"], source=source, column="discharge_date", required=False
        )
        early = discharge_present & (discharge_day < referral_day)
        if early.any():
            raise OutcomesInputError(
                source, first_row(early), "discharge_date is before referral_date"
            )
    else:
        discharge_day = np.zeros(len(ids), dtype=np.int64)
        discharge_present = np.zeros(len(ids), dtype=bool)
    groups = {}
    for column in GROUP_COLUMNS:
        if column in frame.columns:
            groups[column] = labels_or_not_recorded(frame[column])
    return Cohort(source, ids, referral_day, discharge_day, discharge_present, groups)


def check_disjoint(referrals: Cohort, comparison: Cohort) -> None:
    """A person in both the referrals and the comparison cohort is an error (4.6)."""
    both = known_people(comparison.person_ids, referrals)
    if both.any():
        row = first_row(both)
        raise OutcomesInputError(
            comparison.source,
            row,
            f"person_id '{comparison.person_ids[row - 2]}' is also in {referrals.source};"
            " a person cannot be both referred and in the comparison cohort",
        )


def known_people(ids: np.ndarray, cohort: Cohort) -> np.ndarray:
    """Mask of identifiers that belong to people in ``cohort``."""
    return pd.Index(cohort.person_ids).get_indexer(ids) >= 0


def labels_or_not_recorded(values: pd.Series) -> np.ndarray:
    """Stripped text labels; a blank becomes "not recorded".

    Labels repeat (a handful of localities label every person), so the
    tidying is done once per distinct label (:func:`outcomes.columns.per_distinct`).
    """
    return per_distinct(values.fillna("").astype(str), _label)


def _label(text: pd.Series) -> pd.Series:
    """Each text stripped, a blank one replaced by "not recorded"."""
    labels = text.str.strip()
    return labels.where(labels != "", NOT_RECORDED)
