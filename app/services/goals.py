"""The person's plan: what matters to them, their goals, and the actions that get there."""
from __future__ import annotations

from datetime import date

from app.extensions import db
from app.models import Episode, Goal, GoalAction, User
from app.models.base import uk_today
from app.models.support import GoalStatus
from app.models.vocab import NeedArea
from app.services import casework
from app.services.errors import RuleBroken
from app.services.locking import check_version


def set_what_matters(*, by: User, episode: Episode, text: str, version) -> None:
    """Save 'what matters to me' in the person's own words; a save from a stale page is refused."""
    casework.require_open(episode)
    check_version(episode, version, what="'what matters to me'")
    episode.what_matters_to_me = text.strip()
    casework.record(by=by, episode=episode, action="what_matters.update", detail=f"{len(text.strip())} characters")
    db.session.commit()


def add(*, by: User, episode: Episode, description: str, review_on: date | None, need_area: str | None = None,
        action: str = "", action_by: str = "", action_due: date | None = None, on: date | None = None) -> Goal:
    """Agree a goal with the person, optionally with its first action."""
    casework.require_open(episode)
    if not description.strip():
        raise RuleBroken("Write the goal, in the person's own words", field="description")
    on = on or uk_today()
    if review_on is not None and review_on < on:
        raise RuleBroken("The review date must be today or later", field="review_on")
    if need_area:
        try:
            NeedArea(need_area)
        except ValueError:
            raise RuleBroken("Choose the need area from the list", field="need_area")
    goal = Goal(episode=episode, description=description.strip(), need_area=need_area or None, agreed_on=on,
                review_on=review_on, created_by_id=by.id if by else None)
    if action.strip():
        if not action_by.strip():
            raise RuleBroken("Say who will do this action", field="action_by")
        goal.actions.append(GoalAction(description=action.strip(), who=action_by.strip(), due_on=action_due))
    db.session.add(goal)
    db.session.flush()
    casework.record(by=by, episode=episode, action="goal.create", detail=f"goal {goal.id}")
    casework.plan_agreed(by=by, episode=episode)
    db.session.commit()
    return goal


def add_action(*, by: User, goal: Goal, description: str, who: str, due_on: date | None) -> GoalAction:
    casework.require_open(goal.episode)
    if not description.strip():
        raise RuleBroken("Describe the action", field="description")
    if not who.strip():
        raise RuleBroken("Say who will do this action", field="who")
    action = GoalAction(goal=goal, description=description.strip(), who=who.strip(), due_on=due_on)
    db.session.add(action)
    db.session.flush()
    casework.record(by=by, episode=goal.episode, action="goal.action_add", detail=f"goal {goal.id}")
    db.session.commit()
    return action


def update(*, by: User, goal: Goal, description: str, status: str, review_on: date | None, version,
           on: date | None = None) -> Goal:
    """Review a goal: reword it, move its review date, or mark it achieved or no longer wanted."""
    casework.require_open(goal.episode)
    check_version(goal, version, what="this goal")
    if not description.strip():
        raise RuleBroken("Write the goal, in the person's own words", field="description")
    try:
        status_ = GoalStatus(status)
    except ValueError:
        raise RuleBroken("Choose where the goal has got to", field="status")
    if status_ is GoalStatus.ACHIEVED and goal.achieved_on is None:
        goal.achieved_on = on or uk_today()
    elif status_ is not GoalStatus.ACHIEVED:
        goal.achieved_on = None
    goal.description, goal.status, goal.review_on = description.strip(), status_.value, review_on
    casework.record(by=by, episode=goal.episode, action="goal.update", detail=f"goal {goal.id}: {status_.value}")
    db.session.commit()
    return goal


def complete_action(*, by: User, action: GoalAction, on: date | None = None) -> None:
    casework.require_open(action.goal.episode)
    action.done_on = on or uk_today()
    casework.record(by=by, episode=action.goal.episode, action="goal.action_done", detail=f"action {action.id}")
    db.session.commit()
