"""The "who the service reaches" tables, one per dimension, with small numbers suppressed.

Each table's counts of people (referrals, accepted, first contact, discharged, people with a
complete GP window, people with wellbeing measured twice) go through
``app.analytics.suppression.suppress`` as one table with its column totals: counts from 1 to 4
are hidden, and so is the smallest other non-zero cell of any column where a single hidden cell
could be worked out from the total.  Every rate, median and mean of a hidden count is hidden
too (a median wait or a mean change of 3 people describes those people).  "Not stated" is its
own row, and a group with nobody in it is shown as 0.
"""
from __future__ import annotations

from app.analytics.reach import DIMENSIONS, NOT_KNOWN_AREA, QUINTILES
from app.analytics.suppression import SUPPRESSED, suppress
from app.analytics.tables import Column, Table

TITLES = {"imd_quintile": "IMD quintile", "ethnic_group": "ethnic group", "sex": "sex", "age_band": "age band"}
COUNT_KEYS = ("referrals", "accepted", "first_contact", "discharged", "gp_people", "wellbeing_people")
COLUMNS = [Column("Referrals", "count"), Column("% of referrals", "pct"), Column("Accepted", "count"),
           Column("% accepted", "pct"), Column("First contact made", "count"),
           Column("Median days to first contact", "num"), Column("Discharged", "count"),
           Column("People with GP follow-up", "count"), Column("GP use change %", "pct"),
           Column("People with wellbeing measured twice", "count"),
           Column("Mean change in life satisfaction", "num")]
NOTE = ("Referrals received in the period, by the person's details as held (\"Not stated\" where they gave none). "
        "GP use is GP surgery, home visit and telephone consultations in the 12 months before and after "
        "referral, for people whose follow-up is complete; negative means fewer. Life satisfaction is ONS4 "
        "(0–10), latest measure minus first; higher is better.")

SHORT_NOTE = ("\"Not stated\" where the person gave none. The columns are as in the IMD quintile table; the methods "
              "page says how each is counted.")


def _pct(part, whole):
    """A rate, hidden (None, as the other tables do) when either count is hidden."""
    if part == SUPPRESSED or whole == SUPPRESSED or not whole:
        return None
    return round(100 * part / whole, 1)


def _change(entry: dict, people) -> float | str | None:
    if people == SUPPRESSED or not people or not entry["gp_pre"]:
        return None
    return round(100 * (entry["gp_post"] - entry["gp_pre"]) / entry["gp_pre"], 1)


def _area_name(area: str) -> str:
    return "the whole area" if area == "all" else area


def dimension_table(dimension: str, title: str, entries: list[dict], population: dict | None = None) -> Table:
    """One dimension's groups with a total row; with ``population`` ({"area", "shares"}, from
    app.analytics.population) a "Local population %" column beside "% of referrals"."""
    note = NOTE if dimension == "imd_quintile" else SHORT_NOTE
    shares = (population or {}).get("shares") or {}
    if shares:
        note += (f" Local population: each group's share of the population of {_area_name(population['area'])}, "
                 "as the service imported it (— where not given; the total is the sum given).")
    columns = [Column(title), *COLUMNS]
    if shares:
        columns.insert(3, Column("Local population %", "pct"))
    table = Table(f"reach_{dimension}", f"Who the service reaches, by {TITLES.get(dimension, title)}",
                  columns, total_row=bool(entries), note=note)
    if not entries:
        return table
    counts = [[entry[key] for key in COUNT_KEYS] for entry in entries]
    result = suppress(counts, column_totals=True)
    total_referrals = result.column_total(0)
    for i, entry in enumerate(entries):
        shown = dict(zip(COUNT_KEYS, (result.cell(i, j) for j in range(len(COUNT_KEYS)))))
        contacted = shown["first_contact"]
        wait = SUPPRESSED if contacted == SUPPRESSED else entry["median_wait_days"]
        well = SUPPRESSED if shown["wellbeing_people"] == SUPPRESSED else entry["wellbeing_change"]
        table.rows.append([entry["group"], shown["referrals"], _pct(shown["referrals"], total_referrals),
                           shown["accepted"], _pct(shown["accepted"], shown["referrals"]), contacted, wait,
                           shown["discharged"], shown["gp_people"], _change(entry, shown["gp_people"]),
                           shown["wellbeing_people"], well])
    totals = dict(zip(COUNT_KEYS, (result.column_total(j) for j in range(len(COUNT_KEYS)))))
    pooled = {"gp_pre": sum(e["gp_pre"] for e in entries), "gp_post": sum(e["gp_post"] for e in entries)}
    measured = [e for e in entries if e["wellbeing_people"] and e["wellbeing_change"] is not None]
    people = sum(e["wellbeing_people"] for e in measured)
    mean = round(sum(e["wellbeing_change"] * e["wellbeing_people"] for e in measured) / people, 2) if people else None
    table.rows.append(["Total", totals["referrals"], 100.0 if isinstance(totals["referrals"], int) and
                       totals["referrals"] else None, totals["accepted"],
                       _pct(totals["accepted"], totals["referrals"]), totals["first_contact"], None,
                       totals["discharged"], totals["gp_people"], _change(pooled, totals["gp_people"]),
                       totals["wellbeing_people"], SUPPRESSED if totals["wellbeing_people"] == SUPPRESSED else mean])
    if shares:  # the population's share sits beside the referrals' share; the total is the sum given
        for row in table.rows[:-1]:
            row.insert(3, shares.get(row[0]))
        table.rows[-1].insert(3, round(sum(shares.values()), 1))
    return table


def headline(figures: dict) -> dict | None:
    """The share of all referrals that came from the most deprived fifth of areas (IMD quintile 1),
    read from the suppressed IMD table so it never shows a count the table hides (a share of a
    hidden count is hidden); None before the figures have it."""
    if not figures.get("reach"):
        return None
    table = dimension_table("imd_quintile", "IMD quintile", figures["reach"]["dimensions"]["imd_quintile"])
    rows = {row[0]: row for row in table.rows}
    most, total, unknown = rows[QUINTILES[0]][1], rows["Total"][1], rows[NOT_KNOWN_AREA][1]
    if not total:
        value = "No referrals"
    elif most == SUPPRESSED or total == SUPPRESSED:
        value = SUPPRESSED
    else:
        value = f"{round(100 * most / total)}%"
    detail = (f"{most if most == SUPPRESSED else format(most, ',')} of {total if total == SUPPRESSED else format(total, ',')} "
              "referrals came from the most deprived 20% of areas in England (IMD quintile 1).")
    if unknown:
        detail += f" {unknown} had a postcode not in the deprivation lookup."
    return {"key": "most_deprived", "label": "Referrals from the most deprived fifth of areas", "value": value,
            "detail": detail}


def headline_table(figures: dict) -> Table:
    table = Table("reach_headline", "Referrals from the most deprived fifth of areas",
                  [Column("Figure"), Column("Value"), Column("Detail")])
    item = headline(figures)
    if item:
        table.rows.append([item["label"], item["value"], item["detail"]])
    return table


def all_tables(figures: dict) -> dict[str, Table]:
    """The reach tables by export name (empty tables for figures cached before they existed)."""
    dimensions = (figures.get("reach") or {}).get("dimensions") or {}
    population = (figures.get("reach") or {}).get("population") or {}
    tables = [headline_table(figures)] + [dimension_table(name, title, dimensions.get(name) or [], population.get(name))
                                          for name, title in DIMENSIONS]
    return {table.name: table for table in tables}
