"""The demo's goals: those agreed at the first assessment written in two statements.

``goals.add`` takes one goal at a time (with its first action), a flush and a commit each. Once the
referral is in support, agreeing a goal decides nothing, so ``add`` puts in the database what the
service would leave for each goal and its action, with a 'goal.create' audit event each, in the
same order. ``tests/test_support_bulk.py`` loads the demo both ways and finds every row of every
table the same. A goal the service would refuse, or one that could agree the plan, goes through it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert

from app.extensions import db
from app.models import Goal, GoalAction
from app.models.referral import ReferralStatus
from app.models.support import GoalStatus
from app.models.vocab import NeedArea
from app.services import casework, goals


@dataclass(frozen=True)
class Drawn:
    description: str
    need_area: str
    on: date
    review_on: date
    action: str
    action_by: str
    action_due: date


def add(officer, episode, drawn: list[Drawn], *, bulk: bool = True) -> None:
    """Agree the drawn goals, as goals.add would one by one."""
    if not drawn:
        return
    if not (bulk and _plain(episode, drawn)):
        add_through_services(officer, episode, drawn)
        return
    db.session.flush()
    ids = db.session.execute(
        insert(Goal.__table__).returning(Goal.__table__.c.id, sort_by_parameter_order=True),
        [{"episode_id": episode.id, "description": goal.description.strip(), "need_area": goal.need_area or None,
          "status": GoalStatus.ACTIVE.value, "agreed_on": goal.on, "review_on": goal.review_on, "achieved_on": None,
          "created_by_id": officer.id if officer else None, "version": 1} for goal in drawn]).scalars().all()
    actions = [{"goal_id": goal_id, "description": goal.action.strip(), "who": goal.action_by.strip(),
                "due_on": goal.action_due, "done_on": None}
               for goal, goal_id in zip(drawn, ids, strict=True) if goal.action.strip()]
    if actions:
        db.session.execute(insert(GoalAction.__table__), actions)
    for goal_id in ids:
        casework.record(by=officer, episode=episode, action="goal.create", detail=f"goal {goal_id}")
    db.session.expire(episode, ["goals"])  # the session's list, if loaded, lacks these
    db.session.commit()


def add_through_services(officer, episode, drawn: list[Drawn]) -> None:
    for goal in drawn:
        goals.add(by=officer, episode=episode, description=goal.description, need_area=goal.need_area, on=goal.on,
                  review_on=goal.review_on, action=goal.action, action_by=goal.action_by, action_due=goal.action_due)


def _plain(episode, drawn: list[Drawn]) -> bool:
    """What goals.add would accept without changing the referral: nothing to refuse, no plan to agree."""
    areas = {area.value for area in NeedArea}
    return (episode.is_open and episode.referral.status_enum is ReferralStatus.IN_SUPPORT
            and all(goal.description.strip() and goal.review_on >= goal.on and goal.need_area in areas
                    and (not goal.action.strip() or goal.action_by.strip()) for goal in drawn))
