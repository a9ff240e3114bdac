"""Every page, list and export that shows a person's data writes an audit event: who, what, when.

The pages are taken from the app's URL map, so a new view is audited or explicitly declared to
carry no personal data: anything else fails here (deny by default).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.models.base import uk_today, utcnow
from app.security import ACCESS_ATTRIBUTE, Role
from app.services import contacts, goals, needs, onward, peer, visits
from app.services import risks
from tests import factories

TODAY = uk_today()

# Endpoints that never show a person's data. Adding one here is a claim a reviewer checks.
NO_PERSONAL_DATA = {
    "static", "nhsuk_assets.static", "plotly_assets.static",     # files
    "main.index", "main.healthz", "main.accessibility",           # home page links, health check, statement
    "auth.login", "auth.logout",                                  # the user's own sign-in
    "auth.two_step", "auth.code", "auth.recovery_code", "auth.enrol", "auth.enrol_at_sign_in",  # own 2nd factor
    "account.index",                                              # the user's own account and sessions
    "caseload.colleagues",                                        # the other officers' names, to cover one
    "visits.alert",                                               # overdue officers' names and times, no one visited
    "admin.index", "admin.locality", "admin.practice", "admin.new_user", "admin.reset_password",  # staff, org
    "directory.index", "directory.service", "directory.edit", "directory.propose_correction",
    "directory.correction_list", "directory.upload",              # community services, not people
    "directory.demand",                                           # counts of onward referrals per service
    "openreferral.index", "openreferral.services", "openreferral.service", "openreferral.service_at_locations",
    "openreferral.service_at_location", "openreferral.taxonomies", "openreferral.taxonomy",
    "openreferral.taxonomy_terms", "openreferral.taxonomy_term",  # the public directory API
    "dashboard.index", "dashboard.report", "dashboard.methods",   # aggregates, small numbers suppressed
    "dashboard.status",                                           # whether a view's figures are up to date
    "referrals.new",                                              # an empty form (a duplicate is audited)
    "referrals.other_source",                                     # the manager's empty form (likewise)
    "activity.upload",                                            # the upload form and past imports' counts
    "comparison.upload",                                          # the cohort upload form, cohorts' counts
    "admin.api_clients_index", "admin.api_client_new",            # sending systems, not people
    "admin.outbox_index",                                         # messages back: referral numbers, no people
    "fhir_api.metadata",                                          # the FHIR CapabilityStatement
}
# Views for other systems (bearer token, no staff role): the FHIR API audits each call itself,
# which tests/test_fhir_inbound.py checks.
TOKEN_AUDITED = {"fhir_api.service_request"}


@dataclass
class World:
    gp: object
    officer: object
    manager: object
    commissioner: object
    referral: object       # allocated, with a person and an open episode
    waiting: object        # received, in the triage queue
    episode: object
    need: object
    goal: object
    contact: object
    onward: object
    peer: object
    visit: object          # checked in, not yet out
    concern: object = None  # a safeguarding concern, open

    @property
    def risk(self):
        """The dog the referral ticked, carried into the risk record."""
        from app.models.risk import PersonRisk
        return db.session.scalar(select(PersonRisk).where(PersonRisk.person_id == self.person_id))

    @property
    def person_id(self) -> int:
        return self.episode.person_id

    def user(self, role: Role):
        return {Role.GP_PRACTICE: self.gp, Role.LINK_OFFICER: self.officer, Role.MANAGER: self.manager,
                Role.COMMISSIONER: self.commissioner}[role]


@pytest.fixture
def world(app) -> World:
    practice = factories.practice()
    officer = factories.user(Role.LINK_OFFICER)
    referral = factories.referral(practice, status="allocated", risks=("dog",))
    episode = factories.episode(officer, referral_=referral, status="allocated", seen=True)
    contact = contacts.record(by=officer, episode=episode, kind="phone", status="held", on=TODAY,
                              duration_minutes=10, notes="Talked")
    goal = goals.add(by=officer, episode=episode, description="Join a walking group",
                     review_on=TODAY + timedelta(days=30))
    start = utcnow() - timedelta(minutes=20)
    return World(
        gp=factories.user(Role.GP_PRACTICE, practice_=practice), officer=officer,
        manager=factories.user(Role.MANAGER), commissioner=factories.user(Role.COMMISSIONER),
        referral=referral, waiting=factories.referral(practice, status="received"), episode=episode,
        need=needs.add(by=officer, episode=episode, area="debt", severity="low"), goal=goal, contact=contact,
        onward=onward.create(by=officer, episode=episode, service_id=None, organisation_name="Dudley Befriending",
                             service_name="", sector="voluntary", kind="linkage", need_areas=["loneliness"],
                             consent_to_share=False, consent_recorded_on=None),
        peer=peer.record(by=officer, episode=episode, kind="peer_activity", started_on=TODAY, where="Library"),
        visit=visits.check_in(by=officer, episode=episode, expected_end_at=start + timedelta(hours=1), now=start),
        concern=risks.raise_concern(by=officer, person=episode.person, raised_on=TODAY, concern="Bruising",
                                    action_taken="Told the manager"))


@dataclass
class Expected:
    action: str
    subject: tuple[str, str]
    detail: tuple[str, ...] = ()   # markers the detail must hold (for lists: who was shown)


def _person_page(path: str, action: str, detail: str = ""):
    return lambda w, role: (f"/people/{w.person_id}{path.format(w=w)}",
                            Expected(action, ("person", str(w.person_id)), (detail.format(w=w),) if detail else ()))


def _discharged_referral(w):
    """A discharged referral of the world's practice, whose summary the practice may download."""
    referral = factories.referral(w.referral.practice, status="discharged")
    episode = factories.episode(w.officer, referral_=referral, status="discharged")
    episode.discharged_on, episode.discharge_reason, episode.discharge_summary = TODAY, "goals_met", "Joined a club"
    db.session.commit()
    return referral


# endpoint -> (world, role) -> (url, what the audit event must say)
AUDITED = {
    "people.view": _person_page("", "person.view"),
    "people.what_matters": _person_page("/what-matters", "person.what_matters.view"),
    "people.new_need": _person_page("/needs/new", "person.need_new.view"),
    "people.edit_need": _person_page("/needs/{w.need.id}", "person.need.view", "need {w.need.id}"),
    "people.new_goal": _person_page("/goals/new", "person.goal_new.view"),
    "people.edit_goal": _person_page("/goals/{w.goal.id}", "person.goal.view", "goal {w.goal.id}"),
    "people.new_goal_action": _person_page("/goals/{w.goal.id}/actions/new", "person.goal_action_new.view",
                                           "goal {w.goal.id}"),
    "people.new_measure": _person_page("/wellbeing/ons4/new", "person.measure_new.view", "instrument ons4"),
    "people.discharge_person": _person_page("/discharge", "person.discharge.view"),
    "people.edit_about": _person_page("/about", "person.details.view"),
    "people.new_contact": _person_page("/contacts/new", "person.contact_new.view"),
    "people.edit_contact": _person_page("/contacts/{w.contact.id}", "person.contact.view",
                                        "contact {w.contact.id}"),
    "people.check_in": _person_page("/visits/check-in", "person.check_in.view"),
    "people.check_out": _person_page("/visits/{w.visit.id}/check-out", "person.check_out.view",
                                     "visit {w.visit.id}"),
    "people.change_expected_end": _person_page("/visits/{w.visit.id}/expected-end", "person.visit_expected_end.view",
                                               "visit {w.visit.id}"),
    "people.new_onward": _person_page("/onward/new", "person.onward_new.view"),
    "people.move_onward": _person_page("/onward/{w.onward.id}", "person.onward.view", "onward {w.onward.id}"),
    "people.new_peer": _person_page("/peer/new", "person.peer_new.view"),
    "people.edit_peer": _person_page("/peer/{w.peer.id}", "person.peer.view", "peer {w.peer.id}"),
    "people.new_risk": _person_page("/risks/new", "person.risk_new.view"),
    "people.review_risk": _person_page("/risks/{w.risk.id}/review", "person.risk_review.view", "risk {w.risk.id}"),
    "people.end_risk": _person_page("/risks/{w.risk.id}/end", "person.risk_end.view", "risk {w.risk.id}"),
    "people.no_known_risks": _person_page("/risks/none-known", "person.no_known_risks.view"),
    "people.new_concern": _person_page("/safeguarding/new", "person.concern_new.view"),
    "people.close_concern": _person_page("/safeguarding/{w.concern.id}/close", "person.concern_close.view",
                                         "concern {w.concern.id}"),
    "safeguarding.index": lambda w, role: ("/safeguarding/", Expected(
        "safeguarding.list", ("safeguarding_concerns", "open"), (f"[person:{w.person_id}]",))),
    "referrals.show": lambda w, role: (f"/referrals/{w.referral.id}",
                                       Expected("referral.view", ("referral", str(w.referral.id)))),
    "referrals.index": lambda w, role: ("/referrals/", Expected(
        "referral.list", ("referral_list", f"practice {w.gp.practice_id}" if role == Role.GP_PRACTICE else "all"),
        (f"[referral:{w.referral.id}]", f"[referral:{w.waiting.id}]"))),
    "referrals.summary_download": lambda w, role: (lambda r: (f"/referrals/{r.id}/summary.pdf", Expected(
        "referral.summary_pdf", ("referral", str(r.id)))))(_discharged_referral(w)),
    "referrals.person_declined": lambda w, role: (f"/referrals/{w.referral.id}/person-declined", Expected(
        "referral.person_declined.view", ("referral", str(w.referral.id)))),
    "referrals.export_csv": lambda w, role: ("/referrals/export.csv", Expected(
        "referral.export", ("referral_list", f"practice {w.gp.practice_id}"),
        (f"[referral:{w.referral.id}]", f"[referral:{w.waiting.id}]"))),
    "triage.decide": lambda w, role: (f"/triage/{w.waiting.id}",
                                      Expected("triage.view", ("referral", str(w.waiting.id)))),
    "triage.index": lambda w, role: ("/triage/", Expected("triage.list", ("triage_queue", "all"),
                                                          (f"[referral:{w.waiting.id}]",))),
    "caseload.index": lambda w, role: (
        "/caseload/" if role == Role.LINK_OFFICER else f"/caseload/?officer={w.officer.id}",
        Expected("caseload.view", ("caseload", str(w.officer.id)), (f"[person:{w.person_id}]",))),
    "visits.index": lambda w, role: ("/visits/", Expected("visits.list", ("home_visits", "recent"),
                                                          (f"[person:{w.person_id}]",))),
    "people.find": lambda w, role: (f"/people/find?q={w.episode.person.given_name}", Expected(
        "person.search", ("person_search", "all"), (f"[person:{w.person_id}]",))),
    "audit.index": lambda w, role: (f"/audit/?person={w.episode.person.nhs_number}", Expected(
        "audit.search", ("person", str(w.person_id)))),
    "dashboard.export": lambda w, role: ("/dashboard/export/needs.csv",
                                         Expected("dashboard.export", ("export", "needs.csv"))),
}


def _get_rules(app) -> dict[str, frozenset]:
    """Each endpoint answering GET, with the roles allowed to open it."""
    rules = {}
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods:
            view = app.view_functions[rule.endpoint]
            rules[rule.endpoint] = getattr(view, ACCESS_ATTRIBUTE, frozenset())
    return rules


def test_every_page_is_either_audited_or_declared_free_of_personal_data(app):
    endpoints = set(_get_rules(app))
    undeclared = endpoints - NO_PERSONAL_DATA - set(AUDITED) - TOKEN_AUDITED
    assert not undeclared, (f"{sorted(undeclared)} may show a person's data: audit the view (audited_view or "
                            "audit.viewed) and add it to AUDITED, or add it to NO_PERSONAL_DATA if it shows none")
    assert not (NO_PERSONAL_DATA & set(AUDITED))
    assert not (set(AUDITED) - endpoints), "AUDITED names endpoints that no longer exist"


@pytest.mark.parametrize("endpoint", list(AUDITED))
def test_each_role_that_may_open_a_page_with_personal_data_is_audited(app, client, sign_in, world, endpoint):
    roles = sorted(_get_rules(app)[endpoint])
    assert roles, f"{endpoint} declares no roles"
    for role in roles:
        user = world.user(Role(role))
        sign_in.as_user(user)
        url, expected = AUDITED[endpoint](world, Role(role))
        before = utcnow().replace(microsecond=0) - timedelta(seconds=1)
        latest = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
        response = client.get(url)
        assert response.status_code == 200, f"{role} GET {url}: {response.status_code}"
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.id > latest,
                                                             AuditEvent.action == expected.action)).all()
        assert len(events) == 1, f"{role} GET {url} wrote {[e.action for e in events]}, wanted {expected.action}"
        event = events[0]
        assert (event.actor_id, event.actor_email) == (user.id, user.email)
        assert (event.subject_type, event.subject_id) == expected.subject
        for marker in expected.detail:
            assert marker in event.detail, f"{expected.action}: {marker!r} not in {event.detail!r}"
        assert before <= event.at <= utcnow() + timedelta(seconds=1)
        sign_in.out()


def test_a_refused_or_missing_page_is_not_logged_as_a_view(client, sign_in, world):
    sign_in.as_user(world.gp)
    other_practices = factories.referral(status="received")
    assert client.get(f"/referrals/{other_practices.id}").status_code == 404
    assert client.get(f"/people/{world.person_id}").status_code == 403
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == world.gp.id)).all()
    assert [a for a in actions if a != "auth.sign_in"] == []


def test_saving_a_contact_is_audited_as_a_change_not_as_a_view(client, sign_in, no_csrf, world):
    sign_in.as_user(world.officer)
    response = client.post(f"/people/{world.person_id}/contacts/{world.contact.id}",
                           data={"status": "held", "duration_minutes": "15", "who_was_there": "",
                                 "notes": "Talked about the walking group", "version": str(world.contact.version)})
    assert response.status_code == 303
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == world.officer.id,
                                                                 AuditEvent.at >= utcnow() - timedelta(minutes=1),
                                                                 AuditEvent.action.like("%.view"))).all()
    assert actions == []


def _audit_rows(html: str) -> int:
    return html.count('<tr role="row" class="nhsuk-table__row">')


def test_manager_finds_every_view_of_a_persons_data_by_their_nhs_number(client, sign_in, world):
    sign_in.as_user(world.manager)
    client.get(f"/referrals/{world.referral.id}")
    client.get(f"/triage/{world.referral.id}")
    client.get(f"/people/{world.person_id}/contacts/{world.contact.id}")
    client.get(f"/people/{world.person_id}")
    client.get(f"/caseload/?officer={world.officer.id}")
    unrelated = factories.episode(world.officer, referral_=factories.referral(status="allocated"))
    client.get(f"/people/{unrelated.person_id}")
    client.get(f"/referrals/{unrelated.referral.id}")
    nhs = world.episode.person.nhs_number
    html = client.get(f"/audit/?person={nhs[:3]} {nhs[3:6]} {nhs[6:]}&user={world.manager.email}")\
        .get_data(as_text=True)
    for action in ("referral.view", "triage.view", "person.contact.view", "person.view", "caseload.view"):
        assert f"<code>{action}</code>" in html, action
    assert _audit_rows(html) == 5  # and neither view of the unrelated person
    assert f"1 person: person {world.person_id}" in html  # the caseload view, as people read it
    assert f'href="/referrals/{world.referral.id}"' in html
    by_record_number = client.get(f"/audit/?person={world.person_id}&user={world.manager.email}")
    assert _audit_rows(by_record_number.get_data(as_text=True)) >= 5


def test_a_referral_not_yet_accepted_is_found_by_its_nhs_number(client, sign_in, world):
    sign_in.as_user(world.manager)
    client.get(f"/triage/{world.waiting.id}")
    html = client.get(f"/audit/?person={world.waiting.nhs_number}&action=triage.view").get_data(as_text=True)
    assert _audit_rows(html) == 1


def test_person_marker_for_person_1_does_not_match_person_11(client, sign_in, world):
    from app.services import audit

    audit.record(by=world.manager, action="caseload.view", subject_type="caseload", subject_id=0,
                 detail=audit.shown(people=[world.person_id * 10 + 1]))
    db.session.commit()
    sign_in.as_user(world.manager)
    html = client.get(f"/audit/?person={world.person_id}&action=caseload.view").get_data(as_text=True)
    assert _audit_rows(html) == 0


def test_searching_the_audit_log_by_a_huge_or_odd_number_finds_nothing_and_does_not_fail(client, sign_in, world):
    sign_in.as_user(world.manager)
    for typed in ("9223372036854775808", "99999999999999999999999", "²", "person 12abc"):
        response = client.get(f"/audit/?person={typed}")
        assert response.status_code == 200, typed


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=40) | st.from_regex(r"[0-9 ]{1,30}", fullmatch=True))
def test_whatever_is_typed_as_a_person_the_search_answers_or_asks_for_a_number(app, typed):
    from app.audit_log.routes import someone

    found = someone(typed)
    digits = "".join(ch for ch in typed if ch in "0123456789")
    if not digits:
        assert found is None  # the page asks for an NHS number or record number
    else:
        assert found.person_ids == ([] if len(digits) == 10 or int(digits) > 2 ** 31 - 1 else [int(digits)])
        assert found.referral_ids == []


@given(ids=st.lists(st.integers(min_value=1, max_value=2 ** 31 - 1), min_size=1, max_size=5, unique=True))
def test_a_list_names_exactly_the_people_it_showed_and_reads_back_as_words(ids):
    from app.audit_log.routes import audit_detail
    from app.services import audit

    detail = audit.shown(people=ids)
    for other in {i * 10 + d for i in ids for d in range(10)} - set(ids):
        assert audit.person_marker(other) not in detail
    assert audit_detail(detail) == (f"{len(ids)} {'person' if len(ids) == 1 else 'people'}: "
                                    + ", ".join(f"person {i}" for i in ids))
