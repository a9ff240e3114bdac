"""Who the service reaches (issue 15, item 5): the referral flow, waiting time, GP use and
wellbeing change by IMD quintile, ethnic group, sex and age band.

Computed once per dashboard view inside ``app.analytics.figures.compute`` (and cached with the
rest), as plain numbers; suppression is applied when they become tables
(``app.analytics.reach_tables``).

* The referral flow counts referrals received in the filters (one row each): accepted (an
  episode opened), first contact made, discharged (not the person declining), and the median
  days from referral to first contact.  A referral's groups are the person's as now held when
  the referral is linked to a person (the officer may have corrected them), else as the
  referral gave them; the IMD quintile joins that postcode to the lookup, so it follows a
  change of address.  "Not stated" (and "postcode not in the lookup") is its own group, never
  guessed.
* The GP-use change comes from the outcomes engine's own per-person windows
  (``outcomes.report.cohort_counts`` on the same inputs the dashboard's report uses), so a
  group's people and visits are the ones the activity figures count; GP use is surgery
  consultations, home visits and telephone consultations with a GP.
* The wellbeing change is each person's first and latest ONS4 life satisfaction, as the
  engine pairs them (latest taken on a later day than the first).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import select

from app.analytics import population, referral_ledger
from app.analytics.cohort_sql import cohort_episodes
from app.analytics.filters import Filters
from app.analytics.read import fetch_frame
from app.analytics.source import AGE_BANDS, age_bands
from app.models import Person
from app.models.deprivation import DeprivationArea
from app.models.vocab import ETHNIC_GROUP_OF, EthnicGroup, Sex
from outcomes.activity import prepare_activity
from outcomes.columns import per_distinct
from outcomes.cohort import prepare_cohort
from outcomes.dates import day_number
from outcomes.definitions import ACTIVITY_TYPES
from outcomes.errors import OutcomesInputError
from outcomes.report import cohort_counts

GP_TYPES = ("gp_surgery", "gp_home_visit", "gp_telephone")
NOT_KNOWN_AREA = "Postcode not in the lookup"
QUINTILES = ("Quintile 1 (most deprived)", "Quintile 2", "Quintile 3", "Quintile 4", "Quintile 5 (least deprived)")
DIMENSIONS = (("imd_quintile", "IMD quintile"), ("ethnic_group", "Ethnic group"), ("sex", "Sex"),
              ("age_band", "Age band"))


def group_order(dimension: str) -> list[str]:
    """Every group of a dimension in the order shown, "not stated" last (shown even when 0)."""
    if dimension == "imd_quintile":
        return [*QUINTILES, NOT_KNOWN_AREA]
    if dimension == "ethnic_group":
        return [group.label for group in EthnicGroup]
    if dimension == "sex":
        return [sex.label for sex in Sex]
    return ["under 18", *[label for _, label in AGE_BANDS]]


def quintile_label(decile) -> str:
    if decile is None or pd.isna(decile):
        return NOT_KNOWN_AREA
    return QUINTILES[(int(decile) + 1) // 2 - 1]


def ethnic_group_label(letter) -> str:
    group = ETHNIC_GROUP_OF.get(letter or "Z", EthnicGroup.NOT_STATED)
    return EthnicGroup(group).label


def sex_label(value) -> str:
    try:
        return Sex(value).label
    except ValueError:
        return Sex.NOT_STATED.label


def _each(values: pd.Series, label) -> np.ndarray:
    """``label`` applied once per distinct value (a few), not once per row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.array([label(u) for u in uniques], dtype=object)[codes] if len(values) else np.array([], dtype=object)


def _labelled(frame: pd.DataFrame, on: pd.Series) -> pd.DataFrame:
    """Add the four group columns to a frame with sex, ethnic_category, imd_decile and date_of_birth."""
    out = pd.DataFrame(index=frame.index)
    out["imd_quintile"] = _each(frame["imd_decile"], quintile_label)
    out["ethnic_group"] = _each(frame["ethnic_category"], ethnic_group_label)
    out["sex"] = _each(frame["sex"], sex_label)
    out["age_band"] = age_bands(frame["date_of_birth"], on) if len(frame) else pd.Series(dtype=object)
    return out


def person_groups(filters: Filters) -> pd.DataFrame:
    """The groups of the dashboard's people (each person's first episode, as the engine's
    cohort) as now held, by person id text; the age band is left to the caller.  A join on the
    cohort, not a list of ids, so 50,000 people stay one statement on every database."""
    people = cohort_episodes(filters)
    frame = fetch_frame(select(people.c.person_id, Person.sex, Person.ethnic_category, DeprivationArea.imd_decile)
                        .join(Person, Person.id == people.c.person_id)
                        .outerjoin(DeprivationArea, DeprivationArea.postcode == Person.postcode),
                        ["person_id", "sex", "ethnic_category", "imd_decile"], numbers=("imd_decile",))
    out = pd.DataFrame({"imd_quintile": _each(frame["imd_decile"], quintile_label),
                        "ethnic_group": _each(frame["ethnic_category"], ethnic_group_label),
                        "sex": _each(frame["sex"], sex_label)})
    out.index = frame["person_id"].astype(int).astype(str) if len(frame) else pd.Index([], dtype=object)
    return out


def _per_group(frame: pd.DataFrame, groups, dimension: str, **sums) -> dict[str, dict]:
    """``frame``'s columns summed (or as ``sums`` says) per group of ``dimension``, one groupby;
    every group of :func:`group_order` listed, with ``None`` for a statistic of an empty group."""
    summed = frame.assign(group=np.asarray(groups, dtype=object)).groupby("group", sort=False).agg(**sums)
    out = {}
    for label in group_order(dimension):
        found = summed.loc[label] if label in summed.index else None
        out[label] = {name: (None if found is None or pd.isna(found[name]) else found[name]) for name in sums}
    return out


def flow_by_group(rows: pd.DataFrame, groups: pd.DataFrame, dimension: str) -> dict[str, dict]:
    """Per group: referrals, accepted, first contact, discharged and the median wait in days."""
    accepted = rows["episode_id"].notna()
    contacted = accepted & rows["first_contact_on"].notna()
    frame = pd.DataFrame({
        "accepted": accepted.to_numpy(), "contacted": contacted.to_numpy(),
        "discharged": (accepted & rows["discharged_on"].notna() & (rows["status"] != "declined_by_person")).to_numpy(),
        "wait": (rows["first_contact_on"] - rows["received_at"]).dt.days.where(contacted).to_numpy(dtype=float)})
    found = _per_group(frame, groups[dimension] if len(rows) else [], dimension,
                       referrals=("accepted", "size"), accepted=("accepted", "sum"),
                       first_contact=("contacted", "sum"), discharged=("discharged", "sum"),
                       median_wait_days=("wait", "median"))
    return {label: {"referrals": int(counted["referrals"] or 0), "accepted": int(counted["accepted"] or 0),
                    "first_contact": int(counted["first_contact"] or 0),
                    "discharged": int(counted["discharged"] or 0),
                    "median_wait_days": None if counted["median_wait_days"] is None
                    else float(counted["median_wait_days"])}
            for label, counted in found.items()}


def gp_windows(inputs: dict) -> pd.DataFrame:
    """Each included person's GP use in the pre and post windows, as the engine counts them,
    indexed by person id (text), with their age band at referral."""
    referrals, activity = inputs["referrals"], inputs["activity"]
    if not len(referrals):
        return pd.DataFrame(columns=["pre", "post"])
    cohort = prepare_cohort(referrals, source="referrals")
    rows = prepare_activity(activity, source="activity")
    as_of = pd.Timestamp(inputs["as_of"]).date() if inputs.get("as_of") else None
    if as_of is None:
        return pd.DataFrame(columns=["pre", "post"])
    _, pre, post, labels, _ = cohort_counts(cohort, rows, anchor=inputs.get("anchor", "referral"),
                                            months=inputs.get("window_months", 12), as_of_day=day_number(as_of))
    gp = [ACTIVITY_TYPES.index(kind) for kind in GP_TYPES]
    # cohort_counts returns the included people in person_id (text) order; the same order here.
    order = _included_ids(cohort, inputs, as_of)
    return pd.DataFrame({"pre": pre[:, gp].sum(axis=1), "post": post[:, gp].sum(axis=1)}, index=order)


def _included_ids(cohort, inputs: dict, as_of) -> np.ndarray:
    from outcomes.windows import person_windows

    windows = person_windows(cohort, anchor=inputs.get("anchor", "referral"), months=inputs.get("window_months", 12),
                             as_of_day=day_number(as_of))
    included = np.flatnonzero(windows.included)
    return cohort.person_ids[included[np.argsort(cohort.person_ids[included].astype(str), kind="stable")]].astype(str)


def wellbeing_people(measures: pd.DataFrame) -> pd.Series:
    """Each person's latest minus first ONS4 life satisfaction (latest on a later day), by person
    id in text order.  Among measures on the same day the one recorded first counts as first,
    the one recorded last as latest."""
    instrument = per_distinct(measures["instrument"].astype(str), lambda text: text.str.strip().str.lower())
    ons = measures[(instrument == "ons4") & measures["life_satisfaction"].notna().to_numpy()]
    if not len(ons):
        return pd.Series(dtype=float)
    table = ons.assign(person=ons["person_id"].astype(str)).sort_values("date", kind="stable")
    first = table.drop_duplicates("person", keep="first").set_index("person")
    last = table.drop_duplicates("person", keep="last").set_index("person").reindex(first.index)
    paired = last["date"] > first["date"]
    return (last["life_satisfaction"] - first["life_satisfaction"])[paired].astype(float).sort_index()


def outcome_by_group(gp: pd.DataFrame, change: pd.Series, groups: pd.DataFrame, dimension: str) -> dict[str, dict]:
    """Per group: people with a complete GP window and their visits before and after; people
    with life satisfaction measured twice and their mean change."""
    gp_found = _per_group(pd.DataFrame({"pre": gp["pre"].to_numpy(dtype=float), "post": gp["post"].to_numpy(dtype=float)}),
                          groups[dimension].reindex(gp.index), dimension,
                          gp_people=("pre", "size"), gp_pre=("pre", "sum"), gp_post=("post", "sum"))
    change_found = _per_group(pd.DataFrame({"change": change.to_numpy(dtype=float)}),
                              groups[dimension].reindex(change.index), dimension,
                              wellbeing_people=("change", "size"), wellbeing_change=("change", "mean"))
    return {label: {"gp_people": int(gp_found[label]["gp_people"] or 0),
                    "gp_pre": int(gp_found[label]["gp_pre"] or 0), "gp_post": int(gp_found[label]["gp_post"] or 0),
                    "wellbeing_people": int(change_found[label]["wellbeing_people"] or 0),
                    "wellbeing_change": None if change_found[label]["wellbeing_change"] is None
                    else round(float(change_found[label]["wellbeing_change"]), 2)}
            for label in group_order(dimension)}


def read(filters: Filters, view=None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """What :func:`compute` reads from the database (a reader thread may do it beforehand);
    ``view``: the view's records already read (``app.analytics.records.for_view``)."""
    shares = population.shares(filters, [n for n, _ in DIMENSIONS])
    if view is not None:
        return view.referrals, view.groups, shares
    return referral_ledger.read(filters), person_groups(filters), shares


def compute(filters: Filters, inputs: dict, records: tuple | None = None) -> dict:
    """The reach figures for these filters; ``inputs`` are the engine inputs the report used and
    ``records`` what :func:`read` gave, when the caller has read it."""
    rows, groups, shares = records if records is not None else read(filters)
    labelled = _labelled(rows, rows["received_at"]) if len(rows) else pd.DataFrame(
        columns=["imd_quintile", "ethnic_group", "sex", "age_band"])
    try:
        gp = gp_windows(inputs)
    except OutcomesInputError:  # the engine refused the records; figures.compute has logged it
        gp = pd.DataFrame(columns=["pre", "post"])
    change = wellbeing_people(inputs["measures"]) if len(inputs.get("measures", [])) else pd.Series(dtype=float)
    people = inputs["referrals"]
    groups = groups.copy()
    if len(people):
        groups["age_band"] = people.assign(person_id=people["person_id"].astype(str)).set_index(
            "person_id")["age_band"].reindex(groups.index)
    else:
        groups["age_band"] = pd.Series(dtype=object)
    dimensions = {}
    for dimension, _ in DIMENSIONS:
        flow = flow_by_group(rows, labelled, dimension)
        outcome = outcome_by_group(gp, change, groups, dimension)
        dimensions[dimension] = [{"group": label, **flow[label], **outcome[label]} for label in group_order(dimension)]
    quintiles = {entry["group"]: entry["referrals"] for entry in dimensions["imd_quintile"]}
    known = sum(n for label, n in quintiles.items() if label != NOT_KNOWN_AREA)
    return {"dimensions": dimensions, "most_deprived": quintiles[QUINTILES[0]], "known_quintile": known,
            "referrals": int(len(rows)), "population": shares}
