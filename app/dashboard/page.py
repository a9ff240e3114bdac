"""What the dashboard page shows: the filters in force, the headline figures, and each chart
with its text summary and table — assembled from the cached figures."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request
from sqlalchemy import func, select

from app.analytics import counts, estimate_tables, filters as filtering, reach_tables
from app.analytics.figures import figures_for
from app.analytics.headline import headline, headline_table
from app.analytics.suppression import SUPPRESSED
from app.analytics.tables import Table, all_tables
from app.dashboard import charts
from app.dashboard.reach_charts import reach_charts
from app.extensions import db
from app.models import Locality, Practice, Referral
from app.models.base import uk_local, uk_today


@dataclass
class Chart:
    id: str
    title: str
    figure: dict | None
    summary: str
    table: Table


@dataclass
class View:
    filters: filtering.Filters
    description: str
    localities: list[str]
    practices: list[tuple[str, str, str]]  # (ods, name, locality)
    periods: list[tuple[str, str]]
    figures: dict
    headline: list[dict]
    tables: dict[str, Table]


def current_view(*, with_caseloads: bool) -> View:
    """Parse the filters from the URL, fetch (or compute) the figures, build the tables."""
    localities = list(db.session.scalars(select(Locality.name).order_by(Locality.name)))
    practices = [tuple(r) for r in db.session.execute(
        select(Practice.ods_code, Practice.name, Locality.name).join(Locality).order_by(Locality.name, Practice.name))]
    chosen = filtering.parse(request.args, localities=localities, practices=[p[0] for p in practices])
    earliest = db.session.scalar(select(func.min(Referral.received_at)))
    figures = figures_for(chosen, stale_ok=True)
    items = headline(figures)
    tables = {"headline": headline_table(items),
              **all_tables(figures, caseload_rows=counts.caseloads() if with_caseloads else None),
              **estimate_tables.all_tables(figures), **reach_tables.all_tables(figures)}
    return View(chosen, chosen.describe({p[0]: p[1] for p in practices}), localities, practices,
                filtering.period_choices(uk_today(), uk_local(earliest).date() if earliest else None, chosen.period),
                figures, items, tables)


def _total(table: Table, column: int = -1):
    return table.rows[-1][column] if table.rows else 0


def _largest(table: Table, label_col: int, value_col: int) -> str:
    rows = [r for r in (table.rows[:-1] if table.total_row else table.rows)
            if isinstance(r[value_col], (int, float)) and r[label_col] != "Total"]
    if not rows:
        return ""
    top = max(rows, key=lambda r: r[value_col])
    return f"{top[label_col]} ({top[value_col]:,})"


def build_charts(view: View) -> list[Chart]:
    """Every chart, with a sentence or two that says what it shows."""
    t = view.tables
    out = []
    ref = t["referrals_by_month"]
    if ref.rows:
        busiest = max((r for r in ref.rows[:-1] if isinstance(r[-1], int)), key=lambda r: r[-1], default=None)
        text = (f"{_total(ref)} referrals received from {ref.rows[0][0]} to {ref.rows[-2][0]}, "
                f"by {ref.columns[1].label and ref.title.rsplit('by ', 1)[-1]}.")
        if busiest:
            text += f" The busiest {ref.columns[0].label.lower()} was {busiest[0]} with {busiest[-1]:,}."
        out.append(Chart("referrals", ref.title, charts.referrals(ref), charts.summary(ref, text), ref))
    sources = t["referral_sources"]
    if sources.rows:
        from_gp = sources.rows[0][2]
        out.append(Chart("referral-sources", sources.title,
                         charts.horizontal(sources, 0, 1, colour="#CC79A7") if len(sources.rows) > 2 else None,
                         charts.summary(sources, (f"{from_gp}% of referrals came from GP practices. " if from_gp is not None
                                                  else "") + sources.note), sources))
    needs = t["needs"]
    out.append(Chart("needs", needs.title, charts.horizontal(needs, 0, 2),
                     charts.summary(needs, f"The most common need at referral is {_largest(needs, 0, 2)}. {needs.note}"),
                     needs))
    pairs = t["need_pairs"]
    if pairs.rows:
        out.append(Chart("need-pairs", pairs.title, charts.horizontal(pairs, 0, 1, colour="#CC79A7"),
                         f"The needs most often ticked together are {pairs.rows[0][0]} ({pairs.rows[0][1]:,} referrals). "
                         + pairs.note, pairs))
    activity = t["activity"]
    if activity.rows:
        first = activity.rows[0]
        text = (f"{first[0]}: {first[2]:,} in the {view.figures['report']['window_months']} months before referral and "
                f"{first[3]:,} after, over {first[1]:,} people. Orange bars are before, blue bars after.")
        out.append(Chart("activity", activity.title, charts.before_after(activity), text, activity))
        savings = t["savings"]
        total = savings.rows[-1]
        out.append(Chart("savings", savings.title, charts.savings(savings),
                         f"Estimated total saving £{total[3]:,.0f} (95% interval £{total[4]:,.0f} to £{total[5]:,.0f})."
                         f" {savings.note}", savings))
    else:
        out.append(Chart("activity", activity.title, None, activity.note, activity))
    sectors = t["onward_sectors"]
    out.append(Chart("onward-sectors", sectors.title,
                     charts.horizontal(sectors, 0, 2, colour="#009E73") if len(sectors.rows) > 1 else None,
                     charts.summary(sectors, f"{_total(sectors, 2)} onward referrals and linkages; the largest sector "
                                             f"is {_largest(sectors, 0, 2) or 'not yet known'}."), sectors))
    orgs = t["onward_organisations"]
    out.append(Chart("onward-organisations", orgs.title,
                     charts.horizontal(orgs, 0, 2, colour="#56B4E9") if len(orgs.rows) > 1 else None,
                     charts.summary(orgs, f"The organisation most often referred or linked to is "
                                          f"{_largest(orgs, 0, 2) or 'not yet known'}."), orgs))
    wellbeing = t["wellbeing"]
    shown = [r for r in wellbeing.rows if isinstance(r[4], (int, float))]
    out.append(Chart("wellbeing", wellbeing.title, charts.wellbeing(wellbeing) if shown else None,
                     charts.summary(wellbeing, "; ".join(f"{r[0]}: mean change {r[4]:+.2f} over {r[1]:,} people"
                                                         for r in shown) + "." if shown else
                                    "Not enough people have been measured twice yet."), wellbeing))
    waits = t["waits"]
    median = next((h["value"] for h in view.headline if h["key"] == "wait"), "—")
    out.append(Chart("waits", waits.title, charts.waits(waits) if _total(waits, 1) not in (0, SUPPRESSED) else None,
                     charts.summary(waits, f"Median wait from referral to first contact: {median}. {waits.note}"),
                     waits))
    out += reach_charts(view)
    if "caseloads" in t:
        case = t["caseloads"]
        out.append(Chart("caseloads", case.title, charts.caseloads(case),
                         charts.summary(case, f"Open episodes per link officer; the largest caseload is "
                                              f"{_largest(case, 0, 2) or 'none'}."), case))
    return out
