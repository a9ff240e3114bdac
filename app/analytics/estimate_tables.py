"""The two estimates side by side, and the balance of the comparison group (issue 16).

Built from ``figures["estimates"]`` (``app.analytics.comparison.estimates_from``): the plain
before-and-after change and the difference in differences (DiD) for GP surgery consultations,
GP home visits and the total saving, each with its 95% interval and the groups' sizes, and one
sentence, worked out from the numbers, on which to trust and why.  Like every dashboard table,
what is hidden here is hidden on the page, the printable report and the exports alike: a
comparison group (or a referred group) under 5 people gives no figure at all.

No Flask, no templates: tables and plain text only.
"""
from __future__ import annotations

from app.analytics.suppression import SUPPRESSED, is_small
from app.analytics.tables import Column, Table

MEASURES = (("gp_surgery", "GP surgery consultations"), ("gp_home_visit", "GP home visits"))
TOTAL = "Total saving, all priced activity"
PLAIN, DID = "Before and after", "Compared with similar people (difference in differences)"
HOW_TO_ENABLE = ("No comparison group is held, so only the before-and-after figures can be shown, and they overstate "
                 "the effect. The fairer estimate needs a comparison group of similar people who were not referred: "
                 "the service's manager can make one on the Comparison group page, by matching unreferred people "
                 "in the practices' activity extracts (flask comparison match) or by importing a list of them "
                 "(flask import comparison FILE.csv).")
PENDING_NOTE = ("The fairer estimate for this view is being calculated: these are the before-and-after figures "
                "only. The page shows the fairer estimate by itself as soon as it is ready.")
SUPPRESSED_NOTE = ("Fewer than 5 people in the comparison group (or among the people referred) have a complete "
                   "follow-up window, so the estimates are not shown.")


def _state(figures: dict) -> dict:
    return figures.get("estimates") or {"available": False}  # absent from figures cached before it was added


def status(figures: dict) -> str:
    """"none" (no comparison cohort), "pending" (being calculated), "suppressed" (a group under
    5) or "shown"."""
    est = _state(figures)
    if est.get("pending"):
        return "pending"
    if not est.get("available"):
        return "none"
    return "suppressed" if est.get("suppressed") else "shown"


def _plain_change(plain: dict | None) -> tuple[float | None, list | None]:
    """Change per person a year, (post − pre) / people, and its 95% interval.

    The engine's bootstrap resamples the same number of people, so each replicate's saving is
    (pre − post) × unit cost and the interval of the change is the saving's, divided by
    −(unit cost × people) — exact, not an approximation.
    """
    if not plain or not plain.get("people"):
        return None, None
    n = plain["people"]
    change = round((plain["post"] - plain["pre"]) / n, 3)
    cost, interval = plain.get("unit_cost_gbp"), plain.get("saving_gbp_ci95")
    if not cost or not interval:
        return change, None
    return change, [round(-interval[1] / (cost * n), 3), round(-interval[0] / (cost * n), 3)]


def _pair(values: list | None) -> list:
    return list(values) if values else [None, None]


def estimates(figures: dict) -> Table:
    """Both estimates, two rows per measure, with intervals and group sizes."""
    table = Table("estimates", "GP use: the before-and-after fall and the fairer estimate, side by side",
                  [Column("Measure"), Column("Estimate"), Column("Change per person a year", "num"),
                   Column("Change: 95% low", "num"), Column("Change: 95% high", "num"), Column("Saving", "gbp"),
                   Column("Saving: 95% low", "gbp"), Column("Saving: 95% high", "gbp"),
                   Column("People referred", "count"), Column("Comparison people", "count")])
    est = _state(figures)
    state = status(figures)
    if state in ("none", "pending"):
        table.note = HOW_TO_ENABLE if state == "none" else PENDING_NOTE
        return table
    if state == "suppressed":
        table.note = SUPPRESSED_NOTE
        return table
    referred, comparison = est["people"]["referred"], est["people"]["comparison"]
    for name, label in MEASURES:
        entry = est["by_activity"].get(name)
        if entry is None:
            continue
        change, interval = _plain_change(entry["plain"])
        plain = entry["plain"] or {}
        table.rows.append([label, PLAIN, change, *_pair(interval), plain.get("saving_gbp"),
                           *_pair(plain.get("saving_gbp_ci95")), referred, None])
        did = entry["did"] or {}
        table.rows.append([label, DID, did.get("did_per_person"), *_pair(did.get("did_per_person_ci95")),
                           did.get("saving_gbp"), *_pair(did.get("saving_gbp_ci95")), referred, comparison])
    total = est.get("total") or {}
    plain_total, did_total = total.get("plain") or {}, total.get("did") or {}
    table.rows.append([TOTAL, PLAIN, None, None, None, plain_total.get("saving_gbp"),
                       *_pair(plain_total.get("saving_gbp_ci95")), referred, None])
    table.rows.append([TOTAL, DID, None, None, None, did_total.get("saving_gbp"),
                       *_pair(did_total.get("saving_gbp_ci95")), referred, comparison])
    table.note = verdict(figures)
    return table


def _moved(value: float, unit: str) -> str:
    if value < 0:
        return f"fell by {-value:.2f} {unit}"
    if value > 0:
        return f"rose by {value:.2f} {unit}"
    return f"did not change ({unit})"


def verdict(figures: dict) -> str:
    """One plain-English judgement on which estimate to trust and why, from the numbers."""
    est = _state(figures)
    if status(figures) != "shown":
        return {"none": HOW_TO_ENABLE, "pending": PENDING_NOTE}.get(status(figures), SUPPRESSED_NOTE)
    entry = next((est["by_activity"][n] for n, _ in MEASURES if n in est["by_activity"]), None)
    did = (entry or {}).get("did") or {}
    if did.get("did_per_person") is None or not did.get("did_per_person_ci95"):
        return "There is no GP consultation activity in these people's windows, so there is nothing to compare."
    name = dict(MEASURES)[next(n for n, _ in MEASURES if n in est["by_activity"])]
    low, high = did["did_per_person_ci95"]
    referred, comparison = did["referred_change_per_person"], did["comparison_change_per_person"]
    text = (f"Referred people's {name} {_moved(referred, 'a person a year')}, and similar people who were not "
            f"referred {_moved(comparison, 'a person').replace(' (a person)', '')} over the same months. ")
    if low <= 0 <= high:
        text += (f"The difference in differences ({did['did_per_person']:+.2f}, 95% interval {low:+.2f} to "
                 f"{high:+.2f}) includes zero, so the data cannot show that the service changed {name}: trust it over "
                 "the before-and-after fall, which counts the fall that happens anyway.")
    elif high < 0:
        text += (f"Trust the difference in differences: {-did['did_per_person']:.2f} fewer a person a year than the "
                 f"trend in similar people predicts (95% interval {-high:.2f} to {-low:.2f})")
        if comparison < 0 and referred < 0:
            text += (f", {100 * did['did_per_person'] / referred:.0f}% of the before-and-after fall; the rest of the "
                     "fall would have happened anyway.")
        else:
            text += (", more than the before-and-after fall, because similar people's use did not fall: the plain "
                     "figure would understate the effect here.")
    else:
        text += (f"Trust the difference in differences: {did['did_per_person']:.2f} more a person a year than the "
                 f"trend in similar people predicts (95% interval {low:.2f} to {high:.2f}).")
    flagged = imbalanced_labels(figures)
    if flagged:
        text += (" But the two groups differed before referral (" + ", ".join(map(in_sentence, flagged)) +
                 "), so even this estimate may be biased.")
    return text


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "Age (years)" -> "age (years)", but "GP consultations"
    keeps its capitals (a first word in capitals is an abbreviation)."""
    first = label.split(" ", 1)[0]
    return label if first[:2].isupper() else label[:1].lower() + label[1:]


def imbalanced_labels(figures: dict) -> list[str]:
    """The characteristics whose standardised difference after matching exceeds the threshold."""
    est = _state(figures)
    balance = est.get("balance") if status(figures) == "shown" else None
    if not balance or not balance.get("imbalanced"):
        return []
    variables = balance["after"]["variables"]
    return [variables[name]["label"] for name in balance["imbalanced_variables"] if name in variables]


def _shown(row: dict | None, key: str, share: bool):
    value = (row or {}).get(key)
    if value is None:
        return None
    return round(100 * value, 1) if share else value


def _hidden_shares(data: dict) -> set[tuple[str, int]]:
    """The balance table's sex-share cells to hide, as (variable, column). A share that is 1 to 4
    people of its group is hidden; so is one more share of that group (its smallest other share
    of at least one person), since a single hidden share could be worked out by taking the others
    from 100%. Where no such share is left, every share of the group is hidden. The standardised
    difference of a row with a hidden share is hidden too: with it and the other group's share,
    the hidden one could be worked out."""
    hidden: set[tuple[str, int]] = set()
    for table_key, columns in (("before", (1, 2, 3)), ("after", (4, 5, 6))):
        part = data.get(table_key)
        if not part:
            continue
        for side, column in (("referred", columns[0]), ("comparison", columns[1])):
            n = part["people"][side]
            counts = {name: round(row[f"{side}_mean"] * n) for name, row in part["variables"].items()
                      if name.startswith("sex_") and row[f"{side}_mean"] is not None}
            hide = {name for name, count in counts.items() if is_small(count)}
            if len(hide) == 1:
                others = sorted((count, name) for name, count in counts.items() if name not in hide and count > 0)
                hide |= {others[0][1]} if others else set(counts)
            hidden |= {(name, shown_in) for name in hide for shown_in in (column, columns[2])}
    return hidden


def balance(figures: dict) -> Table:
    """Referred vs comparison people before and after matching: means and standardised differences."""
    table = Table("balance", "How alike the referred and comparison people were before referral",
                  [Column("Characteristic"), Column("Referred, before matching", "num"),
                   Column("Unreferred pool", "num"), Column("Standardised difference before", "num"),
                   Column("Referred, after matching", "num"), Column("Comparison group", "num"),
                   Column("Standardised difference after", "num")])
    est = _state(figures)
    state = status(figures)
    data = est.get("balance") if state == "shown" else None
    if data and any(is_small(n) for n in data["after"]["people"].values()):
        data, state = None, "suppressed"
    if not data:
        table.note = {"none": HOW_TO_ENABLE, "pending": PENDING_NOTE, "suppressed": SUPPRESSED_NOTE}.get(
            state, "Balance is measured over 12-month windows from the referral date only.")
        return table
    before = (data.get("before") or {}).get("variables") or {}
    after = data["after"]["variables"]
    hidden = _hidden_shares(data)
    small = {column for key, columns in (("before", (1, 2, 3)), ("after", (4, 5, 6))) if data.get(key)
             for side, column in (("referred", columns[0]), ("comparison", columns[1]))
             if is_small(data[key]["people"][side])}
    small |= {c + 2 - (c - 1) % 3 for c in small}  # and the standardised difference beside a small group
    # Age, then the sex shares, then baseline GP use, whichever side has them (a group only the
    # pool has, such as "other", still sits with the sex rows).
    names = list(after) + [n for n in before if n not in after]
    for name in sorted(names, key=lambda n: (n != "age", not n.startswith("sex_"), names.index(n))):
        share = name.startswith("sex_")
        a, b = after.get(name), before.get(name)
        label = (a or b)["label"] + (" (%)" if share else "")
        row = [label, _shown(b, "referred_mean", share), _shown(b, "comparison_mean", share),
               _shown(b, "smd", False), _shown(a, "referred_mean", share),
               _shown(a, "comparison_mean", share), _shown(a, "smd", False)]
        for column in {c for n, c in hidden if n == name} | small:
            if row[column] is not None:
                row[column] = SUPPRESSED
        table.rows.append(row)
    people = data["after"]["people"]
    if table.has_suppressed:
        table.note = ("<5: hidden because the share would reveal 1 to 4 people (or a group under 5), with one more "
                      "share of that group (so that neither can be worked out from the others) and the "
                      "standardised difference beside each. ")
    note = table.note + (f"After matching: {people['referred']:,} referred and {people['comparison']:,} comparison people with a "
            f"complete follow-up. A standardised difference above {data['threshold']} either way is a "
            "meaningful imbalance.")
    if before:
        note += " Before matching compares " + (data.get("before_note") or "the referred people with the pool") + "."
    else:
        note += " The cohort was imported, not matched, so there is no before-matching table."
    table.note = note
    return table


def all_tables(figures: dict) -> dict[str, Table]:
    return {t.name: t for t in (estimates(figures), balance(figures))}

