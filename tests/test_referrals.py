"""A practice refers someone, sees only its own referrals and what happened to each."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Referral
from app.models.base import uk_today
from app.security import Role
from tests import factories

YESTERDAY = uk_today() - timedelta(days=1)


def referral_form(**overrides) -> dict:
    data = {
        "given_name": "Maureen", "family_name": "Hollis",
        "date_of_birth-day": "27", "date_of_birth-month": "3", "date_of_birth-year": "1948",
        "nhs_number": "999 000 0018", "address": "12 Canal Street\nBrierley Hill", "postcode": "dy5 3ab",
        "phone": "01384 456789", "contact_method": "phone", "contact_times": "Mornings",
        "accessibility_needs": "", "need_areas": ["loneliness", "debt"],
        "concerns": "Sees the GP weekly since her husband died.", "risks": ["dog"], "risk_notes": "",
        "referrer_name": "Dr Priya Shah", "referrer_role": "GP partner",
        "mdt_meeting_date-day": str(YESTERDAY.day), "mdt_meeting_date-month": str(YESTERDAY.month),
        "mdt_meeting_date-year": str(YESTERDAY.year),
        "consent_to_referral": "y", "consent_to_share": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _referral_count() -> int:
    return db.session.scalar(select(func.count(Referral.id)))


def test_practice_refers_someone_and_the_number_is_stored_normalised(app, client, sign_in, no_csrf):
    gp = sign_in.as_role(Role.GP_PRACTICE)
    response = client.post("/referrals/new", data=referral_form(nhs_number="999-000-0018"))
    assert response.status_code == 303
    referral = db.session.scalars(select(Referral)).one()
    assert referral.nhs_number == "9990000018"
    assert referral.postcode == "DY5 3AB"
    assert referral.practice_id == gp.practice_id
    assert sorted(referral.need_areas) == ["debt", "loneliness"]
    assert referral.risk_flags == ["dog"]
    assert [e.to_status for e in referral.events] == ["received"]
    assert response.headers["Location"].endswith(f"/referrals/{referral.id}")


def test_referral_without_both_consents_is_never_stored(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    for missing in ("consent_to_referral", "consent_to_share"):
        response = client.post("/referrals/new", data=referral_form(**{missing: None}))
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "must agree" in body
        assert 'value="Maureen"' in body  # what was typed is kept
    assert _referral_count() == 0


def test_the_database_itself_refuses_a_referral_without_consent(app):
    import pytest
    from sqlalchemy.exc import IntegrityError

    referral = factories.referral()
    referral.consent_to_share = False
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_each_bad_field_gets_its_own_message_and_the_rest_is_kept(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    tomorrow = uk_today() + timedelta(days=1)
    sixteen = uk_today() - timedelta(days=16 * 365)
    response = client.post("/referrals/new", data=referral_form(
        nhs_number="999 000 0019", postcode="DY1 1CI",
        **{"date_of_birth-year": str(sixteen.year), "date_of_birth-month": str(sixteen.month),
           "date_of_birth-day": str(sixteen.day),
           "mdt_meeting_date-day": str(tomorrow.day), "mdt_meeting_date-month": str(tomorrow.month),
           "mdt_meeting_date-year": str(tomorrow.year)}))
    body = response.get_data(as_text=True)
    assert "check digit does not match" in body
    assert "Enter a real UK postcode" in body
    assert "must be 18 or over" in body
    assert "MDT meeting date must be today or in the past" in body
    assert "Sees the GP weekly since her husband died." in body
    assert 'value="999 000 0019"' in body
    assert _referral_count() == 0


def test_a_future_date_of_birth_is_refused(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    future = uk_today() + timedelta(days=40)
    response = client.post("/referrals/new", data=referral_form(**{
        "date_of_birth-day": str(future.day), "date_of_birth-month": str(future.month),
        "date_of_birth-year": str(future.year)}))
    assert "Date of birth must be in the past" in response.get_data(as_text=True)
    assert _referral_count() == 0


def test_an_impossible_date_is_named_and_kept_as_typed(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    response = client.post("/referrals/new", data=referral_form(**{"date_of_birth-day": "31",
                                                                    "date_of_birth-month": "2"}))
    body = response.get_data(as_text=True)
    assert "Date of birth must be a real date" in body
    assert 'value="31"' in body


def test_a_duplicate_nhs_number_is_caught_and_linked_to_the_open_referral(app, client, sign_in, no_csrf):
    gp = sign_in.as_role(Role.GP_PRACTICE)
    existing = factories.referral(gp.practice, nhs="9990000018")
    response = client.post("/referrals/new", data=referral_form(nhs_number="999 000 0018"))
    body = response.get_data(as_text=True)
    assert "Your practice has already referred this person" in body
    assert f"/referrals/{existing.id}" in body
    assert _referral_count() == 1


def test_a_person_with_an_open_episode_from_another_practice_is_not_referred_twice(app, client, sign_in, no_csrf):
    other = factories.referral(nhs="9990000018")
    factories.episode(factories.user(Role.LINK_OFFICER), referral_=other, status="in_support")
    sign_in.as_role(Role.GP_PRACTICE)
    response = client.post("/referrals/new", data=referral_form(nhs_number="9990000018"))
    body = response.get_data(as_text=True)
    assert "already known to the link service" in body
    assert f"/referrals/{other.id}" not in body  # another practice's referral is not linked
    assert _referral_count() == 1


def test_a_discharged_person_can_be_referred_again(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    factories.referral(nhs="9990000018", status="discharged")
    assert client.post("/referrals/new", data=referral_form()).status_code == 303
    assert _referral_count() == 2


def test_save_and_refer_another_keeps_the_meeting_and_referrer(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    response = client.post("/referrals/new", data=referral_form(another="1"))
    assert response.headers["Location"].endswith("/referrals/new")
    page = client.get("/referrals/new").get_data(as_text=True)
    assert 'value="Dr Priya Shah"' in page
    assert f'value="{YESTERDAY.year}"' in page
    assert 'value="Maureen"' not in page


def test_the_meeting_date_says_what_it_takes_beside_the_date_of_birth_example(app, client, sign_in):
    """The MDT meeting date, like the date of birth, has a hint with an example, which its fields
    point to (aria-describedby)."""
    import re

    sign_in.as_role(Role.GP_PRACTICE)
    page = client.get("/referrals/new").get_data(as_text=True)
    hint = re.search(r'<div class="nhsuk-hint" id="([\w-]+)"\s*>\s*In the last year, for example 27 3 2026\s*</div>',
                     page)
    assert hint and f'aria-describedby="{hint.group(1)}' in page


def test_an_nhs_number_is_never_broken_across_lines_on_the_list_or_the_referral(app, client, sign_in):
    """"NHS 999 581 / 7365" had wrapped inside the number in the list's narrow column and in the
    referral's caption at 320 px: the list keeps "NHS" and the number on one line, the caption the
    number whole."""
    practice = factories.practice()
    referral = factories.referral(practice, nhs="9995817365")
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    assert '<span class="hl-muted nhsuk-body-s hl-nowrap">NHS 999 581 7365</span>' in client.get(
        "/referrals/").get_data(as_text=True)
    assert 'NHS <span class="hl-nowrap">999 581 7365</span>' in client.get(f"/referrals/{referral.id}").get_data(
        as_text=True)


def test_practice_cannot_see_other_practice_referral(app, client, sign_in):
    mine = factories.practice()
    theirs = factories.referral(factories.practice(), given_name="Hidden")
    sign_in.as_role(Role.GP_PRACTICE, practice_=mine)
    assert client.get(f"/referrals/{theirs.id}").status_code == 404
    listing = client.get("/referrals/").get_data(as_text=True)
    assert "Hidden" not in listing
    assert client.get(f"/referrals/?practice={theirs.practice_id}").get_data(as_text=True).count("Hidden") == 0


def test_practice_list_filters_by_status_and_meeting(app, client, sign_in):
    practice = factories.practice()
    meeting = uk_today() - timedelta(days=10)
    factories.referral(practice, given_name="Alpha", mdt_meeting_date=meeting)
    factories.referral(practice, given_name="Bravo", status="declined")
    factories.referral(practice, given_name="Charlie", mdt_meeting_date=meeting, status="declined")
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    declined = client.get("/referrals/?status=declined").get_data(as_text=True)
    assert "Bravo" in declined and "Charlie" in declined and "Alpha" not in declined
    at_meeting = client.get(f"/referrals/?meeting={meeting.isoformat()}").get_data(as_text=True)
    assert "Alpha" in at_meeting and "Charlie" in at_meeting and "Bravo" not in at_meeting


def test_practice_sees_what_changed_since_it_last_looked(app, client, sign_in, no_csrf):
    practice = factories.practice()
    referral = factories.referral(practice, given_name="Winifred")
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    first = client.get("/referrals/").get_data(as_text=True)
    assert "What has changed" not in first
    manager = factories.user(Role.MANAGER)
    from app.services import triage
    triage.decline(by=manager, referral=referral, version=referral.version, reason="Lives outside the borough")
    second = client.get("/referrals/").get_data(as_text=True)
    assert "What has changed since you last looked" in second
    assert "Lives outside the borough" in second
    third = client.get("/referrals/").get_data(as_text=True)
    assert "What has changed" not in third


def test_practice_answers_the_managers_question_and_it_returns_to_triage(app, client, sign_in, no_csrf):
    practice = factories.practice()
    referral = factories.referral(practice)
    from app.services import triage
    triage.request_information(by=factories.user(Role.MANAGER), referral=referral, version=referral.version,
                               question="Is there a carer at home?")
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Is there a carer at home?" in page
    response = client.post(f"/referrals/{referral.id}/answer",
                           data={"answer": "Her son visits on Sundays", "version": str(referral.version + 0)})
    db.session.refresh(referral)
    assert response.status_code == 303
    assert referral.status == "received"
    assert referral.info_answer == "Her son visits on Sundays"
    assert [e.to_status for e in referral.events][-2:] == ["more_info_requested", "received"]
