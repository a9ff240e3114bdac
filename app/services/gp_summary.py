"""The summary back to the GP at discharge, in the PRSB Social Prescribing Information Standard's
"message back to GP" headings, as plain data: the FHIR Composition (`app/fhir/composition.py`)
and the PDF (`app/services/summary_pdf.py`) are both drawn from this one reading, so what the
practice files and what it downloads always say the same thing.

Order matters: **Plan and requested actions comes first** (what the GP is asked to do or should
know is still planned; "None" when nothing is), then the summary of support, what matters to the
person, needs and what was done about them (onward referrals and linkages by sector, peer
support), wellbeing scores first and last, and risks. No case notes are included.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.models import Episode, Referral
from app.models.base import long_date
from app.models.onward import OnwardKind, OnwardStatus
from app.models.person import DischargeReason
from app.models.support import GoalStatus, NeedStatus, PeerKind
from app.models.vocab import NeedArea, Sector
from app.models.wellbeing import ONS4_ITEMS, Instrument

NONE = "None"


ONS4_SHORT = {"life_satisfaction": "Life satisfaction", "worthwhile": "Things done are worthwhile",
              "happiness": "Happiness yesterday", "anxiety": "Anxiety yesterday"}


@dataclass(frozen=True)
class Section:
    """One PRSB heading: its title and its lines (never empty: "None" or "Not recorded")."""
    code: str
    title: str
    lines: list[str]


@dataclass
class GpSummary:
    referral_id: int
    person_name: str
    nhs_number: str
    date_of_birth: date
    practice_name: str
    practice_ods: str
    referred_on: date
    first_contact_on: date | None
    discharged_on: date | None
    discharge_reason: str
    link_officer: str
    sections: list[Section] = field(default_factory=list)


def _area(value: str | None) -> str:
    try:
        return NeedArea(value).label if value else ""
    except ValueError:
        return value or ""


def _plan(episode: Episode) -> list[str]:
    """Goals still being worked on at discharge and their open actions, with who and when."""
    lines = []
    for goal in getattr(episode, "goals", []):
        if goal.status != GoalStatus.ACTIVE.value:
            continue
        lines.append(f"Goal: {goal.description}" + (f" ({_area(goal.need_area)})" if goal.need_area else ""))
        for action in goal.actions:
            if action.done_on is None:
                due = f", by {long_date(action.due_on)}" if action.due_on else ""
                lines.append(f"Action: {action.description} ({action.who}{due})")
    return lines or [NONE]


def _needs(episode: Episode) -> list[str]:
    lines = []
    for need in getattr(episode, "needs", []):
        lines.append(f"{_area(need.area)}: {NeedStatus(need.status).label.lower()}")
    return lines or ["No needs recorded"]


def _onward(episode: Episode) -> list[str]:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import OnwardReferral

    rows = db.session.scalars(select(OnwardReferral).where(OnwardReferral.episode_id == episode.id)
                              .order_by(OnwardReferral.sector, OnwardReferral.id)).all()
    lines = []
    for item in rows:
        name = item.organisation_name + (f" ({item.service_name})" if item.service_name else "")
        kind = "linkage" if item.kind == OnwardKind.LINKAGE.value else "formal referral"
        lines.append(f"{Sector(item.sector).label} sector: {name}, {kind}, {OnwardStatus(item.status).label.lower()}")
    for peer in getattr(episode, "peer_support", []):
        lines.append(f"Peer support: {PeerKind(peer.kind).label.lower()} at {peer.where} "
                     f"from {long_date(peer.started_on)}")
    return lines or [NONE]


def _measure_line(measure) -> str:
    if measure.instrument == Instrument.ONS4.value:
        scores = ", ".join(f"{ONS4_SHORT[item]} {getattr(measure, item)}" for item in ONS4_ITEMS)
        return f"ONS4 on {long_date(measure.taken_on)}: {scores} (0 to 10)"
    return (f"UCLA loneliness on {long_date(measure.taken_on)}: total {measure.ucla_total} "
            "(3 to 9, lower is less lonely)")


def _wellbeing(episode: Episode) -> list[str]:
    lines = []
    for instrument in Instrument:
        taken = [m for m in getattr(episode, "measures", []) if m.instrument == instrument.value]
        if not taken:
            continue
        lines.append("First: " + _measure_line(taken[0]))
        if len(taken) > 1:
            lines.append("Last: " + _measure_line(taken[-1]))
    return lines or ["No wellbeing scores recorded"]


def _risks(referral: Referral, episode: Episode) -> list[str]:
    """The person's risk record (acceptance copied the referral's ticks into it): risks in force,
    a dated "no known risks", or, when every risk has ended since, the ended ones said as ended —
    never a risk that no longer applies listed as if it did."""
    from app.services import risk_summary

    summary = risk_summary.for_person(episode.person_id)
    if summary.active:
        return [risk.label for risk in summary.active]
    statement = summary.no_known_risks
    if statement is not None:
        return [f"No known risks (recorded {long_date(statement.recorded_at)})"]
    if summary.ended:
        return ["No risks in force"] + [f"Ended: {risk.label} (ended {long_date(risk.ended_at)})"
                                        for risk in summary.ended]
    return ["No known risks recorded"]


def for_referral(referral: Referral) -> GpSummary:
    """The discharge summary of a discharged referral (its episode must exist)."""
    episode = referral.episode
    if episode is None:
        raise ValueError("only an accepted referral has a support summary")
    reason = DischargeReason(episode.discharge_reason).label if episode.discharge_reason else ""
    summary = GpSummary(
        referral_id=referral.id, person_name=referral.full_name, nhs_number=referral.nhs_number,
        date_of_birth=referral.date_of_birth, practice_name=referral.practice.name,
        practice_ods=referral.practice.ods_code, referred_on=referral.mdt_meeting_date,
        first_contact_on=episode.first_contact_on, discharged_on=episode.discharged_on,
        discharge_reason=reason, link_officer=episode.officer.name if episode.officer else "")
    summary.sections = [
        Section("plan", "Plan and requested actions", _plan(episode)),
        Section("summary", "Summary of support", [episode.discharge_summary or "Not recorded"]),
        Section("what-matters", "What matters to the person", [episode.what_matters_to_me or "Not recorded"]),
        Section("needs", "Needs", _needs(episode)),
        Section("support", "What was done: onward referrals, linkages and peer support", _onward(episode)),
        Section("wellbeing", "Wellbeing scores, first and last", _wellbeing(episode)),
        Section("risks", "Risks", _risks(referral, episode)),
    ]
    return summary
