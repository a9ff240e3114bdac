"""Stored and reflected cross-site scripting (issue 12, finding 1): every free-text field a person can
type holds script, and no page of any role prints it raw.

The walk runs on both databases (the `app` fixture's `database_engine` parametrisation): PostgreSQL
enforces the column lengths, so each field's payload is cut to what its column holds.
"""
from __future__ import annotations

import json
import re
from datetime import date, timedelta
from itertools import product

import pytest

from app.extensions import db
from app.models.base import uk_today, utcnow
from app.security import PUBLIC, Role, declared_access
from app.services import (contacts, directory, directory_corrections, discharge, goals, needs, onward,
                          org, oruk_import, peer, referrals, triage, visits)
from app.services import activity_import, api_clients
from app.services import risks
from tests import factories
from tests.conftest import SignIn
from tests.test_oruk_import import oruk_service

ATTACKS = ('<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', "</textarea><script>alert(1)</script>")
DOUBLE_ESCAPED = ("&amp;lt;", "&amp;gt;", "&amp;#34;", "&amp;#39;", "&amp;quot;", "&amp;amp;")
ORDINARY = "O'Brien & Sons"
ORDINARY_ESCAPED = "O&#39;Brien &amp; Sons"


def hostile(tag: str, limit: int = 10_000, start: int = 0) -> str:
    """`[tag]` then as many of the attacks as the column holds, so a leak names its field."""
    value = f"[{tag}]"
    for attack in ATTACKS[start:] + ATTACKS[:start]:
        if len(value) + len(attack) <= limit:
            value += attack
    return value


def _ids(*items) -> list:
    return [item.id for item in items]


@pytest.fixture
def hostile_world(app):
    return build_hostile_world()


def build_hostile_world() -> dict:
    """Everything built as people build it (the services), every typed field holding script.
    A plain function as well as a fixture, so a screenshot script can load the same data."""
    north, south = org.create_locality(by=None, name=hostile("locality", 80)), org.create_locality(
        by=None, name=hostile("locality2", 80, start=1))
    surgery = org.create_practice(by=None, ods_code="Y01234", name=hostile("practice", 120), locality_name=north.name)
    users = {role: factories.user(role=role, name=hostile(f"user-{role.value}", 120),
                                  practice_=surgery if role is Role.GP_PRACTICE else None,
                                  locality_=north if role is Role.LINK_OFFICER else None) for role in Role}
    gp, manager, officer = users[Role.GP_PRACTICE], users[Role.MANAGER], users[Role.LINK_OFFICER]

    def refer(number: int, tag: str):
        return referrals.submit(
            by=gp, practice=surgery, given_name=hostile(f"{tag}-given", 80), family_name=hostile(f"{tag}-family", 80, 1),
            date_of_birth=date(1948, 2, 3), nhs_number=factories.nhs_number(60_000 + number),
            address=hostile(f"{tag}-address") + "\n" + hostile(f"{tag}-address2", start=2), postcode="DY1 1AA",
            phone=hostile("phone", 30, 1), contact_method="phone", contact_times=hostile(f"{tag}-times", 200),
            accessibility_needs=hostile(f"{tag}-access"), need_areas=["loneliness", "debt"],
            concerns=hostile(f"{tag}-concerns"), risks=["dog"], risk_notes=hostile(f"{tag}-risk-notes"),
            referrer_name=hostile(f"{tag}-referrer", 120), referrer_role=hostile(f"{tag}-role", 80, 2),
            mdt_meeting_date=uk_today() - timedelta(days=3), consent_to_referral=True, consent_to_share=True,
            preferred_language=hostile(f"{tag}-language", 60), reasonable_adjustments=hostile(f"{tag}-adjustments"),
            source="hospital" if tag == "waiting" else "gp_practice",
            source_organisation=hostile(f"{tag}-source-org", 120) if tag == "waiting" else "")

    waiting, questioned, declined, active, finished = (refer(n, tag) for n, tag in enumerate(
        ("waiting", "questioned", "declined", "active", "finished")))
    triage.request_information(by=manager, referral=questioned, version=questioned.version,
                               question=hostile("question"))
    referrals.answer_question(by=gp, referral=questioned, answer=hostile("answer"), version=questioned.version)
    triage.request_information(by=manager, referral=questioned, version=questioned.version,
                               question=hostile("question2"))
    triage.decline(by=manager, referral=declined, version=declined.version, reason=hostile("decline-reason"))
    episode = triage.accept(by=manager, referral=active, version=active.version, officer=officer)
    ended = triage.accept(by=manager, referral=finished, version=finished.version, officer=officer)

    goals.set_what_matters(by=officer, episode=episode, text=hostile("what-matters"), version=episode.version)
    need = needs.add(by=officer, episode=episode, area="housing", severity="high", notes=hostile("need-notes"))
    goal = goals.add(by=officer, episode=episode, description=hostile("goal"), review_on=uk_today() + timedelta(days=30),
                     need_area="loneliness", action=hostile("first-action"), action_by=hostile("first-who", 120),
                     action_due=uk_today() + timedelta(days=7))
    goals.add_action(by=officer, goal=goal, description=hostile("action"), who=hostile("who", 120), due_on=None)
    contact = contacts.record(by=officer, episode=episode, kind="phone", status="held", on=uk_today(),
                              duration_minutes=20, who_was_there=hostile("who-was-there", 300), notes=hostile("contact-notes"))
    contacts.record(by=officer, episode=episode, kind="phone", status="planned", on=uk_today() + timedelta(days=2),
                    notes=hostile("planned-notes"))
    onward_item = onward.create(by=officer, episode=episode, service_id=None, organisation_name=hostile("onward-org", 200),
                                service_name=hostile("onward-service", 200, 1), sector="voluntary", kind="linkage",
                                need_areas=["loneliness"], consent_to_share=False, consent_recorded_on=None,
                                notes=hostile("onward-notes"))
    peer_item = peer.record(by=officer, episode=episode, kind="peer_activity", started_on=uk_today(),
                            where=hostile("peer-where", 200), notes=hostile("peer-notes"))
    goals.set_what_matters(by=officer, episode=ended, text=hostile("ended-what-matters"), version=ended.version)
    discharge.discharge(by=officer, episode=ended, reason="goals_met", summary=hostile("discharge-summary"),
                        on=uk_today(), version=ended.version)
    started = utcnow() - timedelta(hours=4)
    finished_visit = visits.check_in(by=officer, episode=episode, expected_end_at=started + timedelta(hours=1),
                                     note=hostile("visit-note"), now=started)
    visits.check_out(by=officer, visit=finished_visit, notes=hostile("visit-out-notes"), who_was_there=hostile("visit-who", 300),
                     now=started + timedelta(minutes=50))
    # Overdue: the manager's every page carries the alert naming the officer (app/visits/alert.py).
    open_visit = visits.check_in(by=officer, episode=episode, expected_end_at=started + timedelta(hours=3),
                                 note=hostile("open-visit-note"), now=started + timedelta(hours=2))
    risk = risks.record(by=officer, person=episode.person, risk="other", other_text=hostile("risk-other", 200),
                        detail=hostile("risk-detail"))
    ended_risk = risks.record(by=officer, person=episode.person, risk="smoking", detail=hostile("risk-ended-detail"))
    risks.end(by=officer, risk=ended_risk, version=ended_risk.version, reason=hostile("risk-end-reason"))
    concern = risks.raise_concern(by=officer, person=episode.person, raised_on=uk_today(),
                                  concern=hostile("concern"), action_taken=hostile("concern-action"))
    closed = risks.raise_concern(by=officer, person=episode.person, raised_on=uk_today(),
                                 concern=hostile("closed-concern"), action_taken=hostile("closed-action"))
    risks.close_concern(by=officer, concern=closed, version=closed.version, closed_on=uk_today(),
                        outcome=hostile("concern-outcome"), action_taken=hostile("closed-action"))

    details = directory.ServiceDetails(
        name=hostile("service-name", 200), organisation_name=hostile("organisation", 200), sector="voluntary",
        description=hostile("service-description"), who_it_is_for=hostile("who-it-is-for"),
        application_process=hostile("application"), access_routes=["self_referral"], need_areas=["loneliness"],
        locality_ids=_ids(north, south), phone="01384 000111", location_name=hostile("location", 200),
        address_1=hostile("address-1", 200), city=hostile("city", 100, 2), postcode="DY1 1AA",
        schedule="MO 10:00-12:00", cost="Free")
    service = directory.create(by=manager, details=details)
    details.description = hostile("edited-description")
    directory.update(by=manager, service=service, details=details, version=service.version)
    correction = directory_corrections.propose(by=officer, service=service, field="who_it_is_for",
                                               proposed_value=hostile("correction"), reason=hostile("correction-reason"))
    applied = directory_corrections.propose(by=officer, service=service, field="description",
                                            proposed_value=hostile("corrected-description"), reason=hostile("reason2"))
    directory_corrections.accept(by=manager, correction=applied, note=hostile("decision-note"))

    record = oruk_service(hostile("imported-name", 200), description=hostile("imported-description"),
                          eligibility_description=hostile("imported-who"), alert=hostile("imported-alert"))
    record["organization"].update(name=hostile("imported-org", 200), description=hostile("imported-org-description"))
    record["contacts"][0].update(name=hostile("contact-name", 200), title=hostile("contact-title", 200, 1))
    record["contacts"][0]["phones"][0]["description"] = hostile("phone-description")
    record["schedules"][0].update(description=hostile("schedule-description"), notes=hostile("schedule-notes"))
    record["cost_options"][0].update(option=hostile("cost-option", 200), amount_description=hostile("cost-description", 200, 1))
    record["service_areas"][0].update(name=hostile("service-area", 200), extent=hostile("extent"))
    location = record["service_at_locations"][0]["location"]
    location.update(name=hostile("imported-location", 200), description=hostile("location-description"))
    location["addresses"][0].update(address_1=hostile("imported-address", 200), city=hostile("imported-city", 100, 1))
    oruk_import.import_file(by=manager, filename="services.json", content=json.dumps([record]).encode())

    extract = f"person_id,date,activity_type,count\n{episode.person.nhs_number},{uk_today()},gp_surgery,2\n"
    activity_import.import_extract(by=manager, content=extract.encode(), filename=hostile("upload-filename", 255))
    from app.services.comparison import import_cohort  # the comparison cohort page lists its file name
    import_cohort(by=manager, content=b"person_id,referral_date\n9990000018,2024-03-04\n",
                  filename=hostile("comparison-filename", 255))
    sender, _ = api_clients.create(by=None, name=hostile("api-client", 80), practice_ods=surgery.ods_code,
                                   endpoint="https://gp-system.example/fhir")
    revoked, _ = api_clients.create(by=None, name=hostile("api-client-revoked", 80, 1), practice_ods=surgery.ods_code)
    api_clients.revoke(by=None, client=revoked)
    from app.models import OutboxMessage  # a message back that failed, with the error the admin reads
    db.session.add(OutboxMessage(referral_id=finished.id, api_client_id=sender.id, event="discharged", bundle="{}",
                                 status="failed", attempts=10, next_attempt_at=None,
                                 last_error=hostile("outbox-error", 500)))
    db.session.commit()

    values = {
        "person_id": [episode.person_id, ended.person_id], "contact_id": [contact.id], "goal_id": [goal.id],
        "action_id": _ids(*goal.actions), "need_id": [need.id], "onward_id": [onward_item.id], "peer_id": [peer_item.id],
        "visit_id": [open_visit.id], "instrument": ["ons4", "ucla3"], "risk_id": [risk.id], "concern_id": [concern.id],
        "referral_id": _ids(waiting, questioned, declined, active, finished),
        "locality_id": _ids(north, south), "practice_id": [surgery.id], "user_id": _ids(*users.values()),
        "service_id": [service.id, record["id"]], "correction_id": [correction.id], "client_id": [sender.id],
        "name": ["referrals"], "fmt": ["csv"], "sal_id": ["x"], "taxonomy_id": ["x"], "term_id": ["x"], "decision": ["x"],
    }
    return {"users": users, "values": values, "episode": episode, "service": service, "contact": contact,
            "north": north, "surgery": surgery}


def _leaks(body: str) -> list[str]:
    """Each raw attack found, with the field tag that precedes it."""
    found = []
    for attack in ATTACKS:
        for match in re.finditer(re.escape(attack), body):
            tags = re.findall(r"\[([a-z0-9_-]+)\]", body[max(0, match.start() - 400):match.start()])
            found.append(f"{tags[-1] if tags else '?'}: {attack}")
    return found


def _urls(app, role: Role, values: dict) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static") or rule.endpoint == "auth.logout":
            continue  # a GET of /logout would sign the walker out
        allowed = declared_access(app.view_functions[rule.endpoint])
        if allowed != PUBLIC and role not in allowed:
            continue
        names = sorted(rule.arguments)
        for combination in product(*(values.get(name, []) for name in names)):
            urls.append(rule.build(dict(zip(names, combination)), append_unknown=False)[1])
    return urls


QUERY = {name: ATTACKS[0] for name in ("q", "user", "officer", "meeting", "status", "practice", "locality",
                                       "need", "period", "action", "sector", "open", "from", "to")}


def _walk(app, world, role: Role) -> tuple[list[str], set[str], int]:
    """Open every GET page `role` may use; the raw attacks and double escapes found, the field tags seen."""
    client = app.test_client()
    SignIn(client).as_user(world["users"][role])
    leaks, seen, opened = [], set(), 0
    plain = set(_urls(app, role, {}))
    for url in _urls(app, role, world["values"]):
        # Typed search and filter values come back on list pages (no URL variables) only.
        for query in (None,) + ((QUERY,) if url in plain else ()):
            response = client.get(url, query_string=query)
            if query is None:
                assert response.status_code < 500, f"{role} got {response.status_code} from {url}"
            if response.mimetype != "text/html":
                continue
            body = response.get_data(as_text=True)
            opened += response.status_code == 200
            leaks += [f"{role} {url}{'?…' if query else ''} → {leak}" for leak in _leaks(body)]
            leaks += [f"{role} {url} double-escaped {mark}" for mark in DOUBLE_ESCAPED if mark in body]
            seen |= set(re.findall(r"\[([a-z0-9_-]+)\]", body))
    return leaks, seen, opened


# The walk proves something only if the typed text reached the pages: what each role must see.
SHOWN_TO = {
    Role.MANAGER: {"waiting-source-org", "active-language", "active-adjustments",
                   "waiting-concerns", "waiting-risk-notes", "active-access", "active-times", "waiting-referrer",
                   "waiting-role", "waiting-given", "waiting-family", "waiting-address", "active-given",
                   "what-matters", "need-notes", "goal", "action", "who", "contact-notes", "who-was-there",
                   "onward-org", "onward-notes", "peer-where", "peer-notes", "decline-reason", "question2",
                   "answer", "service-name", "organisation", "corrected-description", "who-it-is-for",
                   "correction", "correction-reason", "imported-who", "imported-description",
                   "phone-description", "locality", "practice", "user-link_officer", "user-manager",
                   "open-visit-note", "upload-filename", "discharge-summary", "phone",
                   "risk-other", "risk-detail", "risk-end-reason", "concern", "concern-action", "concern-outcome"},
    Role.GP_PRACTICE: {"waiting-source-org", "waiting-concerns", "question2", "decline-reason", "discharge-summary", "practice"},
    Role.LINK_OFFICER: {"active-language", "active-adjustments", "contact-notes", "what-matters", "goal", "onward-org", "open-visit-note", "service-name",
                        "risk-other", "risk-detail", "active-risk-notes", "concern", "concern-outcome"},
    Role.ADMIN: {"locality", "locality2", "practice", "user-gp_practice", "user-commissioner", "correction",
                 "outbox-error"},
    Role.COMMISSIONER: {"service-name", "user-commissioner"},
}


def test_no_page_of_any_role_prints_typed_script_raw(app, hostile_world):
    # One data set for all five roles keeps this quick. A 500 from a strange query string is
    # finding 8's concern; here it must not hide a leak, so the error page is rendered and read.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    leaks, unseen = [], {}
    for role in Role:
        found, seen, opened = _walk(app, hostile_world, role)
        leaks += found
        assert opened >= 3, f"{role} opened only {opened} pages"
        if SHOWN_TO[role] - seen:
            unseen[role.value] = SHOWN_TO[role] - seen
    assert leaks == []
    assert unseen == {}


def _signed_in(app, user):
    client = app.test_client()
    SignIn(client).as_user(user)
    return client


def test_flash_messages_quote_names_escaped(app, no_csrf, hostile_world):
    admin = _signed_in(app, hostile_world["users"][Role.ADMIN])
    name = hostile("new-locality", 80)
    page = admin.post("/admin/localities/new", data={"name": name}, follow_redirects=True).get_data(as_text=True)
    assert _leaks(page) == [] and "[new-locality]&lt;img src=x" in page
    page = admin.post(f"/admin/practices/{hostile_world['surgery'].id}",
                      data={"ods_code": "Y01234", "name": hostile("renamed", 120), "locality": hostile_world["north"].id},
                      follow_redirects=True).get_data(as_text=True)
    assert _leaks(page) == [] and "[renamed]" in page
    officer = _signed_in(app, hostile_world["users"][Role.LINK_OFFICER])
    person_id = hostile_world["episode"].person_id
    page = officer.post(f"/people/{person_id}/onward/new", data={
        "organisation_name": hostile("flashed-org", 200), "sector": "voluntary", "kind": "linkage",
        "status": "made", "need_areas": ["loneliness"]}, follow_redirects=True).get_data(as_text=True)
    assert _leaks(page) == [] and "[flashed-org]" in page


def test_forms_shown_again_with_errors_keep_typed_script_escaped(app, no_csrf, hostile_world):
    officer = _signed_in(app, hostile_world["users"][Role.LINK_OFFICER])
    contact = hostile_world["contact"]
    response = officer.post(f"/people/{contact.episode.person_id}/contacts/{contact.id}", data={
        "status": "held", "duration_minutes": "99999", "notes": hostile("typed-notes"), "version": contact.version})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page
    assert _leaks(page) == []
    assert "[typed-notes]&lt;img src=x onerror=alert(1)&gt;&#34;&gt;&lt;svg" in page
    gp = _signed_in(app, hostile_world["users"][Role.GP_PRACTICE])
    page = gp.post("/referrals/new", data={"given_name": hostile("typed-given", 80),
                                           "concerns": hostile("typed-concerns")}).get_data(as_text=True)
    assert "There is a problem" in page and _leaks(page) == []
    assert "[typed-given]" in page and "[typed-concerns]" in page
    manager = _signed_in(app, hostile_world["users"][Role.MANAGER])
    page = manager.post("/directory/services/new", data={
        "name": hostile("typed-service", 200), "description": hostile("typed-description"),
        "schedule": hostile("typed-schedule", 300), "locality_ids": [hostile_world["north"].id]}).get_data(as_text=True)
    assert "There is a problem" in page and _leaks(page) == []
    assert "[typed-service]" in page and "[typed-description]" in page and "[typed-schedule]" in page


def test_ordinary_names_with_apostrophes_and_ampersands_are_escaped_once(app, sign_in, client):
    surgery = factories.practice(name=f"{ORDINARY} Surgery")
    officer = factories.user(role=Role.LINK_OFFICER, name=f"Niamh {ORDINARY}")
    referral = factories.referral(surgery, status="allocated", given_name="Siobhán", family_name=ORDINARY)
    referral.concerns = f"Lonely since {ORDINARY} closed"
    db.session.commit()
    episode = factories.episode(officer, referral_=referral)
    service = factories.directory_service(f"Tea & chat at {ORDINARY}", organisation=ORDINARY)
    sign_in.as_role(Role.MANAGER)
    for url in (f"/referrals/{referral.id}", f"/triage/{referral.id}", f"/people/{episode.person_id}",
                f"/directory/services/{service.id}", f"/directory/services/{service.id}/edit", "/caseload/"):
        body = client.get(url).get_data(as_text=True)
        assert ORDINARY_ESCAPED in body, url
        assert ORDINARY not in body, f"{url} prints a name unescaped"
        assert [mark for mark in DOUBLE_ESCAPED if mark in body] == [], url


def test_chart_labels_typed_by_people_are_drawn_as_text_not_plotly_markup():
    # Plotly reads <b>, <a href>, <br> in labels and legend names as markup and decodes &lt;;
    # a locality or organisation name must be drawn exactly as it was typed.
    from app.analytics.tables import Column, Table
    from app.dashboard import charts

    orgs = Table("orgs", "Onward organisations", [Column("Organisation"), Column("People", "count")],
                 rows=[["<b>Tea</b> & chat", 7], ["Age UK", 5]])
    figure = charts.horizontal(orgs, 0, 1)
    assert figure["data"][0]["y"] == ["&lt;b&gt;Tea&lt;/b&gt; &amp; chat", "Age UK"]
    by_locality = Table("referrals", "Referrals by locality", [Column("Month"), Column("<b>Halesowen</b>", "count"),
                                                               Column("Total", "count")], rows=[["2026-11", 5, 5]])
    series = charts.referrals(by_locality)["data"][0]
    assert series["name"] == "&lt;b&gt;Halesowen&lt;/b&gt;"
    assert series["hovertemplate"] == "%{x}: %{y}<extra>&lt;b&gt;Halesowen&lt;/b&gt;</extra>"
