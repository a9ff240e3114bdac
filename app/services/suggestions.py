"""Suggested directory services for a person's open needs.

Ranking, in order: how many of the person's open needs the service meets; whether it serves the
person's locality (their practice's); how often colleagues' onward referrals to it ended in
"attending" or "completed" (out of those with an outcome); whether it runs at times that suit the
person (their preferred contact times, when they name mornings, afternoons, evenings or days).

Open needs are the needs recorded on the support record that are still identified or being
addressed, together with the need areas the practice ticked on the referral that the officer has not
recorded yet (see `open_need_areas`).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from sqlalchemy import Integer, bindparam, case, exists, func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.directory import Service, ServiceNeedArea, ServiceStatus
from app.models.directory_places import ServiceAtLocation, ServiceContact
from app.models.onward import ONWARD_SUCCESS, OnwardReferral, OnwardStatus
from app.models.vocab import NeedArea

OUTCOME_STATUSES = (OnwardStatus.ATTENDING, OnwardStatus.COMPLETED, OnwardStatus.DECLINED, OnwardStatus.DID_NOT_ATTEND)
DAY_WORDS = {"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
             "saturday": "SA", "sunday": "SU"}
PARTS_OF_DAY = {"morning": ("00:00", "12:00"), "afternoon": ("12:00", "17:00"), "evening": ("17:00", "23:59")}


@dataclass
class Suggestion:
    service: Service
    matched_needs: list[NeedArea]
    in_locality: bool
    successes: int
    outcomes: int
    times_suit: bool | None  # None: the person named no preferred times
    score: tuple = field(default=())

    @property
    def success_rate(self) -> float | None:
        return self.successes / self.outcomes if self.outcomes else None

    @property
    def reason(self) -> str:
        parts = ["Meets " + ", ".join(n.label.lower() for n in self.matched_needs)]
        parts.append("in their locality" if self.in_locality else "outside their locality")
        if self.outcomes:
            parts.append(f"{self.successes} of {self.outcomes} colleagues' referrals ended attending or completed")
        if self.times_suit:
            parts.append("runs at times that suit them")
        return "; ".join(parts)


def open_need_areas(episode) -> list[str]:
    """The need areas suggestions are for: the union of the open needs recorded on the support record
    and the areas ticked on the referral that are not recorded yet.

    The holistic assessment often records one need at a time. Taking only the recorded needs once
    there are any would drop every ticked area the officer has not reached yet; a ticked area leaves
    the list only once it is recorded, and then follows that need (gone when met or declined).
    """
    ticked = set(episode.referral.need_areas) if episode.referral else set()
    try:
        from app.models.support import OPEN_NEED_STATUSES, Need
    except ImportError:  # the support record is not installed
        return sorted(ticked)
    if "needs" in episode.__dict__:  # already loaded (the support record): no second query
        recorded = [(need.area, need.status) for need in episode.needs]
    else:
        recorded = db.session.execute(select(Need.area, Need.status).where(Need.episode_id == episode.id)).all()
    open_statuses = {str(s) for s in OPEN_NEED_STATUSES}
    open_recorded = {area for area, status in recorded if status in open_statuses}
    return sorted(open_recorded | (ticked - {area for area, _ in recorded}))


def preferred_times(text: str) -> tuple[set[str], list[tuple[str, str]]]:
    """Days and parts of the day named in a person's contact times ('weekday mornings', 'Tuesdays')."""
    words = (text or "").lower()
    days = {code for word, code in DAY_WORDS.items() if word in words}
    if "weekday" in words:
        days |= {"MO", "TU", "WE", "TH", "FR"}
    if "weekend" in words:
        days |= {"SA", "SU"}
    windows = [window for part, window in PARTS_OF_DAY.items() if re.search(part, words)]
    return days, windows


def _times_suit(service: Service, days: set[str], windows: list) -> bool | None:
    if not days and not windows:
        return None
    schedules = list(service.schedules) + [s for sal in service.service_at_locations for s in sal.schedules]
    for schedule in schedules:
        codes = {part.strip()[-2:] for part in (schedule.byday or "").split(",") if part.strip()}
        day_ok = not days or bool(codes & days)
        time_ok = not windows or any(schedule.opens_at and schedule.opens_at < end and schedule.closes_at > start
                                     for start, end in windows)
        if day_ok and time_ok:
            return True
    return False


def _track_record(service_ids: list[str]) -> dict[str, tuple[int, int]]:
    success = [s.value for s in ONWARD_SUCCESS]
    rows = db.session.execute(
        select(OnwardReferral.service_id,
               func.sum(case((OnwardReferral.status.in_(success), 1), else_=0)), func.count())
        .where(OnwardReferral.service_id.in_(service_ids),
               OnwardReferral.status.in_([s.value for s in OUTCOME_STATUSES]))
        .group_by(OnwardReferral.service_id))
    return {service_id: (int(ok or 0), int(total)) for service_id, ok, total in rows}


@functools.cache
def _candidates_statement(with_times: bool):
    """Active services meeting any of the needs (`needs`, expanding) that the episode
    (`episode_id`) has not been linked or referred to yet. Built once for each of its two forms:
    a statement with its options costs more to build than to run, and a record page asks on
    every view."""
    # Every candidate is loaded with what ranks it (its schedules only when the person named
    # times); what a card prints is loaded below for the shown few. A record page ranks a couple
    # of dozen services and shows five: loading every candidate's organisation, contacts and
    # phones was a third of its time on the demo's directory.
    ranking = [selectinload(Service.need_areas), selectinload(Service.localities)]
    if with_times:
        ranking += [selectinload(Service.schedules),
                    selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules)]
    already = select(OnwardReferral.service_id).where(
        OnwardReferral.episode_id == bindparam("episode_id", type_=Integer), OnwardReferral.service_id.is_not(None))
    meets = exists().where(ServiceNeedArea.service_id == Service.id,
                           ServiceNeedArea.area.in_(bindparam("needs", expanding=True)))
    return (select(Service).where(Service.status == ServiceStatus.ACTIVE.value, Service.id.not_in(already), meets)
            .options(*ranking))


def suggest_for(episode, *, limit: int = 10) -> list[Suggestion]:
    """Active services meeting the person's open needs, best first (see the module docstring)."""
    needs = open_need_areas(episode)
    if not needs:
        return []
    days, windows = preferred_times(getattr(episode.person, "contact_times", "") or "")
    candidates = db.session.scalars(_candidates_statement(bool(days or windows)),
                                    {"episode_id": episode.id, "needs": needs}).all()
    if not candidates:
        return []  # nothing meets the needs: no track record to read
    practice = episode.person.practice if episode.person else None
    locality_id = practice.locality_id if practice else None
    record = _track_record([s.id for s in candidates])
    suggestions = []
    for service in candidates:
        matched = [NeedArea(a) for a in needs if a in service.need_area_values]
        in_locality = any(row.locality_id == locality_id for row in service.localities)
        successes, outcomes = record.get(service.id, (0, 0))
        suit = _times_suit(service, days, windows)
        rate = successes / outcomes if outcomes else 0.0
        suggestion = Suggestion(service, matched, in_locality, successes, outcomes, suit)
        suggestion.score = (len(matched), in_locality, rate, bool(suit))
        suggestions.append(suggestion)
    suggestions.sort(key=lambda s: (tuple(-float(x) for x in s.score), s.service.name.lower()))
    shown = suggestions[:limit]
    # The shown services' organisation, contacts and phones, into the objects already loaded.
    db.session.scalars(select(Service).where(Service.id.in_([s.service.id for s in shown]))
                       .options(selectinload(Service.organization),
                                selectinload(Service.contacts).selectinload(ServiceContact.phones))).all()
    return shown
