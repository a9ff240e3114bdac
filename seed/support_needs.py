"""The demo's needs: the first recorded through the service, the rest and their moves written in bulk.

After the contacts (seed/support_contacts.py), needs were the support part's next largest cost:
each ``needs.add`` and ``needs.update`` is a flush, a commit and a query or two, about 2,000 of
them in a demo load. The first need of an episode goes through ``needs.add``, because it agrees the
support plan and moves the practice's referral on, a decision only the services make. Once the
referral is in support, adding another need or moving one on decides nothing, so ``add`` inserts
the others in one statement and ``move`` writes a batch of status moves in one statement per
status, each with the audit event the service records, in the same order.
``tests/test_support_bulk.py`` loads the demo both ways and finds every row of every table the same.

Anything that would need a decision (an episode closed or not yet in support, an area already
recorded, a move the service refuses) goes through the services instead.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import Need
from app.models.referral import ReferralStatus
from app.models.support import NEED_STATUS_DATE, NeedStatus
from app.services import casework, needs

Drawn = tuple[str, str, str]  # (area, severity, notes) as the demo draws them


def add(officer, episode, drawn: list[Drawn], on: date, *, bulk: bool = True) -> list[Need]:
    """Record the drawn needs on `on`, as needs.add would one by one; the needs, in that order."""
    if not drawn:
        return []
    area, severity, notes = drawn[0]
    made = [needs.add(by=officer, episode=episode, area=area, severity=severity, on=on, notes=notes)]
    rest = drawn[1:]
    if not rest:
        return made
    if not (bulk and _in_support(episode) and _new_areas(episode, [area for area, _, _ in rest])):
        return made + add_through_services(officer, episode, rest, on)
    ticked = set(episode.referral.need_areas)
    ids = db.session.execute(
        insert(Need.__table__).returning(Need.__table__.c.id, sort_by_parameter_order=True),
        [{"episode_id": episode.id, "area": area, "severity": severity, "status": NeedStatus.IDENTIFIED.value,
          "from_referral": area in ticked, "identified_on": on, "addressed_on": None, "met_on": None,
          "declined_on": None, "notes": notes.strip(), "created_by_id": officer.id if officer else None,
          "version": 1} for area, severity, notes in rest]).scalars().all()
    for area, severity, _ in rest:
        casework.record(by=officer, episode=episode, action="need.create",
                        detail=f"{area} ({severity}){'' if area in ticked else ', found at home'}")
    db.session.expire(episode, ["needs"])  # the session's list, if loaded, lacks these
    db.session.commit()
    by_id = {need.id: need for need in db.session.scalars(select(Need).where(Need.id.in_(ids)))}
    return made + [by_id[need_id] for need_id in ids]


def add_through_services(officer, episode, drawn: list[Drawn], on: date) -> list[Need]:
    return [needs.add(by=officer, episode=episode, area=area, severity=severity, on=on, notes=notes)
            for area, severity, notes in drawn]


def move(officer, episode, moves: list[tuple[Need, str, date]], *, bulk: bool = True) -> None:
    """Move each need to its status on its day, as needs.update would with its severity and notes
    unchanged: the status, the status's date and the version, and a 'need.update' event each."""
    moves = [(need, NeedStatus(status), on) for need, status, on in moves]
    if not moves:
        return
    if not (bulk and episode.is_open and len({need.id for need, _, _ in moves}) == len(moves)
            and all(need.episode_id == episode.id and status is not need.status_enum
                    and status is not NeedStatus.IDENTIFIED and status in needs.NEED_MOVES[need.status_enum]
                    for need, status, _ in moves)):
        move_through_services(officer, [(need, status.value, on) for need, status, on in moves])
        return
    table = Need.__table__
    by_status: dict[NeedStatus, list[dict]] = {}
    for need, status, on in moves:
        by_status.setdefault(status, []).append({"need_id": need.id, "was": need.version, "on": on})
    for status, rows in by_status.items():
        column = NEED_STATUS_DATE[status]  # set whatever it held: only 'identified' keeps its first date
        db.session.execute(update(table).where(table.c.id == bindparam("need_id"), table.c.version == bindparam("was"))
                           .values({"status": status.value, column: bindparam("on"), "version": table.c.version + 1})
                           .execution_options(synchronize_session=False), rows)
    for need, status, on in moves:
        casework.record(by=officer, episode=episode, action="need.update",
                        detail=f"{need.area}: {need.status} -> {status.value}")
        set_committed_value(need, NEED_STATUS_DATE[status], on)
        set_committed_value(need, "status", status.value)
        set_committed_value(need, "version", need.version + 1)
    db.session.commit()


def move_through_services(officer, moves: list[tuple[Need, str, date]]) -> None:
    for need, status, on in moves:
        needs.update(by=officer, need=need, severity=need.severity, status=status, notes=need.notes,
                     version=need.version, on=on)


def _in_support(episode) -> bool:
    return episode.is_open and episode.referral.status_enum is ReferralStatus.IN_SUPPORT


def _new_areas(episode, areas: list[str]) -> bool:
    held = set(db.session.scalars(select(Need.area).where(Need.episode_id == episode.id)))
    return len(set(areas)) == len(areas) and not held & set(areas)
