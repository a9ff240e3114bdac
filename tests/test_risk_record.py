"""The person's risk record: risks recorded, reviewed and ended with who, when and why; an explicit,
dated "no known risks" that any later risk supersedes; the referral's ticked risks carried in on
acceptance; shown first on the record and before a home visit."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import AuditEvent
from app.models.base import uk_today, utcnow
from app.models.risk import NoKnownRisks, PersonRisk
from app.security import Role
from app.services import discharge, risk_summary, risks, triage
from app.services.errors import RuleBroken, StaleEdit
from tests import factories


@pytest.fixture
def officer(app):
    return factories.user(role=Role.LINK_OFFICER, name="Olive Officer")


@pytest.fixture
def episode(officer):
    return factories.episode(officer, referral_=factories.referral(status="allocated", given_name="Rosa"))


def _state(person_id: int) -> str:
    return risk_summary.for_person(person_id).state


def _actions(person_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "person", AuditEvent.subject_id == str(person_id),
        AuditEvent.action.like("risk.%")).order_by(AuditEvent.id)))


# --- the service ---------------------------------------------------------------------------

def test_risk_record_nothing_recorded_is_not_assessed_never_no_known_risks(episode):
    summary = risk_summary.for_person(episode.person_id)
    assert summary.state == "not_assessed"
    assert summary.no_known_risks is None and summary.active == []


def test_risk_record_a_risk_recorded_after_no_known_risks_supersedes_it(officer, episode):
    person = episode.person
    statement = risks.no_known_risks(by=officer, person=person, note="Asked at the first visit")
    assert _state(person.id) == "none_known"
    assert risk_summary.for_person(person.id).no_known_risks.id == statement.id
    risks.record(by=officer, person=person, risk="dog", detail="Barks at the door")
    summary = risk_summary.for_person(person.id)
    assert summary.state == "risks"
    assert summary.no_known_risks is None
    assert summary.labels == ["Dog or other animal in the home"]
    assert _actions(person.id) == ["risk.none_known", "risk.record"]


def test_risk_record_no_known_risks_is_refused_while_a_risk_is_in_force(officer, episode):
    risks.record(by=officer, person=episode.person, risk="smoking")
    with pytest.raises(RuleBroken, match="1 risk still in force"):
        risks.no_known_risks(by=officer, person=episode.person)
    assert db.session.scalar(select(NoKnownRisks)) is None


def test_risk_record_ending_the_only_risk_asks_for_a_fresh_statement_not_the_old_one(officer, episode):
    person = episode.person
    risks.no_known_risks(by=officer, person=person)
    dog = risks.record(by=officer, person=person, risk="dog")
    risks.end(by=officer, risk=dog, version=dog.version, reason="Rehomed")
    assert _state(person.id) == "not_assessed"  # the statement predates the dog
    risks.no_known_risks(by=officer, person=person)
    assert _state(person.id) == "none_known"


def test_risk_record_ending_keeps_the_risk_with_who_when_and_why(officer, episode):
    dog = risks.record(by=officer, person=episode.person, risk="dog")
    with pytest.raises(RuleBroken, match="Say why") as refused:
        risks.end(by=officer, risk=dog, version=dog.version, reason="   ")
    assert refused.value.field == "reason"
    risks.end(by=officer, risk=dog, version=dog.version, reason="The dog was rehomed in March")
    db.session.refresh(dog)
    assert (dog.ended_by_id, dog.end_reason) == (officer.id, "The dog was rehomed in March")
    assert dog.ended_at >= dog.recorded_at
    summary = risk_summary.for_person(episode.person_id)
    assert summary.active == [] and [r.id for r in summary.ended] == [dog.id]
    with pytest.raises(RuleBroken, match="already ended"):
        risks.end(by=officer, risk=dog, version=dog.version, reason="again")


def test_risk_record_a_listed_risk_in_force_is_not_recorded_twice_but_other_risks_are(officer, episode):
    person = episode.person
    risks.record(by=officer, person=person, risk="dog")
    with pytest.raises(RuleBroken, match="already recorded") as refused:
        risks.record(by=officer, person=person, risk="dog")
    assert refused.value.field == "risk"
    risks.record(by=officer, person=person, risk="other", other_text="Uneven garden path")
    risks.record(by=officer, person=person, risk="other", other_text="No phone signal in the flat")
    assert sorted(risk_summary.for_person(person.id).labels) == [
        "Dog or other animal in the home", "No phone signal in the flat", "Uneven garden path"]


@pytest.mark.parametrize("risk, other_text, field", [("other", "  ", "other_text"), ("cat", "", "risk"),
                                                     ("", "", "risk")])
def test_risk_record_an_unknown_or_undescribed_risk_is_refused_by_its_field(officer, episode, risk, other_text, field):
    with pytest.raises(RuleBroken) as refused:
        risks.record(by=officer, person=episode.person, risk=risk, other_text=other_text)
    assert refused.value.field == field
    assert db.session.scalar(select(PersonRisk)) is None


def test_risk_record_review_from_an_old_page_is_refused_and_the_first_review_stands(officer, episode):
    dog = risks.record(by=officer, person=episode.person, risk="dog", detail="One dog")
    colleague = factories.user(role=Role.LINK_OFFICER)
    page_version = dog.version
    risks.review(by=colleague, risk=dog, version=page_version, detail="Two dogs now")
    with pytest.raises(StaleEdit):
        risks.review(by=officer, risk=dog, version=page_version, detail="No dogs")
    db.session.refresh(dog)
    assert (dog.detail, dog.reviewed_by_id) == ("Two dogs now", colleague.id)


def test_risk_record_cannot_change_after_discharge_but_a_concern_can_still_close(officer, episode):
    concern = risks.raise_concern(by=officer, person=episode.person, raised_on=uk_today(),
                                  concern="Bruising", action_taken="Told the manager")
    discharge.discharge(by=officer, episode=episode, reason="goals_met", summary="Doing well", on=uk_today(),
                        version=episode.version)
    with pytest.raises(RuleBroken, match="can no longer be changed"):
        risks.record(by=officer, person=episode.person, risk="dog")
    with pytest.raises(RuleBroken, match="can no longer be changed"):
        risks.no_known_risks(by=officer, person=episode.person)
    risks.close_concern(by=officer, concern=concern, version=concern.version, closed_on=uk_today(),
                        outcome="No further action", action_taken="Told the manager")
    assert concern.status == "closed"


# --- the database keeps the pairs together --------------------------------------------------

@pytest.mark.parametrize("broken", [
    dict(ended_at=datetime(2026, 1, 2)),                                  # ended, by nobody, for no reason
    dict(ended_at=datetime(2026, 1, 2), ended_by_id=None, end_reason="Rehomed"),
    dict(reviewed_at=datetime(2026, 1, 2)),                               # reviewed by nobody
    dict(risk="other"),                                                   # other, not described
    dict(risk="dog", other_text="Dog"),                                   # listed, yet described as other
    dict(recorded_by_id=None),                                            # recorded by nobody
    dict(ended_at=datetime(2025, 12, 31), end_reason="Before it began"),  # ended before recorded
    dict(risk="cat"),
])
def test_risk_record_check_constraints_refuse_half_filled_pairs(officer, episode, broken):
    values = dict(person_id=episode.person_id, risk="dog", other_text=None, detail="",
                  recorded_at=datetime(2026, 1, 1), recorded_by_id=officer.id)
    if "ended_at" in broken and "ended_by_id" not in broken and "end_reason" in broken:
        values["ended_by_id"] = officer.id
    values.update(broken)
    db.session.add(PersonRisk(**values))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# --- acceptance carries the referral's risks in ---------------------------------------------

def test_risk_record_accepting_a_referral_copies_its_ticked_risks_and_notes(app):
    manager = factories.user(Role.MANAGER)
    referral = factories.referral(risks=("dog", "smoking"), received_days_ago=4)
    referral.risk_notes = "Ask for the dog to be shut in the kitchen"
    db.session.commit()
    episode = triage.accept(by=manager, referral=referral, version=referral.version)
    summary = risk_summary.for_person(episode.person_id)
    assert sorted((r.risk, r.other_text, r.detail) for r in summary.active) == [
        ("dog", None, ""), ("other", "Note from the referral", "Ask for the dog to be shut in the kitchen"),
        ("smoking", None, "")]
    assert all(r.from_referral_id == referral.id and r.recorded_by_id is None for r in summary.active)
    assert all(r.recorded_at == referral.received_at for r in summary.active)
    assert _actions(episode.person_id) == ["risk.record"]


def test_risk_record_a_returning_person_keeps_the_risk_in_force_once(app, officer):
    manager = factories.user(Role.MANAGER)
    first = factories.referral(risks=("dog",), nhs=factories.nhs_number(41))
    episode = triage.accept(by=manager, referral=first, version=first.version)
    discharge.discharge(by=officer, episode=episode, reason="goals_met", summary="Done", on=uk_today(),
                        version=episode.version)
    again = factories.referral(risks=("dog", "access"), nhs=first.nhs_number)
    second = triage.accept(by=manager, referral=again, version=again.version)
    assert second.person_id == episode.person_id
    active = risk_summary.for_person(second.person_id).active
    assert sorted((r.risk, r.from_referral_id) for r in active) == [("access", again.id), ("dog", first.id)]


# --- what "no known risks" means, for any order of events -------------------------------------

@settings(deadline=None)  # the first example configures the mappers
@given(st.lists(st.tuples(st.integers(0, 100), st.one_of(st.none(), st.integers(0, 50))), max_size=6),
       st.one_of(st.none(), st.integers(0, 150)))
def test_risk_record_state_follows_the_latest_word_for_any_timeline(risk_times, statement_at):
    """Risks recorded at minute r (ended e minutes later, or not) and a statement at minute s:
    "risks" while any is in force; "none_known" only when the statement came after every risk."""
    base = datetime(2026, 1, 1)
    items = [PersonRisk(risk="dog", recorded_at=base + timedelta(minutes=r),
                        ended_at=None if e is None else base + timedelta(minutes=r + e)) for r, e in risk_times]
    statement = None if statement_at is None else NoKnownRisks(recorded_at=base + timedelta(minutes=statement_at))
    summary = risk_summary.RiskSummary(active=[i for i in items if i.ended_at is None],
                                       ended=[i for i in items if i.ended_at is not None], statement=statement)
    if any(e is None for _, e in risk_times):
        assert summary.state == "risks"
    elif statement_at is not None and all(r <= statement_at for r, _ in risk_times):
        assert summary.state == "none_known"
    else:
        assert summary.state == "not_assessed"


# --- the pages ------------------------------------------------------------------------------

def test_risk_record_is_the_first_section_of_the_record(client, sign_in, officer, episode):
    risks.record(by=officer, person=episode.person, risk="aggression", detail="Son can shout")
    sign_in.as_user(officer)
    html = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    assert html.index('id="risks"') < html.index('id="about"')
    assert html.index("History of aggression or violence") < html.index('id="about"')
    assert "Son can shout" in html and "Recorded " in html and "by Olive Officer" in html


def test_risk_record_officer_adds_a_risk_through_the_form_and_it_is_audited(client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    response = client.post(f"/people/{episode.person_id}/risks/new",
                           data={"risk": "other", "other_text": "Steep steps to the door", "detail": "Use the rail"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#risks")
    risk = db.session.scalar(select(PersonRisk))
    assert (risk.risk, risk.other_text, risk.detail, risk.recorded_by_id) == (
        "other", "Steep steps to the door", "Use the rail", officer.id)
    assert "risk.record" in _actions(episode.person_id)


def test_risk_record_other_without_a_description_is_an_error_by_the_field_keeping_the_text(
        client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    html = client.post(f"/people/{episode.person_id}/risks/new",
                       data={"risk": "other", "other_text": "", "detail": "Typed detail stays"}).get_data(as_text=True)
    assert "Say what the other risk is" in html and 'href="#other_text"' in html
    assert "Typed detail stays" in html
    assert db.session.scalar(select(PersonRisk)) is None


def test_risk_record_ending_through_the_form_needs_a_reason(client, sign_in, no_csrf, officer, episode):
    dog = risks.record(by=officer, person=episode.person, risk="dog")
    sign_in.as_user(officer)
    url = f"/people/{episode.person_id}/risks/{dog.id}/end"
    html = client.post(url, data={"reason": "", "version": dog.version}).get_data(as_text=True)
    assert "Say why this risk no longer applies" in html
    assert client.post(url, data={"reason": "Rehomed", "version": dog.version}).status_code == 303
    db.session.refresh(dog)
    assert dog.end_reason == "Rehomed"
    assert client.get(url).status_code == 404  # an ended risk has no end form


def test_risk_record_another_persons_risk_is_not_found_under_this_person(client, sign_in, officer, episode):
    other = factories.episode(officer, referral_=factories.referral(status="allocated", risks=("dog",)))
    theirs = risk_summary.for_person(other.person_id).active[0]
    sign_in.as_user(officer)
    assert client.get(f"/people/{episode.person_id}/risks/{theirs.id}/review").status_code == 404


def test_risk_record_check_in_shows_no_known_risks_with_its_date(client, sign_in, no_csrf, officer, episode):
    sign_in.as_user(officer)
    assert "Before you go in: risks not yet assessed" in client.get(
        f"/people/{episode.person_id}/visits/check-in").get_data(as_text=True)
    assert client.post(f"/people/{episode.person_id}/risks/none-known", data={"note": ""}).status_code == 303
    html = client.get(f"/people/{episode.person_id}/visits/check-in").get_data(as_text=True)
    today = uk_today()
    assert f"No known risks</strong> (recorded {today.day} {today:%B %Y} by Olive Officer)" in html
    assert html.index("No known risks") < html.index(">Check in<")


def test_risk_record_check_in_lists_the_risks_in_force_not_the_ended_ones(client, sign_in, officer, episode):
    dog = risks.record(by=officer, person=episode.person, risk="dog")
    risks.record(by=officer, person=episode.person, risk="smoking")
    risks.end(by=officer, risk=dog, version=dog.version, reason="Rehomed")
    sign_in.as_user(officer)
    html = client.get(f"/people/{episode.person_id}/visits/check-in").get_data(as_text=True)
    assert "Before you go in: risks for this visit" in html and "Smoking in the home" in html
    assert "Dog or other animal" not in html


def test_risk_record_check_in_shows_an_open_safeguarding_concern_not_a_closed_one(client, sign_in, officer, episode):
    """Before a home visit the officer reads any safeguarding concern still open, with what was done;
    a closed one is history, on the record only."""
    open_one = risks.raise_concern(by=officer, person=episode.person, raised_on=uk_today(),
                                   concern="Son takes her <pension>", action_taken="Reported to adult social care")
    old = risks.raise_concern(by=officer, person=episode.person, raised_on=uk_today() - timedelta(days=30),
                              concern="Unpaid rent letters", action_taken="Referred to Citizens Advice")
    risks.close_concern(by=officer, concern=old, version=old.version, closed_on=uk_today(), outcome="Paid",
                        action_taken="Referred to Citizens Advice")
    sign_in.as_user(officer)
    html = client.get(f"/people/{episode.person_id}/visits/check-in").get_data(as_text=True)
    assert "Open safeguarding concern</span>" in html and "Open safeguarding concerns" not in html
    assert f"Raised {open_one.raised_on.day} {open_one.raised_on:%B %Y} by Olive Officer:" in html
    assert "Son takes her &lt;pension&gt;" in html and "Reported to adult social care" in html
    assert "Unpaid rent letters" not in html
    risks.close_concern(by=officer, concern=open_one, version=open_one.version, closed_on=uk_today(),
                        outcome="Safe", action_taken="Reported")
    assert "safeguarding concern" not in client.get(f"/people/{episode.person_id}/visits/check-in").get_data(
        as_text=True).lower()


def test_risk_record_was_recorded_now_not_in_the_future(officer, episode):
    before = utcnow() - timedelta(seconds=1)
    risk = risks.record(by=officer, person=episode.person, risk="access")
    assert before <= risk.recorded_at <= utcnow() + timedelta(seconds=1)


# --- the migration carries existing referral risks in -----------------------------------------

def _migrate_with_referral_risks(url: str) -> list[tuple]:
    """Build the schema to 0007, add people whose referrals ticked risks (and one not accepted),
    then upgrade to 0008 and read what the risk record holds."""
    from flask_migrate import upgrade
    from sqlalchemy import DateTime, text

    from tests.conftest import make_app

    application = make_app(url)
    with application.app_context():
        upgrade(revision="0007")
        statements = [
            "INSERT INTO locality (id, name) VALUES (1, 'North')",
            "INSERT INTO practice (id, ods_code, name, locality_id) VALUES (1, 'Y00001', 'Surgery', 1)",
        ]
        for person_id in (1, 2):
            statements.append(
                "INSERT INTO person (id, nhs_number, practice_id, created_at, version, given_name, family_name, "
                f"date_of_birth, address, postcode, phone, contact_method, contact_times, accessibility_needs) "
                f"VALUES ({person_id}, '999000000{person_id}', 1, '2026-01-01 09:00:00', 1, 'A', 'B', "
                "'1950-01-01', 'Street', 'DY1 1AA', '', 'phone', '', '')")
        referrals = [(1, 1, "2025-03-01 10:00:00", "Old note"), (2, 1, "2026-02-01 10:00:00", ""),
                     (3, 2, "2026-02-02 10:00:00", "Side gate only"), (4, None, "2026-02-03 10:00:00", "Not accepted")]
        for referral_id, person_id, received, notes in referrals:
            statements.append(
                "INSERT INTO referral (id, practice_id, person_id, status, received_at, nhs_number, concerns, "
                "risk_notes, referrer_name, referrer_role, mdt_meeting_date, consent_to_referral, consent_to_share, "
                "version, given_name, family_name, date_of_birth, address, postcode, phone, contact_method, "
                f"contact_times, accessibility_needs) VALUES ({referral_id}, 1, "
                f"{'NULL' if person_id is None else person_id}, 'in_support', '{received}', '9990000001', '', "
                f"'{notes}', 'Dr A', 'GP', '2026-01-01', TRUE, TRUE, 1, 'A', 'B', '1950-01-01', 'Street', 'DY1 1AA', "
                "'', 'phone', '', '')")
        for referral_id, risk in ((1, "dog"), (2, "dog"), (2, "smoking"), (4, "aggression")):
            statements.append(f"INSERT INTO referral_risk (referral_id, risk) VALUES ({referral_id}, '{risk}')")
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
        upgrade(revision="0008")
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT person_id, risk, other_text, detail, from_referral_id, recorded_by_id, recorded_at, ended_at "
                "FROM person_risk ORDER BY person_id, risk, from_referral_id")
                .columns(recorded_at=DateTime, ended_at=DateTime)).all()
        db.session.remove()
        db.engine.dispose()
    return [tuple(row) for row in rows]


EXPECTED_CARRIED = [
    # the dog once, from the latest referral that ticked it; each referral's note as an "other" risk
    (1, "dog", None, "", 2, None, datetime(2026, 2, 1, 10), None),
    (1, "other", "Note from the referral", "Old note", 1, None, datetime(2025, 3, 1, 10), None),
    (1, "smoking", None, "", 2, None, datetime(2026, 2, 1, 10), None),
    (2, "other", "Note from the referral", "Side gate only", 3, None, datetime(2026, 2, 2, 10), None),
]


def test_risk_record_migration_carries_accepted_referrals_risks_on_sqlite(tmp_path):
    assert _migrate_with_referral_risks(f"sqlite:///{tmp_path / 'carry.db'}") == EXPECTED_CARRIED


def test_risk_record_migration_carries_accepted_referrals_risks_on_postgresql():
    from tests.test_migrations import fresh_postgres

    with fresh_postgres() as url:
        rows = _migrate_with_referral_risks(url)
    assert rows == EXPECTED_CARRIED


def test_risk_record_visits_panel_flags_the_risks_in_force_not_the_ended_ones(client, sign_in, officer, episode):
    from app.services import visits

    risks.record(by=officer, person=episode.person, risk="dog")
    smoking = risks.record(by=officer, person=episode.person, risk="smoking")
    risks.end(by=officer, risk=smoking, version=smoking.version, reason="Stopped smoking")
    visits.check_in(by=officer, episode=episode, expected_end_at=utcnow() + timedelta(hours=1))
    sign_in.as_role(Role.MANAGER)
    html = client.get("/visits/").get_data(as_text=True)
    assert "Dog or other animal in the home" in html
    assert "Smoking in the home" not in html


def test_risk_record_loads_in_three_queries_however_many_risks_and_concerns(officer, episode):
    from tests.test_people_query_count import counting_queries

    person = episode.person
    for index in range(12):
        item = risks.record(by=officer, person=person, risk="other", other_text=f"Risk {index}")
        if index % 2:
            risks.review(by=officer, risk=item, version=item.version, detail="Still so")
        if index % 3 == 0:
            risks.end(by=officer, risk=item, version=item.version, reason="Gone")
        risks.raise_concern(by=officer, person=person, raised_on=uk_today(), concern=f"Concern {index}",
                            action_taken="Reported")
    person_id = person.id
    db.session.expire_all()
    with counting_queries() as statements:
        summary = risk_summary.for_person(person_id)
        shown = [(r.label, r.recorded_by and r.recorded_by.name, r.reviewed_by and r.reviewed_by.name,
                  r.ended_by and r.ended_by.name) for r in summary.active + summary.ended]
        shown += [(c.raised_by.name, c.closed_by) for c in summary.concerns]
    assert len(shown) == 24 and len(summary.ended) == 4
    assert len(statements) == 3


def test_risk_record_caseload_flags_the_risks_in_force_not_the_referrals_ticks(client, sign_in, officer):
    ticked = factories.episode(officer, referral_=factories.referral(status="allocated", risks=("dog",),
                                                                     given_name="Ticked"), seen=True)
    dog = risk_summary.for_person(ticked.person_id).active[0]
    risks.end(by=officer, risk=dog, version=dog.version, reason="Rehomed")
    risks.record(by=officer, person=ticked.person, risk="other", other_text="Loose floorboard in the hall")
    sign_in.as_user(officer)
    html = client.get("/caseload/").get_data(as_text=True)
    assert "Loose floorboard in the hall" in html
    assert "Dog or other animal in the home" not in html


@settings(deadline=None)
@given(st.text(max_size=30), st.text(max_size=60))
def test_risk_record_any_typed_risk_is_a_known_kind_or_a_refusal_by_its_field(risk, other_text):
    """Whatever a form posts: a listed risk, "other" with its words trimmed, or a RuleBroken that
    names the field to fix. Never anything else stored."""
    from app.models.risk import OTHER_RISK
    from app.models.vocab import HomeVisitRisk

    try:
        kind, other = risks._kind(risk, other_text)
    except RuleBroken as refused:
        assert refused.field == ("other_text" if risk == OTHER_RISK else "risk")
        return
    if kind == OTHER_RISK:
        assert other == other_text.strip() and other
    else:
        assert kind in {known.value for known in HomeVisitRisk} and other is None


def test_the_records_home_visits_section_names_its_risks_once(client, sign_in, officer, episode):
    """The section's own heading says "Risks for home visits"; the callout under it does not repeat it."""
    risks.record(by=officer, person=episode.person, risk="dog")
    sign_in.as_user(officer)
    page = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    visits = page.split('id="safety"')[1].split("</section>")[0]
    assert visits.count("Risks for home visits") == 1
    assert "In force now" in visits and "Dog or other animal in the home" in visits
    first_section = page.split('id="risks"')[1].split("</section>")[0]
    assert "Risks for home visits" in first_section and "In force now" not in first_section
