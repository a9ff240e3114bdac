"""The dashboard's tables, built from the figures with small numbers suppressed.

Each table is what the page shows under "Show as table", what its chart plots (hidden cells
are not plotted) and what its CSV and XLSX exports hold — one suppression for all of them.
Cells hold numbers, text, "<5" (suppressed) or None (not available).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from app.analytics.suppression import SUPPRESSED, is_small, suppress, suppress_list
from app.models.vocab import ActivityType, NeedArea, ReferralSource, Sector

WELLBEING_ITEMS = (("ons4", "life_satisfaction", "ONS4 life satisfaction (0–10)"),
                   ("ons4", "worthwhile", "ONS4 things I do are worthwhile (0–10)"),
                   ("ons4", "happiness", "ONS4 happiness yesterday (0–10)"),
                   ("ons4", "anxiety", "ONS4 anxiety yesterday (0–10)"),
                   ("ucla3", "total", "UCLA loneliness, 3 items (3–9)"))


@dataclass
class Column:
    label: str
    kind: str = "text"  # text | count | pct | gbp | num | p


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total_row: bool = False  # the last row is a total
    note: str = ""

    @property
    def has_suppressed(self) -> bool:
        return any(cell == SUPPRESSED for row in self.rows for cell in row)

    def column(self, label: str) -> list:
        index = [c.label for c in self.columns].index(label)
        return [row[index] for row in (self.rows[:-1] if self.total_row else self.rows)]


def activity_label(name: str) -> str:
    return ActivityType(name).label


def sector_label(value: str) -> str:
    try:
        return Sector(value).label
    except ValueError:
        return value.replace("_", " ").capitalize()


def _quarter(month: str) -> str:
    year, m = month.split("-")
    return f"{year} Q{(int(m) - 1) // 3 + 1}"


def referrals_by_month(figures: dict) -> Table:
    """Referrals received per month (per quarter when months would hide too many cells)."""
    data = figures["referrals_by_month"]
    labels, counts = data["months"], data["counts"]
    by = "Locality" if data["by"] == "locality" else "Practice"
    result = suppress(counts, row_totals=True, column_totals=True) if counts else None
    cells = sum(len(r) for r in counts) or 1
    period = "Month"
    if result and sum(h for row in result.hidden for h in row) / cells > 0.25:
        quarters: dict[str, list[int]] = {}
        for month, row in zip(labels, counts):
            acc = quarters.setdefault(_quarter(month), [0] * len(row))
            quarters[_quarter(month)] = [a + b for a, b in zip(acc, row)]
        labels, counts, period = list(quarters), list(quarters.values()), "Quarter"
        result = suppress(counts, row_totals=True, column_totals=True)
    table = Table("referrals_by_month", f"Referrals received per {period.lower()}, by {by.lower()}",
                  [Column(period)] + [Column(g, "count") for g in data["groups"]] + [Column("Total", "count")],
                  total_row=bool(counts))
    for i, label in enumerate(labels):
        table.rows.append([label] + [result.cell(i, j) for j in range(len(data["groups"]))] + [result.row_total(i)])
    if counts:
        table.rows.append(["Total"] + [result.column_total(j) for j in range(len(data["groups"]))] + [result.grand()])
    return table


def needs(figures: dict) -> Table:
    """People referred with each need area ticked (a referral can tick several)."""
    data = figures["needs"]
    total = data["referrals"]
    areas = sorted(data["areas"].items(), key=lambda item: (-item[1], NeedArea(item[0]).label))
    hidden = suppress_list([n for _, n in areas]).hidden
    table = Table("needs", "Needs at referral", [Column("Need area"), Column("Dimension"),
                                                Column("Referrals", "count"), Column("% of referrals", "pct")],
                  note=f"Out of {total if not is_small(total) else SUPPRESSED} referrals; a referral can tick several.")
    for (area, n), (hide,) in zip(areas, hidden):
        pct = None if hide or not total else round(100 * n / total, 1)
        table.rows.append([NeedArea(area).label, NeedArea(area).dimension.label, SUPPRESSED if hide else n, pct])
    return table


def referral_sources(figures: dict) -> Table:
    """Referrals by who sent them, with a total; small counts suppressed (and one more where a
    single hidden cell could be worked out from the total)."""
    counts = figures.get("referral_sources") or {}  # absent from figures cached before it was added
    rows = [(ReferralSource(source).label, n) for source, n in counts.items()]
    table = Table("referral_sources", "Referrals by source", [Column("Source"), Column("Referrals", "count"),
                                                               Column("% of referrals", "pct")],
                  total_row=bool(rows), note="Referrals from other sources are entered by the link service's manager.")
    if not rows:
        return table
    result = suppress_list([n for _, n in rows], total=True)
    total = sum(n for _, n in rows)
    for i, (label, n) in enumerate(rows):
        hide = result.hidden[i][0]
        table.rows.append([label, SUPPRESSED if hide else n, None if hide or not total else round(100 * n / total, 1)])
    table.rows.append(["Total", result.column_total(0), 100.0 if total and not is_small(total) else None])
    return table


def need_pairs(figures: dict) -> Table:
    """The need areas most often ticked together (pairs seen fewer than 5 times are left out)."""
    table = Table("need_pairs", "Needs most often ticked together",
                  [Column("Needs ticked together"), Column("Referrals", "count")],
                  note="Only pairs ticked together on 5 or more referrals are listed.")
    for a, b, n in figures["needs"]["pairs"]:
        if n >= 5 and len(table.rows) < 10:
            table.rows.append([f"{NeedArea(a).label} + {NeedArea(b).label}", n])
    return table


def _report(figures: dict) -> dict | None:
    report = figures.get("report")
    if not report or report["people"]["included"] < 5:
        return None
    return report


def activity(figures: dict) -> Table:
    """Use of services in the 12 months before and after referral, by type."""
    report = figures.get("report")
    months = report["window_months"] if report else 12
    table = Table("activity", f"Use of services in the {months} months before and after referral",
                  [Column("Activity"), Column("People", "count"), Column("Before", "count"), Column("After", "count"),
                   Column("Change %", "pct"), Column("95% interval low", "pct"), Column("95% interval high", "pct"),
                   Column("p-value", "p")])
    if _report(figures) is None:
        table.note = "Fewer than 5 people have a complete follow-up window, so no figures are shown."
        return table
    # Visits are counts of events, not of people: they are shown once the figures rest on 5 or more people.
    for name, entry in report["by_activity"].items():
        change = None if entry["reduction_pct"] is None else -entry["reduction_pct"]
        interval = entry["reduction_pct_ci95"] or [None, None]
        table.rows.append([activity_label(name), entry["people"], entry["pre"], entry["post"], change,
                           None if interval[1] is None else -interval[1],
                           None if interval[0] is None else -interval[0], entry["p_value"]])
    table.note = ("Change is after compared with before; negative means fewer. "
                  "Before-and-after falls overstate the effect (regression to the mean).")
    return table


def savings(figures: dict) -> Table:
    """Saving priced with the published unit costs, by type, with GP, wider-system and total lines."""
    table = Table("savings", "Estimated saving by type of activity",
                  [Column("Activity"), Column("Unit cost", "gbp"), Column("Price year"), Column("Saving", "gbp"),
                   Column("95% interval low", "gbp"), Column("95% interval high", "gbp")])
    report = _report(figures)
    if report is None:
        table.note = "Fewer than 5 people have a complete follow-up window, so no saving is estimated."
        return table
    for name, entry in report["by_activity"].items():
        if entry["saving_gbp"] is None:
            continue
        interval = entry["saving_gbp_ci95"] or [None, None]
        cost = report["unit_costs"].get(name, {})
        table.rows.append([activity_label(name), entry["unit_cost_gbp"], cost.get("price_year", ""),
                           entry["saving_gbp"], interval[0], interval[1]])
    subtotals = report.get("saving_subtotals") or {}
    for group, label in (("gp_practice", "GP practice activity"),
                         ("wider_system", "Wider system (A&E, admissions, outpatients)")):
        if group in subtotals:
            entry = subtotals[group]
            low, high = entry["saving_gbp_ci95"] or [None, None]
            table.rows.append([label, None, "", entry["saving_gbp"], low, high])
    low, high = report["total_saving_gbp_ci95"] or [None, None]
    table.rows.append(["Total", None, "", report["total_saving_gbp"], low, high])
    table.total_row = True
    table.note = ("Intervals are 95% bootstrap intervals over people; each subtotal's interval comes from the "
                  "same resamples, so it is usually narrower than its rows' intervals added together.")
    return table


def onward_sectors(figures: dict) -> Table:
    """Onward referrals and linkages by sector, with the voluntary and community share."""
    table = Table("onward_sectors", "Onward referrals by sector",
                  [Column("Sector"), Column("Voluntary and community sector"), Column("Onward referrals", "count"),
                   Column("People", "count")], total_row=True)
    onward = (figures.get("report") or {}).get("onward_referrals") or {"by_sector": {}, "referrals": 0, "people": 0}
    sectors = sorted(onward["by_sector"].items(), key=lambda item: -item[1]["referrals"])
    referrals = suppress_list([s["referrals"] for _, s in sectors], total=True)
    for i, (sector, entry) in enumerate(sectors):
        vcs = sector in {s.value for s in Sector if s.is_voluntary_and_community}
        table.rows.append([sector_label(sector), "Yes" if vcs else "No", referrals.cell(i, 0),
                           SUPPRESSED if is_small(entry["people"]) else entry["people"]])
    table.rows.append(["Total", "", referrals.column_total(0) if sectors else 0,
                       SUPPRESSED if is_small(onward["people"]) else onward["people"]])
    return table


def onward_organisations(figures: dict) -> Table:
    """The organisations most often referred or linked to (10 at most), the rest together."""
    rows = figures["onward_organisations"]["organisations"]
    top, rest = rows[:10], rows[10:]
    values = [n for _, _, n in top] + ([sum(n for _, _, n in rest)] if rest else [])
    result = suppress_list(values, total=True)
    table = Table("onward_organisations", "Organisations most often referred or linked to",
                  [Column("Organisation"), Column("Sector"), Column("Onward referrals", "count")], total_row=True)
    for i, (name, sector, _) in enumerate(top):
        table.rows.append([name, sector_label(sector), result.cell(i, 0)])
    if rest:
        table.rows.append([f"{len(rest)} other organisations", "", result.cell(len(top), 0)])
    table.rows.append(["Total", "", result.column_total(0) if values else 0])
    return table


def wellbeing(figures: dict) -> Table:
    """Mean wellbeing at the first and latest measure, and the mean change with its interval."""
    table = Table("wellbeing", "Wellbeing at the first and latest measure",
                  [Column("Measure"), Column("People", "count"), Column("First (mean)", "num"),
                   Column("Latest (mean)", "num"), Column("Mean change", "num"), Column("95% interval low", "num"),
                   Column("95% interval high", "num"), Column("Better when")],
                  note="People with two or more measures. Means are not shown for fewer than 5 people.")
    data = (figures.get("report") or {}).get("wellbeing") or {}
    for instrument, item, label in WELLBEING_ITEMS:
        entry = (data.get(instrument) or {}).get(item)
        if not entry or not entry["people"]:
            table.rows.append([label, 0, None, None, None, None, None, ""])
            continue
        better = "higher" if entry["higher_is_better"] else "lower"
        if is_small(entry["people"]):
            table.rows.append([label, SUPPRESSED, None, None, None, None, None, better])
            continue
        low, high = entry["mean_change_ci95"] or [None, None]
        table.rows.append([label, entry["people"], entry["baseline_mean"], entry["latest_mean"],
                           entry["mean_change"], low, high, better])
    return table


def waits(figures: dict) -> Table:
    """Days from referral to first contact, banded, and how many are still waiting."""
    data = figures["waits"]
    result = suppress_list([n for _, n in data["bands"]], total=True)
    table = Table("waits", "Waiting time from referral to first contact",
                  [Column("Days from referral to first contact"), Column("People", "count")], total_row=True)
    for i, (label, _) in enumerate(data["bands"]):
        table.rows.append([label, result.cell(i, 0)])
    table.rows.append(["All with a first contact", result.column_total(0)])
    waiting = data["waiting"]
    table.note = f"Still waiting for a first contact: {SUPPRESSED if is_small(waiting) else waiting}."
    return table


def caseloads(rows: list[dict]) -> Table:
    """Open episodes per link officer (managers only)."""
    table = Table("caseloads", "Open caseload per link officer",
                  [Column("Link officer"), Column("Locality"), Column("Open episodes", "count")])
    for row in rows:
        table.rows.append([row["officer"], row["locality"], SUPPRESSED if is_small(row["open"]) else row["open"]])
    return table


def all_tables(figures: dict, *, caseload_rows: list[dict] | None = None) -> dict[str, Table]:
    """Every table of the dashboard, by export name (caseloads only when given, for managers)."""
    tables = [referrals_by_month(figures), referral_sources(figures), needs(figures), need_pairs(figures),
              activity(figures),
              savings(figures), onward_sectors(figures), onward_organisations(figures), wellbeing(figures),
              waits(figures)]
    if caseload_rows is not None:
        tables.append(caseloads(caseload_rows))
    return {table.name: table for table in tables}
