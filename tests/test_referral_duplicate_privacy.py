"""A practice that types the NHS number of someone already with the link service learns only that
the person is known to the service, and whom to contact — nothing of another practice's record."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Referral
from app.security import Role
from tests import factories
from tests.test_referrals import referral_form

NHS = "9990000018"


def _refer(client, **overrides) -> str:
    response = client.post("/referrals/new", data=referral_form(nhs_number="999 000 0018", **overrides))
    assert response.status_code == 200  # the form again, not a new referral
    return response.get_data(as_text=True)


def _other_practices_patient(status: str = "in_support"):
    """Glenn Richards, referred by Hill Street Surgery and now supported by an officer."""
    other = factories.practice(ods_code="M87001", name="Hill Street Surgery")
    referral = factories.referral(other, nhs=NHS, given_name="Glenn", family_name="Richards",
                                  mdt_meeting_date=date(2026, 3, 9), status=status)
    episode = factories.episode(factories.user(Role.LINK_OFFICER, name="Olive Officer"), referral_=referral,
                                status=status)
    return referral, episode


def test_practice_learns_only_that_another_practices_patient_is_known_to_the_service(app, client, sign_in,
                                                                                      no_csrf):
    referral, episode = _other_practices_patient()
    sign_in.as_role(Role.GP_PRACTICE)
    body = _refer(client)
    assert "already known to the link service" in body
    assert "Contact the link service" in body
    for secret in ("Glenn", "Richards", "Hill Street Surgery", "M87001", "Olive Officer", "in support",
                   "In support", "9 March 2026", "09/03/2026", "2026-03-09", f"/referrals/{referral.id}",
                   f"/people/{episode.person_id}", "17 May 1950", "Test Street", "DY1 1AA",
                   "Visits the GP every week"):
        assert secret not in body, f"the warning gave away {secret!r}"
    assert db.session.scalar(select(func.count(Referral.id))) == 1


def test_practice_learns_nothing_of_another_practices_open_referral_awaiting_triage(app, client, sign_in,
                                                                                     no_csrf):
    other = factories.practice(ods_code="M87002", name="Canal Side Practice")
    existing = factories.referral(other, nhs=NHS, given_name="Glenn", family_name="Richards",
                                  status="more_info_requested")
    sign_in.as_role(Role.GP_PRACTICE)
    body = _refer(client)
    assert "already known to the link service" in body
    for secret in ("Glenn", "Richards", "Canal Side Practice", "M87002", "more information", "More information",
                   f"/referrals/{existing.id}"):
        assert secret not in body, f"the warning gave away {secret!r}"


def test_what_the_practice_typed_is_kept_but_the_stored_name_is_not_shown(app, client, sign_in, no_csrf):
    _other_practices_patient()
    sign_in.as_role(Role.GP_PRACTICE)
    body = _refer(client, given_name="Maureen", family_name="Hollis")
    assert 'value="Maureen"' in body and 'value="Hollis"' in body
    assert "Glenn" not in body and "Richards" not in body


def test_practice_is_pointed_to_its_own_open_referral_without_repeating_its_details(app, client, sign_in,
                                                                                    no_csrf):
    gp = sign_in.as_role(Role.GP_PRACTICE)
    existing = factories.referral(gp.practice, nhs=NHS, given_name="Glenn", family_name="Richards",
                                  received_days_ago=3)
    body = _refer(client, given_name="Maureen", family_name="Hollis")
    assert "Your practice has already referred this person" in body
    assert f'href="/referrals/{existing.id}"' in body  # a page the practice may already open
    assert "Glenn" not in body and "Richards" not in body


def test_a_refused_duplicate_is_in_the_audit_log_against_the_existing_referral(app, client, sign_in, no_csrf):
    referral, episode = _other_practices_patient()
    gp = sign_in.as_role(Role.GP_PRACTICE)
    _refer(client)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "referral.duplicate_refused"))
    assert event is not None
    assert (event.actor_id, event.subject_type, event.subject_id) == (gp.id, "referral", str(referral.id))
    assert gp.practice.ods_code in event.detail
    assert event.at > factories.utcnow() - timedelta(minutes=1)
