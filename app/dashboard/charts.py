"""Plotly figures for the dashboard, built from the suppressed tables.

Figures are plain {"data", "layout"} dicts (what plotly.js takes), so building them costs
nothing.  Colours are the Okabe–Ito palette, distinguishable with every common colour-vision
deficiency; a suppressed cell ("<5") is never plotted (the bar is left out) and every chart
has a text summary for screen readers and its table beside it.
"""
from __future__ import annotations

from html import escape

from app.analytics.suppression import SUPPRESSED
from app.analytics.tables import Table

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
BEFORE, AFTER = "#E69F00", "#0072B2"
FONT = "Frutiger W01, Arial, sans-serif"


def _plotted(values: list) -> list:
    """Numbers to plot: suppressed and missing cells become gaps."""
    return [None if v == SUPPRESSED or v is None or isinstance(v, str) else v for v in values]


def _layout(title: str, *, horizontal: bool = False, height: int = 360, **extra) -> dict:
    layout = {
        "font": {"family": FONT, "size": 13, "color": "#212b32"},
        "height": height, "margin": {"l": 56, "r": 16, "t": 16, "b": 40},
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "y": -0.18},
        "xaxis": {"gridcolor": "#d8dde0", "automargin": True},
        "yaxis": {"gridcolor": "#d8dde0", "automargin": True},
        "colorway": OKABE_ITO,
    }
    if horizontal:
        layout["yaxis"]["autorange"] = "reversed"
        layout["margin"]["l"] = 8
    layout.update(extra)
    return layout


def _text(label) -> str:
    """A label as plotly should draw it: plotly reads <b>, <a>, <br> as markup and decodes &lt;,
    so escaping makes a typed name (a locality, an organisation) show exactly as typed."""
    return escape(str(label), quote=False)


def _bar(x, y, name: str, colour: str, **extra) -> dict:
    name = _text(name)
    return {"type": "bar", "x": x, "y": y, "name": name, "marker": {"color": colour},
            "hovertemplate": "%{x}: %{y}<extra>" + name + "</extra>", **extra}


def referrals(table: Table) -> dict:
    rows = table.rows[:-1] if table.total_row else table.rows
    periods = [r[0] for r in rows]
    groups = [c.label for c in table.columns[1:-1]]
    data = [_bar(periods, _plotted([r[1 + j] for r in rows]), g, OKABE_ITO[j % len(OKABE_ITO)])
            for j, g in enumerate(groups)]
    return {"data": data, "layout": _layout(table.title, barmode="stack")}


def horizontal(table: Table, label_col: int, value_col: int, colour: str = "#0072B2", height: int | None = None) -> dict:
    rows = table.rows[:-1] if table.total_row else table.rows
    rows = [r for r in rows if r[label_col] != "Total"]
    labels = [_wrap(str(r[label_col])) for r in rows]
    values = _plotted([r[value_col] for r in rows])
    trace = {"type": "bar", "orientation": "h", "y": labels, "x": values, "marker": {"color": colour},
             "name": table.columns[value_col].label, "hovertemplate": "%{y}: %{x}<extra></extra>"}
    return {"data": [trace], "layout": _layout(table.title, horizontal=True,
                                               height=height or max(240, 50 + sum(14 + 16 * label.count('<br>') + 14 for label in labels)), showlegend=False)}


def _hbar(labels, values, name: str, colour: str, **extra) -> dict:
    name = _text(name)
    return {"type": "bar", "orientation": "h", "y": labels, "x": values, "name": name, "marker": {"color": colour},
            "hovertemplate": "%{y}: %{x}<extra>" + name + "</extra>", **extra}


def grouped(table: Table, first: int, second: int, names: tuple[str, str]) -> dict:
    """Two bars per row (before and after), drawn across so long labels stay readable."""
    labels = [_wrap(r[0], 24) for r in table.rows]
    data = [_hbar(labels, _plotted([r[first] for r in table.rows]), names[0], BEFORE),
            _hbar(labels, _plotted([r[second] for r in table.rows]), names[1], AFTER)]
    layout = _layout(table.title, horizontal=True, height=max(260, 80 + 44 * len(labels)), barmode="group")
    layout["legend"] = {"orientation": "h", "y": -0.12, "traceorder": "normal"}
    return {"data": data, "layout": layout}


def _wrap(label: str, width: int = 34) -> str:
    """Break a long axis label over lines (plotly does not wrap)."""
    words, lines, line = _text(label).replace(" + ", " +\u00a0").split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines).replace("\u00a0", " ")


def before_after(table: Table) -> dict:
    return grouped(table, 2, 3, ("Before", "After"))


def savings(table: Table) -> dict:
    rows = [r for r in table.rows if r[1] is not None]  # by type only, not the subtotals
    values = _plotted([r[3] for r in rows])
    plus = [None if v is None or r[5] is None else r[5] - v for v, r in zip(values, rows)]
    minus = [None if v is None or r[4] is None else v - r[4] for v, r in zip(values, rows)]
    trace = _hbar([_text(r[0]) for r in rows], values, "Saving", "#009E73",
                  error_x={"type": "data", "symmetric": False, "array": plus, "arrayminus": minus,
                           "color": "#212b32", "thickness": 1.5})
    trace["hovertemplate"] = "%{y}: £%{x:,.0f}<extra></extra>"
    layout = _layout(table.title, horizontal=True, height=max(260, 60 + 40 * len(rows)), showlegend=False)
    layout["xaxis"].update({"title": {"text": "£ saved (bars) with 95% interval (lines)"}, "tickprefix": "£",
                            "zeroline": True, "zerolinecolor": "#425563", "zerolinewidth": 2})
    return {"data": [trace], "layout": layout}


def wellbeing(table: Table) -> dict:
    return grouped(table, 2, 3, ("First measure", "Latest measure"))


def waits(table: Table) -> dict:
    rows = table.rows[:-1]
    return {"data": [_bar([r[0] for r in rows], _plotted([r[1] for r in rows]), "People", "#0072B2")],
            "layout": _layout(table.title, showlegend=False)}


def caseloads(table: Table) -> dict:
    return horizontal(table, 0, 2, colour="#56B4E9")


def summary(table: Table, text: str) -> str:
    """The figcaption: what the chart shows in words, and whether anything was left out."""
    if table.has_suppressed:
        text += " Counts below 5 are shown as <5 in the table and are not plotted."
    return text
