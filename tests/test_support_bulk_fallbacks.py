"""What the demo's bulk writers hand to the services: anything that decides something or is refused.

tests/test_support_bulk.py shows the bulk path leaves what the services leave for what the demo
draws. These tests take the other branch of each writer (seed/support_needs.py, support_goals.py,
support_measures.py, support_onward.py): the referral's status still to move, or a change the
services refuse, goes through them, so the status moves and the refusal is the services' own.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Goal, Need, OnwardReferral, WellbeingMeasure
from app.models.base import uk_today
from app.security import Role
from app.services.errors import RuleBroken
from seed import support_goals, support_measures, support_needs, support_onward
from tests import factories

TODAY = uk_today()
FIRST = TODAY - timedelta(days=30)
ONS4 = {"life_satisfaction": 5, "worthwhile": 6, "happiness": 4, "anxiety": 7}
UCLA = {"ucla_companionship": 2, "ucla_left_out": 3, "ucla_isolated": 2}


def _episode(status: str, first_contact_on: date | None):
    return factories.episode(factories.user(Role.LINK_OFFICER), status=status, first_contact_on=first_contact_on)


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_needs_before_first_contact_go_through_the_service_and_leave_the_referral_where_it_was(app):
    episode = _episode("allocated", None)
    made = support_needs.add(episode.officer, episode, [("loneliness", "high", "Alone since March"),
                                                         ("debt", "low", " Arrears ")], FIRST)
    assert [(n.area, n.severity, n.notes, n.from_referral) for n in made] == [
        ("loneliness", "high", "Alone since March", True), ("debt", "low", "Arrears", False)]
    assert episode.referral.status == "allocated"  # no first contact yet: no plan agreed
    assert _actions().count("need.create") == 2


def test_the_first_need_after_first_contact_agrees_the_plan_and_the_rest_are_written_in_bulk(app):
    episode = _episode("first_contact", FIRST)
    made = support_needs.add(episode.officer, episode, [("loneliness", "high", ""), ("debt", "low", ""),
                                                         ("heating", "medium", "")], FIRST)
    assert episode.referral.status == "in_support"
    assert [n.area for n in made] == ["loneliness", "debt", "heating"] and all(n.version == 1 for n in made)
    assert db.session.scalar(select(func.count(Need.id)).where(Need.episode_id == episode.id)) == 3
    assert _actions().count("need.create") == 3


def test_a_need_area_already_recorded_is_refused_by_the_service(app):
    episode = _episode("first_contact", FIRST)
    support_needs.add(episode.officer, episode, [("loneliness", "high", ""), ("debt", "low", "")], FIRST)
    with pytest.raises(RuleBroken, match="already recorded"):
        support_needs.add(episode.officer, episode, [("heating", "low", ""), ("debt", "high", "")], FIRST)


def test_moving_needs_in_bulk_sets_status_date_and_version_and_a_refused_move_is_the_services(app):
    episode = _episode("first_contact", FIRST)
    loneliness, debt = support_needs.add(episode.officer, episode, [("loneliness", "high", ""), ("debt", "low", "")],
                                         FIRST)
    support_needs.move(episode.officer, episode, [(loneliness, "being_addressed", FIRST + timedelta(days=3)),
                                                  (debt, "met", FIRST + timedelta(days=5))])
    db.session.expire_all()
    assert (loneliness.status, loneliness.addressed_on, loneliness.version) == (
        "being_addressed", FIRST + timedelta(days=3), 2)
    assert (debt.status, debt.met_on, debt.version) == ("met", FIRST + timedelta(days=5), 2)
    with pytest.raises(RuleBroken, match="cannot become"):  # met -> declined is not a move the service allows
        support_needs.move(episode.officer, episode, [(debt, "declined", TODAY)])
    db.session.rollback()
    assert db.session.get(Need, debt.id).status == "met"


def test_goals_that_would_agree_the_plan_go_through_the_service(app):
    episode = _episode("first_contact", FIRST)
    goal = support_goals.Drawn("Get out of the house twice a week", "loneliness", FIRST, FIRST + timedelta(days=28),
                               "Try the lunch club", "The person", FIRST + timedelta(days=14))
    support_goals.add(episode.officer, episode, [goal])
    assert episode.referral.status == "in_support"  # the service agreed the plan
    held = db.session.scalars(select(Goal).where(Goal.episode_id == episode.id)).all()
    assert [(g.description, [(a.description, a.who) for a in g.actions]) for g in held] == [
        ("Get out of the house twice a week", [("Try the lunch club", "The person")])]


def test_a_goal_reviewed_before_it_was_agreed_is_refused_by_the_service(app):
    episode = _episode("in_support", FIRST)
    goal = support_goals.Drawn("Sort the arrears", "debt", FIRST, FIRST - timedelta(days=1), "", "", FIRST)
    with pytest.raises(RuleBroken, match="review date"):
        support_goals.add(episode.officer, episode, [goal])


def test_measures_in_bulk_keep_the_ucla_total_and_a_second_baseline_is_refused_by_the_service(app):
    episode = _episode("in_support", FIRST)
    support_measures.record(episode.officer, episode, "baseline", FIRST, [("ons4", ONS4), ("ucla3", UCLA)])
    held = db.session.scalars(select(WellbeingMeasure).where(WellbeingMeasure.episode_id == episode.id)
                              .order_by(WellbeingMeasure.id)).all()
    assert [(m.instrument, m.anxiety, m.ucla_total) for m in held] == [("ons4", 7, None), ("ucla3", None, 7)]
    with pytest.raises(RuleBroken, match="already recorded"):
        support_measures.record(episode.officer, episode, "baseline", TODAY, [("ucla3", UCLA)])


def test_an_answer_out_of_range_is_refused_by_the_service(app):
    episode = _episode("in_support", FIRST)
    with pytest.raises(RuleBroken, match="whole number from 0 to 10"):
        support_measures.record(episode.officer, episode, "review", TODAY, [("ons4", {**ONS4, "anxiety": 11})])


def _onward(steps, *, formal=False, on: date | None = None) -> support_onward.Drawn:
    on = on or FIRST + timedelta(days=2)
    organisation = {"service_id": None, "organisation_name": "Age UK Dudley", "service_name": "Befriending",
                    "sector": "voluntary"}
    return support_onward.Drawn(organisation, "loneliness", formal, on, not formal, tuple(steps))


def test_onward_support_in_bulk_has_its_dates_status_and_edit_count(app):
    episode = _episode("in_support", FIRST)
    accepted, attending = FIRST + timedelta(days=9), FIRST + timedelta(days=20)
    support_onward.write(episode.officer, episode, [_onward([("accepted", accepted), ("attending", attending)],
                                                            formal=True)])
    item = db.session.scalar(select(OnwardReferral).where(OnwardReferral.episode_id == episode.id))
    assert (item.status, item.made_on, item.accepted_on, item.attending_on, item.consent_recorded_on) == (
        "attending", FIRST + timedelta(days=2), accepted, attending, FIRST + timedelta(days=2))
    assert item.version == 4  # made today, moved back to its day, then two steps
    assert [need.area for need in item.needs] == ["loneliness"]
    assert _actions()[-3:] == ["onward.create", "onward.move", "onward.move"]


def test_an_onward_step_the_service_refuses_is_refused_by_it(app):
    episode = _episode("in_support", FIRST)
    with pytest.raises(RuleBroken, match="cannot become"):  # completed straight from made is not allowed
        support_onward.write(episode.officer, episode, [_onward([("completed", FIRST + timedelta(days=9))])])
