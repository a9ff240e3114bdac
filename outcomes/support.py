"""Service throughput, peer support and volunteering (PRODUCT.md journey steps 6–8).

Support frame columns: ``person_id``, ``referral_date``, and optionally
``first_contact_date``, ``discharge_date``, ``contacts`` (a whole number ≥ 0),
``peer_support_date`` and ``volunteering_date`` — one row per referral
episode; blank means not (yet) recorded.  Only rows for people in the
referrals count (the rest are ``rows_unmatched``).

* wait to first contact: first_contact_date − referral_date in days, median
  over referrals with a first contact;
* contacts per person: each person's contacts summed over their referrals,
  mean and median over people with contacts recorded;
* length of support: discharge_date − first_contact_date in days, median over
  referrals with both;
* into peer support / volunteering: distinct people with a date recorded.

Every figure says the referrals and/or people it rests on.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .cohort import Cohort, known_people, require_columns, text_ids
from .columns import stripped
from .dates import parse_date_column
from .errors import OutcomesInputError, first_row
from .stats import tidy_round

OPTIONAL_DATES = ("first_contact_date", "discharge_date", "peer_support_date", "volunteering_date")


def _median(values: np.ndarray) -> float | None:
    return tidy_round(np.median(values), 1) if len(values) else None


def _contacts(raw: pd.Series, *, source: str) -> np.ndarray:
    """The contacts column as float64, NaN where blank; not a whole number ≥ 0 is an error."""
    if isinstance(raw.dtype, np.dtype) and raw.dtype.kind in "iu":
        blank, parsed = np.zeros(len(raw), dtype=bool), raw.to_numpy(dtype=np.float64)
    else:
        blank, parsed = _contacts_from_text(raw)
    bad = ~blank & ~((parsed >= 0) & (parsed == np.floor(parsed)))
    if bad.any():
        row = first_row(bad)
        raise OutcomesInputError(
            source, row, f"contacts '{raw.iloc[row - 2]}' is not a whole number of at least 0"
        )
    return np.where(blank, np.nan, parsed)


def _contacts_from_text(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(blank, parsed) for contacts given as text or anything else but a plain integer column.

    A cell is blank when missing, empty or "nan"; others are parsed as
    numbers (NaN when they are not numbers).  An integer column skips this
    (see :func:`_contacts`): its cells are never blank and parsing their
    text only gives the same integers back.
    """
    text = pd.Series(stripped(raw.astype(str)), index=raw.index, dtype=object)
    blank = raw.isna().to_numpy() | (text == "").to_numpy() | (text == "nan").to_numpy()
    parsed = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(dtype=np.float64)
    return blank, parsed


def service_support(support: pd.DataFrame, referrals: Cohort, *, source: str) -> dict:
    """The ``support`` object: referrals, waits, contacts, length, peer support, volunteering."""
    require_columns(support, source, ("person_id", "referral_date"))
    support = support.reset_index(drop=True)
    n = len(support)
    ids = text_ids(support["person_id"], source=source)
    referred, _ = parse_date_column(
        support["referral_date"], source=source, column="referral_date", required=True
    )
    dates = {}
    for column in OPTIONAL_DATES:
        if column in support.columns:
            dates[column] = parse_date_column(
                support[column], source=source, column=column, required=False
            )
        else:
            dates[column] = (np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool))
    for column in ("first_contact_date", "discharge_date"):
        day, present = dates[column]
        early = present & (day < referred)
        if early.any():
            raise OutcomesInputError(source, first_row(early), f"{column} is before referral_date")
    contacts = np.full(n, np.nan)
    if "contacts" in support.columns:
        contacts = _contacts(support["contacts"], source=source)
    known = known_people(ids, referrals)
    people = ids[known]
    first_day, first_present = (a[known] for a in dates["first_contact_date"])
    end_day, end_present = (a[known] for a in dates["discharge_date"])
    waits = (first_day - referred[known])[first_present]
    both = first_present & end_present
    lengths = (end_day - first_day)[both]
    recorded = ~np.isnan(contacts[known])
    per_person = (
        pd.Series(contacts[known][recorded]).groupby(people[recorded]).sum().to_numpy()
    )

    def into(column: str) -> dict:
        present = dates[column][1][known]
        return {"people": int(pd.unique(people[present]).size), "of_people": int(pd.unique(people).size)}

    return {
        "referrals": int(known.sum()),
        "people": int(pd.unique(people).size),
        "rows_unmatched": int((~known).sum()),
        "wait_to_first_contact_days": {
            "median": _median(waits),
            "referrals": int(first_present.sum()),
            "people": int(pd.unique(people[first_present]).size),
        },
        "contacts_per_person": {
            "mean": tidy_round(per_person.mean(), 2) if len(per_person) else None,
            "median": _median(per_person),
            "people": int(len(per_person)),
        },
        "length_of_support_days": {
            "median": _median(lengths),
            "referrals": int(both.sum()),
            "people": int(pd.unique(people[both]).size),
        },
        "peer_support": into("peer_support_date"),
        "volunteering": into("volunteering_date"),
    }
