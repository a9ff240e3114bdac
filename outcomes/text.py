"""The plain-English text report (``--format text``) rendered from the report dict."""
from __future__ import annotations

from .definitions import ACTIVITY_LABELS


def money(value: float | None) -> str:
    """£1,234.56, or −£1,234.56 for a negative amount."""
    if value is None:
        return "not priced"
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def interval(ci, fmt) -> str:
    """' (95% interval A to B)' with each end formatted by ``fmt``; '' without one."""
    if not ci:
        return ""
    return f" (95% interval {fmt(ci[0])} to {fmt(ci[1])})"


def _pct(value: float) -> str:
    """A percentage to 1 decimal place."""
    return f"{value:.1f}%"


def change_sentence(name: str, entry: dict) -> str:
    """One line per activity type: before, after, change, saving, evidence."""
    label = ACTIVITY_LABELS.get(name, name)
    text = f"  {label}: {entry['pre']:,} before, {entry['post']:,} after"
    reduction = entry["reduction_pct"]
    if reduction is None:
        text += " (none before, so no percentage change)"
    elif reduction >= 0:
        text += f", down {_pct(reduction)}" + interval(entry["reduction_pct_ci95"], _pct)
    else:
        text += f", up {_pct(-reduction)}" + interval(entry["reduction_pct_ci95"], _pct)
    text += f"; p = {entry['p_value']:g}."
    if entry.get("pre_per_person_year") is not None:
        text += (
            f" Per person-year: {entry['pre_per_person_year']:g} before,"
            f" {entry['post_per_person_year']:g} after."
        )
    if entry["saving_gbp"] is None:
        text += " No unit cost, so not priced."
    else:
        text += (
            f" Saving {money(entry['saving_gbp'])}"
            + interval(entry["saving_gbp_ci95"], money)
            + f" at {money(entry['unit_cost_gbp'])} each."
        )
    return text


def did_lines(report: dict) -> list[str]:
    """The difference-in-differences beside the plain figure, and which is better (4.6)."""
    comparison = report["comparison"]["people"]
    lines = [
        "",
        f"Against a comparison cohort ({comparison['included']:,} of {comparison['referred']:,}"
        " comparison people included):",
    ]
    for name, entry in report["difference_in_differences"].items():
        label = ACTIVITY_LABELS.get(name, name)
        if entry["did_per_person"] is None:
            lines.append(f"  {label}: not enough people in one of the groups to compare.")
            continue
        plain = report["by_activity"].get(name)
        plain_text = (
            f"the plain before-and-after saving is {money(plain['saving_gbp'])}"
            if plain and plain["saving_gbp"] is not None
            else "the plain before-and-after figure is not priced"
        )
        avoided = entry["visits_avoided"]
        fewer = f"about {abs(avoided):g} {'fewer' if avoided >= 0 else 'more'}"
        lines.append(
            f"  {label}: referred people changed by {entry['referred_change_per_person']:+g} per"
            f" person, comparison people by {entry['comparison_change_per_person']:+g};"
            f" difference-in-differences {entry['did_per_person']:+g} per person"
            + interval(entry["did_per_person_ci95"], lambda v: f"{v:+g}")
            + f", {fewer} than the comparison trend predicts."
            + (f" Saving {money(entry['saving_gbp'])}" + interval(entry["saving_gbp_ci95"], money)
               if entry["saving_gbp"] is not None else " Not priced")
            + f"; beside it, {plain_text}."
        )
    lines.append(
        "  The difference-in-differences figures are the better estimate of what the service"
        " achieved: they allow for the fall in use that happens anyway, as seen in the"
        " comparison cohort."
    )
    return lines


def group_lines(report: dict) -> list[str]:
    """Total saving per group; a group under 5 people shows only that it is suppressed."""
    lines = []
    for column, groups in report.get("by_group", {}).items():
        if not groups:
            continue
        lines.append("")
        lines.append(f"By {column.replace('_', ' ')} (total saving):")
        for name, group in groups.items():
            if group["suppressed"]:
                lines.append(f"  {name}: suppressed (fewer than 5 people)")
            else:
                lines.append(
                    f"  {name}: {group['people']:,} people, {money(group['total_saving_gbp'])}"
                )
    return lines


def extra_lines(report: dict) -> list[str]:
    """Wellbeing, onward referrals and service figures, when the report has them."""
    lines = []
    if "wellbeing" in report:
        lines += ["", "Wellbeing (mean change from first to latest measure):"]
        for instrument, items in report["wellbeing"].items():
            if not isinstance(items, dict):
                continue
            for item, entry in items.items():
                if entry["people"] == 0:
                    lines.append(f"  {instrument} {item}: no one measured twice.")
                    continue
                better = "higher is better" if entry["higher_is_better"] else "lower is better"
                lines.append(
                    f"  {instrument} {item}: {entry['baseline_mean']:g} to {entry['latest_mean']:g},"
                    f" change {entry['mean_change']:+g}"
                    + interval(entry["mean_change_ci95"], lambda v: f"{v:+g}")
                    + f" ({better}; {entry['people']:,} people)."
                )
    if "onward_referrals" in report:
        onward = report["onward_referrals"]
        lines += ["", f"Onward referrals: {onward['referrals']:,} for {onward['people']:,} people."]
        for sector, entry in onward["by_sector"].items():
            statuses = ", ".join(f"{s} {c}" for s, c in entry["by_status"].items())
            lines.append(f"  {sector}: {entry['referrals']:,} ({entry['people']:,} people): {statuses}")
    if "support" in report:
        s = report["support"]
        lines += ["", f"Service: {s['referrals']:,} referrals for {s['people']:,} people."]
        wait, length = s["wait_to_first_contact_days"], s["length_of_support_days"]
        contacts = s["contacts_per_person"]
        lines.append(f"  Median wait to first contact: {wait['median']} days ({wait['referrals']:,} referrals).")
        lines.append(f"  Contacts per person: mean {contacts['mean']}, median {contacts['median']} ({contacts['people']:,} people).")
        lines.append(f"  Median length of support: {length['median']} days ({length['referrals']:,} referrals).")
        peer, volunteering = s["peer_support"], s["volunteering"]
        lines.append(
            f"  Into peer support: {peer['people']:,} of {peer['of_people']:,} people;"
            f" into volunteering: {volunteering['people']:,} of {volunteering['of_people']:,} people."
        )
    return lines


def render_text(report: dict) -> str:
    """The text report: people, change per activity type, total, DiD, extras, caveats."""
    people = report["people"]
    months, anchor = report["window_months"], report["anchor"]
    lines = [
        "Hearthlink outcomes report",
        "",
        f"Windows: {months} calendar months before and after each person's {anchor} date;"
        f" activity up to {report['as_of']}.",
        f"People: {people['referred']:,} referred, {people['included']:,} included;"
        f" {people['excluded_insufficient_followup']:,} left out for follow-up shorter than"
        f" {months} months"
        + (f", {people['excluded_no_anchor']:,} for having no discharge date." if anchor == "discharge" else "."),
        f"Activity rows for people not in the files: {report['activity_rows_unmatched']:,} (ignored).",
        "",
        "Use of services, before and after (included people):",
    ]
    if not report["by_activity"]:
        lines.append("  No activity in anyone's windows.")
    lines += [change_sentence(name, entry) for name, entry in report["by_activity"].items()]
    lines.append(
        f"Total saving before and after: {money(report['total_saving_gbp'])}"
        + interval(report["total_saving_gbp_ci95"], money)
        + "."
    )
    for group, label in (("gp_practice", "GP practice activity"), ("wider_system", "the wider system")):
        entry = report.get("saving_subtotals", {}).get(group)
        if entry:
            lines.append(f"  of which {label}: {money(entry['saving_gbp'])}"
                         + interval(entry["saving_gbp_ci95"], money) + ".")
    if "difference_in_differences" in report:
        lines += did_lines(report)
    lines += group_lines(report)
    lines += extra_lines(report)
    lines += ["", "Caveats:"] + [f"  - {c}" for c in report["caveats"]]
    lines += ["", "Unit costs used:"]
    used = [t for t in report["by_activity"] if t in report["unit_costs"]] or list(report["unit_costs"])
    for name in used:
        cost = report["unit_costs"][name]
        lines.append(f"  - {name}: {money(cost['unit_cost_gbp'])} ({cost['price_year']} prices). {cost['source']}")
    return "\n".join(lines) + "\n"
