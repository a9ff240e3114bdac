"""The demo's run of contacts through each person's support: drawn once, written in bulk.

Most of a demo load's contacts are the weekly or fortnightly ones after the support plan is
agreed (seed/support.py). Through the services each is a call, a few flushes and a commit — home
visits two calls — which made this part alone about a third of the support part's time. So the
run is first drawn from the generator (``draw``: the same numbers in the same order whichever way
it is written), then ``write`` puts in the database exactly what ``contacts.record`` and
``visits.check_in``/``check_out`` would have left, in three statements per person: the contacts,
the home visits (checked in and out, each pointing at its contact) and the episode's last contact,
with the same audit events in the same order. ``write_through_services`` makes the same run
through the services; ``tests/test_support_bulk.py`` loads the demo both ways and finds every row
of every table the same.

``write`` only writes what needs no decision by the services: an open episode already in support
whose first contact is on or before every contact in the run, and an officer not checked in
anywhere. Anything else (which the demo never draws) goes through the services.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert

from app.extensions import db
from app.models import Contact, HomeVisit
from app.models.base import uk_local, uk_today, utcnow
from app.models.contact import ContactKind, ContactStatus
from app.models.referral import ReferralStatus
from app.services import casework, contacts, visits
from seed import support_plan as plan
from seed.working_days import working_day

EXPECTED_VISIT = timedelta(minutes=90)
LONGEST_STAY = timedelta(minutes=120)  # a visit that ran on (see `visit`)
_KINDS = ["home_visit", "phone", "community_venue", "accompanied_visit", "group_session", "video"]
_KIND_WEIGHTS = [3, 4, 2, 2, 1, 1]


@dataclass(frozen=True)
class Drawn:
    """One held contact of the run. A home visit has its check-in time and how long it lasted."""

    kind: str
    day: date
    notes: str
    duration_minutes: int | None = None
    start: datetime | None = None
    stayed_minutes: int = 0
    who_was_there: str = ""


def _visit_start(rng, day: date, now: datetime) -> datetime:
    """A home visit's check-in (UTC) on `day`; one "today" that has not happened yet is the day before."""
    start = datetime.combine(day, time(rng.choice([9, 10, 11, 13, 14]), rng.choice([0, 15, 30])))
    if start + LONGEST_STAY > now:
        start -= timedelta(days=1)
    return start


def visit(rng, day: date, notes: str, now: datetime) -> Drawn:
    """A home visit on `day`: its check-in, who was there and how long it lasted. About one in
    thirty ran on, checked out half an hour after its expected end (the manager's visit history
    shows them as checked out late), from the same draw as the rest."""
    start = _visit_start(rng, day, now)
    who = rng.choice(["", "", "Their daughter"])
    stayed = rng.randint(40, 100)
    return Drawn(ContactKind.HOME_VISIT.value, day, notes, start=start,
                 stayed_minutes=stayed + 20 if stayed >= 99 else stayed, who_was_there=who)


def draw(rng, first: date, end: date, now: datetime) -> tuple[list[Drawn], date]:
    """A contact every 6 to 16 days after `first` up to `end`, each on a working day (see
    `working_day`): (the run, the day of the last one)."""
    day, last, run = first, first, []
    while True:
        day += timedelta(days=rng.randint(6, 16))
        if day > end:
            return run, last
        day = working_day(day, last + timedelta(days=1), end)
        kind = rng.choices(_KINDS, weights=_KIND_WEIGHTS)[0]
        if kind == ContactKind.HOME_VISIT.value:
            run.append(visit(rng, day, rng.choice(plan.CONTACT_NOTES), now))
        else:
            minutes = rng.choice([15, 20, 30, 45, 60, 90])
            run.append(Drawn(kind, day, rng.choice(plan.CONTACT_NOTES), duration_minutes=minutes))
        last = day


def write_through_services(officer, episode, run: list[Drawn]) -> None:
    for item in run:
        if item.start is None:
            contacts.record(by=officer, episode=episode, kind=item.kind, status=ContactStatus.HELD.value,
                            on=item.day, duration_minutes=item.duration_minutes, notes=item.notes)
        else:
            visit_through_services(officer, episode, item)


def visit_through_services(officer, episode, item: Drawn) -> None:
    """A drawn home visit, checked in and out through the services (a first visit always is)."""
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=item.start + EXPECTED_VISIT, now=item.start)
    visits.check_out(by=officer, visit=visit, notes=item.notes, who_was_there=item.who_was_there,
                     now=item.start + timedelta(minutes=item.stayed_minutes))


def _held_on(item: Drawn) -> tuple[date, time | None, int]:
    """(the contact's date, its time, its minutes) as the services record it."""
    if item.start is None:
        return item.day, None, item.duration_minutes or 0
    local = uk_local(item.start)
    return local.date(), local.time().replace(second=0, microsecond=0), max(1, item.stayed_minutes)


def _needs_no_decision(officer, episode, held: list[tuple[date, time | None, int]]) -> bool:
    days = [on for on, _, _ in held]
    return (episode.is_open and episode.referral.status_enum is ReferralStatus.IN_SUPPORT
            and episode.first_contact_on is not None and min(days) >= episode.first_contact_on
            and max(days) <= uk_today()
            and all(0 < minutes <= contacts.MAX_MINUTES for _, _, minutes in held)
            and visits.open_visit_for(officer) is None)


def write(officer, episode, run: list[Drawn]) -> None:
    """The run's rows and audit events, as the services would leave them (see the module docstring)."""
    if not run:
        return
    held = [_held_on(item) for item in run]
    if not _needs_no_decision(officer, episode, held):
        write_through_services(officer, episode, run)
        return
    db.session.flush()
    contact_ids = db.session.execute(
        insert(Contact.__table__).returning(Contact.__table__.c.id, sort_by_parameter_order=True),
        [{"episode_id": episode.id, "kind": item.kind, "status": ContactStatus.HELD.value, "contact_on": on,
          "at_time": at, "duration_minutes": minutes, "who_was_there": item.who_was_there.strip(),
          "notes": item.notes.strip(), "recorded_by_id": officer.id, "created_at": utcnow(), "version": 1}
         for item, (on, at, minutes) in zip(run, held, strict=True)]).scalars().all()
    visited = [(item, contact_id) for item, contact_id in zip(run, contact_ids, strict=True) if item.start]
    visit_ids = db.session.execute(
        insert(HomeVisit.__table__).returning(HomeVisit.__table__.c.id, sort_by_parameter_order=True),
        [{"episode_id": episode.id, "officer_id": officer.id, "checked_in_at": item.start,
          "expected_end_at": item.start + EXPECTED_VISIT, "check_in_note": "",
          "checked_out_at": item.start + timedelta(minutes=item.stayed_minutes), "checked_out_by_id": officer.id,
          # Checking out writes a visit twice, as the services do: its check-out, then its contact.
          "contact_id": contact_id, "version": 3}
         for item, contact_id in visited]).scalars().all() if visited else []
    next_visit = iter(visit_ids)  # in the run's order, as the visits were inserted
    for item, (on, _, minutes) in zip(run, held, strict=True):
        if item.start is None:
            casework.record(by=officer, episode=episode, action="contact.held", detail=f"{item.kind} on {on}")
            continue
        visit_id = next(next_visit)
        expected = item.start + EXPECTED_VISIT
        casework.record(by=officer, episode=episode, action="visit.check_in",
                        detail=f"visit {visit_id}, expected end {expected:%Y-%m-%d %H:%M} UTC")
        casework.record(by=officer, episode=episode, action="contact.held", detail=f"{item.kind} on {on}")
        casework.record(by=officer, episode=episode, action="visit.check_out",
                        detail=f"visit {visit_id}, {minutes} min")
    casework.keep_later_contact(episode, max(on for on, _, _ in held))
    db.session.expire(episode, ["contacts", "home_visits"])  # the session's lists, if loaded, lack these
    db.session.commit()
