"""An officer covering a colleague's leave opens the colleague's caseload (/caseload/?officer=<id>),
as they may open any person's record: read as the manager reads it, audited against the colleague."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.models.base import utcnow
from app.security import Role
from app.services import visits
from tests import factories
from tests.conftest import SignIn


def _person(officer, given: str):
    return factories.episode(officer, referral_=factories.referral(status="allocated", given_name=given,
                                                                    family_name="Covered"), seen=True)


def _names(html: str) -> list[str]:
    return sorted(re.findall(r'class="hl-caseload__name"[^>]*>(\w+) Covered<', html))


def test_an_officer_opens_a_colleagues_caseload_to_cover_it(app, client, sign_in):
    me = factories.user(Role.LINK_OFFICER, name="Harriet Smith")
    colleague = factories.user(Role.LINK_OFFICER, name="Tracey Davies")
    _person(me, "Mine")
    theirs = [_person(colleague, "Ann"), _person(colleague, "Bob")]
    sign_in.as_user(me)

    own = client.get("/caseload/").get_data(as_text=True)
    assert _names(own) == ["Mine"]
    page = client.get(f"/caseload/?officer={colleague.id}").get_data(as_text=True)
    assert "<title>Tracey Davies&#39;s caseload" in page and _names(page) == ["Ann", "Bob"]
    assert re.search(r'<a class="nhsuk-back-link"[^>]*href="/caseload/"[^>]*>.*?Back to my caseload', page, re.S)

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "caseload.view")
                               .order_by(AuditEvent.id.desc())).first()
    assert (event.actor_id, event.subject_type, event.subject_id) == (me.id, "caseload", str(colleague.id))
    assert all(f"[person:{episode.person_id}]" in event.detail for episode in theirs)


def test_an_officer_covering_chooses_among_each_active_colleague_and_nobody_else(app, client, sign_in):
    me = factories.user(Role.LINK_OFFICER, name="Harriet Smith")
    zoe = factories.user(Role.LINK_OFFICER, name="Zoe Young")
    amir = factories.user(Role.LINK_OFFICER, name="Amir Khan")
    factories.user(Role.LINK_OFFICER, name="Left Already", active=False)
    factories.user(Role.MANAGER, name="Maria Manager")
    sign_in.as_user(me)
    assert 'href="/caseload/colleagues">Covering for a colleague?' in client.get("/caseload/").get_data(as_text=True)
    page = client.get("/caseload/colleagues").get_data(as_text=True)
    assert re.findall(r'<a href="/caseload/\?officer=(\d+)">([^<]+)<', page) == [
        (str(amir.id), "Amir Khan"), (str(zoe.id), "Zoe Young")]
    assert 'href="/caseload/?officer=' in page and "Back to my caseload" in page
    colleague = client.get(f"/caseload/?officer={zoe.id}").get_data(as_text=True)
    assert "Covering for a colleague?" not in colleague  # offered on one's own caseload only


def test_only_a_link_officers_caseload_can_be_opened(app, client, sign_in):
    manager = factories.user(Role.MANAGER)
    sign_in.as_role(Role.LINK_OFFICER)
    for officer in (str(manager.id), "0", "abc", "999999", "-1"):
        assert client.get(f"/caseload/?officer={officer}").status_code == 404, officer


def test_a_colleagues_visit_in_progress_is_shown_without_their_check_out(app, client, sign_in):
    colleague = factories.user(Role.LINK_OFFICER, name="Tracey Davies")
    episode = _person(colleague, "Ann")
    start = utcnow() - timedelta(minutes=20)
    visits.check_in(by=colleague, episode=episode, expected_end_at=start + timedelta(hours=1), now=start)
    sign_in.as_role(Role.LINK_OFFICER)
    page = client.get(f"/caseload/?officer={colleague.id}").get_data(as_text=True)
    assert "Tracey Davies is checked in at Ann Covered" in page
    assert "/check-out" not in page and "If you cannot reach Tracey Davies, call the service manager." in page
    manager_client = app.test_client()
    SignIn(manager_client).as_role(Role.MANAGER)
    assert "/check-out" in manager_client.get(f"/caseload/?officer={colleague.id}").get_data(as_text=True)
