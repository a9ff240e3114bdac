"""The support-record services: rules on needs, goals, contacts, onward support, measures,
visits and discharge, and the referral status moves the practice sees."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Contact, OnwardReferral, ReferralEvent, WellbeingMeasure
from app.models.base import uk_today
from app.models.onward import OnwardStatus
from app.security import Role
from app.services import contacts, discharge, goals, measures, needs, onward, peer, visits
from app.services.errors import RuleBroken, StaleEdit
from tests import factories

TODAY = uk_today()


@pytest.fixture
def officer(app):
    return factories.user(role=Role.LINK_OFFICER)


@pytest.fixture
def episode(officer):
    referral = factories.referral(status="allocated", needs=("loneliness", "low_mood"), risks=("dog",))
    return factories.episode(officer, referral_=referral)


def _statuses(episode):
    return [e.to_status for e in db.session.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id == episode.referral_id).order_by(ReferralEvent.id))]


def test_need_on_the_referral_is_marked_and_need_found_at_home_is_not(officer, episode):
    ticked = needs.add(by=officer, episode=episode, area="loneliness", severity="high")
    found = needs.add(by=officer, episode=episode, area="heating", severity="medium")
    assert ticked.from_referral is True
    assert found.from_referral is False
    assert found.status == "identified" and found.identified_on == TODAY


def test_same_need_area_twice_is_refused_with_the_field_named(officer, episode):
    needs.add(by=officer, episode=episode, area="debt", severity="low")
    with pytest.raises(RuleBroken) as error:
        needs.add(by=officer, episode=episode, area="debt", severity="high")
    assert error.value.field == "area"
    assert "already recorded" in error.value.message


def test_need_moves_to_met_with_its_date_and_person_can_decline(officer, episode):
    need = needs.add(by=officer, episode=episode, area="food", severity="medium")
    needs.update(by=officer, need=need, severity="medium", status="being_addressed", notes="", version=need.version)
    needs.update(by=officer, need=need, severity="low", status="met", notes="Food bank", version=need.version)
    assert (need.status, need.met_on, need.severity, need.addressed_on) == ("met", TODAY, "low", TODAY)
    other = needs.add(by=officer, episode=episode, area="debt", severity="low")
    needs.update(by=officer, need=other, severity="low", status="declined", notes="", version=other.version)
    assert other.status_enum.label == "Person chose not to pursue"


def test_stale_need_edit_is_refused_and_the_first_save_stands(officer, episode):
    need = needs.add(by=officer, episode=episode, area="housing", severity="low")
    page_version = need.version
    needs.update(by=officer, need=need, severity="high", status="identified", notes="First save", version=page_version)
    with pytest.raises(StaleEdit):
        needs.update(by=officer, need=need, severity="low", status="identified", notes="Second save",
                     version=page_version)
    db.session.refresh(need)
    assert (need.notes, need.severity) == ("First save", "high")


def test_first_held_contact_moves_referral_to_first_contact_then_in_support(officer, episode):
    contacts.record(by=officer, episode=episode, kind="phone", status="held", on=TODAY, duration_minutes=10)
    assert episode.first_contact_on == TODAY
    assert _statuses(episode)[-1] == "first_contact"
    needs.add(by=officer, episode=episode, area="loneliness", severity="high")
    assert _statuses(episode)[-1] == "in_support"
    assert episode.referral.status == "in_support"


def test_planned_contact_does_not_count_as_first_contact(officer, episode):
    contacts.record(by=officer, episode=episode, kind="home_visit", status="planned", on=TODAY + timedelta(days=3))
    assert episode.first_contact_on is None
    assert episode.referral.status == "allocated"


def test_second_held_contact_moves_to_in_support_without_a_plan(officer, episode):
    contacts.record(by=officer, episode=episode, kind="phone", status="held", on=TODAY - timedelta(days=2),
                    duration_minutes=10)
    contacts.record(by=officer, episode=episode, kind="video", status="held", on=TODAY, duration_minutes=20)
    assert _statuses(episode)[-2:] == ["first_contact", "in_support"]


def test_held_contact_needs_a_duration_and_cannot_be_in_the_future(officer, episode):
    with pytest.raises(RuleBroken) as error:
        contacts.record(by=officer, episode=episode, kind="phone", status="held", on=TODAY)
    assert error.value.field == "duration_minutes"
    with pytest.raises(RuleBroken) as error:
        contacts.record(by=officer, episode=episode, kind="phone", status="held", on=TODAY + timedelta(days=1),
                        duration_minutes=5)
    assert error.value.field == "contact_on"


def test_formal_referral_without_consent_is_refused_and_linkage_needs_none(officer, episode):
    common = dict(by=officer, episode=episode, service_id=None, organisation_name="Age UK Dudley",
                  service_name="Befriending", sector="voluntary", need_areas=["loneliness"])
    with pytest.raises(RuleBroken) as error:
        onward.create(**common, kind="formal_referral", consent_to_share=False, consent_recorded_on=None)
    assert error.value.field == "consent_to_share"
    assert "written consent" in error.value.message
    with pytest.raises(RuleBroken) as error:
        onward.create(**common, kind="formal_referral", consent_to_share=True, consent_recorded_on=None)
    assert error.value.field == "consent_recorded_on"
    formal = onward.create(**common, kind="formal_referral", consent_to_share=True, consent_recorded_on=TODAY)
    linkage = onward.create(**common, kind="linkage", consent_to_share=False, consent_recorded_on=None,
                            accompanied=True)
    assert (formal.status, formal.made_on, formal.consent_recorded_on) == ("made", TODAY, TODAY)
    assert [n.area for n in formal.needs] == ["loneliness"]
    assert linkage.accompanied and not linkage.consent_to_share
    assert db.session.scalar(select(db.func.count(OnwardReferral.id))) == 2


def test_onward_referral_moves_through_its_states_with_dates(officer, episode):
    item = onward.create(by=officer, episode=episode, service_id=None, organisation_name="St John's Church",
                         service_name="Lunch club", sector="faith", kind="linkage", need_areas=[],
                         consent_to_share=False, consent_recorded_on=None)
    onward.move(by=officer, onward=item, to=OnwardStatus.ATTENDING, on=TODAY, version=item.version)
    assert (item.status, item.attending_on) == ("attending", TODAY)
    with pytest.raises(RuleBroken):
        onward.move(by=officer, onward=item, to=OnwardStatus.MADE, on=TODAY, version=item.version)
    with pytest.raises(StaleEdit):
        onward.move(by=officer, onward=item, to=OnwardStatus.COMPLETED, on=TODAY, version=item.version - 1)


@pytest.mark.parametrize("scores", [
    {"life_satisfaction": 11, "worthwhile": 5, "happiness": 5, "anxiety": 5},
    {"life_satisfaction": -1, "worthwhile": 5, "happiness": 5, "anxiety": 5},
    {"life_satisfaction": 5, "worthwhile": 5, "happiness": 5},
])
def test_ons4_answers_outside_0_to_10_are_refused(officer, episode, scores):
    with pytest.raises(RuleBroken) as error:
        measures.record(by=officer, episode=episode, instrument="ons4", stage="baseline", taken_on=TODAY,
                        scores=scores)
    assert "0 to 10" in error.value.message
    assert db.session.scalar(select(db.func.count(WellbeingMeasure.id))) == 0


@pytest.mark.parametrize("bad", [0, 4])
def test_ucla_items_outside_1_to_3_are_refused(officer, episode, bad):
    with pytest.raises(RuleBroken) as error:
        measures.record(by=officer, episode=episode, instrument="ucla3", stage="baseline", taken_on=TODAY,
                        scores={"ucla_companionship": bad, "ucla_left_out": 2, "ucla_isolated": 2})
    assert "1 to 3" in error.value.message


def test_database_refuses_out_of_range_scores_from_any_route(officer, episode):
    db.session.add(WellbeingMeasure(episode=episode, instrument="ucla3", stage="baseline", taken_on=TODAY,
                                    ucla_companionship=3, ucla_left_out=3, ucla_isolated=4, ucla_total=10))
    with pytest.raises(Exception):
        db.session.commit()
    db.session.rollback()


def test_wellbeing_change_from_baseline_to_discharge(officer, episode):
    measures.record(by=officer, episode=episode, instrument="ucla3", stage="baseline", taken_on=TODAY,
                    scores={"ucla_companionship": 3, "ucla_left_out": 3, "ucla_isolated": 2})
    later = measures.record(by=officer, episode=episode, instrument="ucla3", stage="review", taken_on=TODAY,
                            scores={"ucla_companionship": 2, "ucla_left_out": 1, "ucla_isolated": 2})
    assert later.ucla_total == 5
    [change] = measures.changes(episode.measures, "ucla3")
    assert (change.baseline, change.latest, change.difference, change.improved) == (8, 5, -3, True)


def test_second_baseline_is_refused(officer, episode):
    scores = {"life_satisfaction": 4, "worthwhile": 5, "happiness": 3, "anxiety": 7}
    measures.record(by=officer, episode=episode, instrument="ons4", stage="baseline", taken_on=TODAY, scores=scores)
    with pytest.raises(RuleBroken) as error:
        measures.record(by=officer, episode=episode, instrument="ons4", stage="baseline", taken_on=TODAY, scores=scores)
    assert "review instead" in error.value.message


def test_check_out_logs_a_home_visit_contact_lasting_from_check_in(officer, episode):
    start = datetime(2026, 3, 2, 10, 0)
    visit = visits.check_in(by=officer, episode=episode, expected_end_at=start + timedelta(hours=1), now=start)
    with pytest.raises(RuleBroken):
        visits.check_in(by=officer, episode=episode, expected_end_at=start + timedelta(hours=2), now=start)
    visits.check_out(by=officer, visit=visit, notes="Talked about the garden", now=start + timedelta(minutes=47))
    contact = visit.contact
    assert (contact.kind, contact.status, contact.duration_minutes) == ("home_visit", "held", 47)
    assert episode.first_contact_on == date(2026, 3, 2)


def test_expected_end_must_be_after_now(officer, episode):
    now = datetime(2026, 3, 2, 10, 0)
    with pytest.raises(RuleBroken) as error:
        visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=1), now=now)
    assert error.value.field == "expected_end"


def test_visit_past_its_end_plus_grace_is_overdue(app, officer, episode):
    now = datetime(2026, 3, 2, 12, 0)
    late = visits.check_in(by=officer, episode=episode, expected_end_at=now - timedelta(minutes=20),
                           now=now - timedelta(hours=1))
    other_officer = factories.user(role=Role.LINK_OFFICER)
    within_grace = visits.check_in(by=other_officer, episode=episode, expected_end_at=now - timedelta(minutes=10),
                                   now=now - timedelta(hours=1))
    overdue = db.session.scalars(visits.overdue(now=now)).unique().all()
    in_progress = db.session.scalars(visits.in_progress()).unique().all()
    assert overdue == [late]
    assert set(in_progress) == {late, within_grace}


def test_discharge_sends_the_summary_to_the_practice_and_cancels_planned_contacts(officer, episode):
    planned = contacts.record(by=officer, episode=episode, kind="phone", status="planned",
                              on=TODAY + timedelta(days=7))
    discharge.discharge(by=officer, episode=episode, reason="goals_met", summary="Joined the lunch club.",
                        on=TODAY, version=episode.version)
    last = db.session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == episode.referral_id)
                              .order_by(ReferralEvent.id.desc())).first()
    assert (last.to_status, last.note) == ("discharged", "Joined the lunch club.")
    assert db.session.get(Contact, planned.id).status == "cancelled"
    with pytest.raises(RuleBroken) as error:
        needs.add(by=officer, episode=episode, area="food", severity="low")
    assert "Support ended" in error.value.message


def test_discharge_is_refused_while_a_visit_is_checked_in(officer, episode):
    visits.check_in(by=officer, episode=episode, expected_end_at=datetime.now() + timedelta(hours=1),
                    now=datetime.now())
    with pytest.raises(RuleBroken) as error:
        discharge.discharge(by=officer, episode=episode, reason="moved_away", summary="Moved to Leeds.", on=TODAY,
                            version=episode.version)
    assert "still checked in" in error.value.message
    assert episode.discharged_on is None


def test_every_change_is_audited_against_the_person(officer, episode):
    needs.add(by=officer, episode=episode, area="food", severity="low")
    goals.add(by=officer, episode=episode, description="Get out once a week", review_on=TODAY + timedelta(days=28))
    peer.record(by=officer, episode=episode, kind="volunteering", started_on=TODAY, where="Food bank")
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "person", AuditEvent.subject_id == str(episode.person_id))).all()
    assert {"need.create", "goal.create", "peer.create"} <= set(actions)


def test_what_matters_to_me_stale_save_is_refused(officer, episode):
    version = episode.version
    goals.set_what_matters(by=officer, episode=episode, text="My grandchildren", version=version)
    with pytest.raises(StaleEdit):
        goals.set_what_matters(by=officer, episode=episode, text="My garden", version=version)
    db.session.refresh(episode)
    assert episode.what_matters_to_me == "My grandchildren"
