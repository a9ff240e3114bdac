"""The headline figures at the top of the dashboard and the printable report, suppressed and
worded for a board paper."""
from __future__ import annotations

from app.analytics.suppression import SUPPRESSED, is_small
from app.analytics.tables import Column, Table
from app.models.vocab import Sector

VCS = {s.value for s in Sector if s.is_voluntary_and_community}


def count(n: int | None) -> str:
    if n is None:
        return "—"
    return SUPPRESSED if is_small(n) else f"{n:,}"


def money(value: float | None) -> str:
    if value is None:
        return "—"
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%".replace("-", "−")


def number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:+.{digits}f}".replace("-", "−")


def _interval(pair, fmt) -> str:
    return f"95% interval {fmt(pair[0])} to {fmt(pair[1])}" if pair else ""


def _fall(entry: dict | None) -> dict:
    """A reduction shown as a fall ("down 22.3%") with its interval."""
    if not entry or entry["reduction_pct"] is None:
        return {"value": "—", "detail": "No activity recorded"}
    value = entry["reduction_pct"]
    word = "down" if value >= 0 else "up"
    return {"value": f"{word} {abs(value):.1f}%",
            "detail": f"{entry['pre']:,} before, {entry['post']:,} after; "
                      + _interval(entry["reduction_pct_ci95"], pct).replace("95% interval", "95% interval of the fall")}


def headline(figures: dict) -> list[dict]:
    """[{"key", "label", "value", "detail"}] in the order a board reads them."""
    flow = figures["flow"]
    items = [
        {"key": "referred", "label": "People referred", "value": count(flow["referred"]), "detail": ""},
        {"key": "accepted", "label": "Accepted", "value": count(flow["accepted"]), "detail": ""},
        {"key": "supported", "label": "Supported (first contact made)", "value": count(flow["supported"]), "detail": ""},
        {"key": "discharged", "label": "Discharged", "value": count(flow["discharged"]), "detail": ""},
        {"key": "declined_by_person", "label": "Declined by the person", "detail": "",
         "value": count(flow.get("declined_by_person", 0))},  # older cached figures lack it
    ]
    report = figures.get("report") or {}
    support = report.get("support") or {}
    wait = support.get("wait_to_first_contact_days") or {}
    wait_value = "—" if wait.get("median") is None else (
        SUPPRESSED + " people" if is_small(wait.get("people")) else f"{wait['median']:.0f} days")
    items.append({"key": "wait", "label": "Median wait from referral to first contact", "value": wait_value,
                  "detail": f"over {count(wait.get('people'))} people" if wait.get("people") else ""})
    included = (report.get("people") or {}).get("included", 0)
    enough = included >= 5
    by_activity = report.get("by_activity") or {}
    if enough:
        items.append({"key": "gp_surgery", "label": "GP surgery consultations", **_fall(by_activity.get("gp_surgery"))})
        items.append({"key": "gp_home_visit", "label": "GP home visits", **_fall(by_activity.get("gp_home_visit"))})
        years = ", ".join(report.get("price_years") or [])
        items.append({"key": "saving", "label": "Estimated saving (all priced activity)",
                      "value": money(report["total_saving_gbp"]),
                      "detail": _interval(report["total_saving_gbp_ci95"], money) + f"; prices of {years}"})
        subtotals = report.get("saving_subtotals") or {}
        if "gp_practice" in subtotals:
            gp = subtotals["gp_practice"]
            items.append({"key": "gp_saving", "label": "of which GP practice activity",
                          "value": money(gp["saving_gbp"]),
                          "detail": _interval(gp["saving_gbp_ci95"], money)
                          + "; PSSRU Unit Costs of Health and Social Care"})
        if "wider_system" in subtotals:
            wider = subtotals["wider_system"]
            items.append({"key": "wider_saving", "label": "Wider system (A&E, admissions, outpatients)",
                          "value": money(wider["saving_gbp"]),
                          "detail": _interval(wider["saving_gbp_ci95"], money) + "; NHS Reference Costs"})
    else:
        items.append({"key": "saving", "label": "GP activity and saving", "value": "—",
                      "detail": f"Fewer than 5 people have {report.get('window_months', 12)} months of follow-up yet"})
    onward = report.get("onward_referrals") or {}
    total = onward.get("referrals", 0)
    vcs = sum(e["referrals"] for s, e in (onward.get("by_sector") or {}).items() if s in VCS)
    share = "—" if not total else (SUPPRESSED if is_small(vcs) or is_small(total - vcs)
                                   else pct(100 * vcs / total))
    items.append({"key": "vcs", "label": "Onward referrals to the voluntary and community sector", "value": share,
                  "detail": f"of {count(total)} onward referrals" if total else "No onward referrals yet"})
    items.append({"key": "peer", "label": "People into peer support",
                  "value": count((support.get("peer_support") or {}).get("people", 0)), "detail": ""})
    items.append({"key": "volunteering", "label": "People into volunteering",
                  "value": count((support.get("volunteering") or {}).get("people", 0)), "detail": ""})
    wellbeing = report.get("wellbeing") or {}
    for instrument, item, label, scale in (("ons4", "life_satisfaction", "Life satisfaction (ONS4), mean change", "0–10, higher is better"),
                                           ("ucla3", "total", "Loneliness (UCLA 3-item), mean change", "3–9, lower is better")):
        entry = (wellbeing.get(instrument) or {}).get(item) or {}
        people = entry.get("people") or 0
        if people >= 5 and entry.get("mean_change") is not None:
            items.append({"key": f"{instrument}_{item}", "label": label, "value": number(entry["mean_change"]),
                          "detail": f"{_interval(entry['mean_change_ci95'], number)}; {people:,} people; {scale}"})
        else:
            items.append({"key": f"{instrument}_{item}", "label": label, "value": "—",
                          "detail": "Fewer than 5 people measured twice" if people else "No repeat measures yet"})
    return items


def headline_table(items: list[dict]) -> Table:
    table = Table("headline", "Headline figures", [Column("Measure"), Column("Value"), Column("Detail")])
    table.rows = [[item["label"], item["value"], item["detail"]] for item in items]
    return table
