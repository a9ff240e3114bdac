"""The practice's CSV of its referrals: its own only, SNOMED CT codes where the GP record needs
them (dated first contact, or the day the person declined), spreadsheet-safe, audited."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.models.base import uk_today
from app.security import Role
from app.services import person_declined
from tests import factories

TODAY = uk_today()


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_practice_gets_its_own_referrals_with_the_codes_for_its_gp_record(app, client, sign_in):
    practice = factories.practice()
    waiting = factories.referral(practice, given_name="Waiting")
    officer = factories.user(Role.LINK_OFFICER)
    contacted = factories.episode(officer, referral_=factories.referral(practice, given_name="Contacted"),
                                  status="first_contact", first_contact_on=TODAY - timedelta(days=2))
    declining = factories.referral(practice, given_name="Declining")
    person_declined.record(by=factories.user(Role.MANAGER), referral=declining, version=declining.version,
                           on=TODAY - timedelta(days=1), reason="Not for me")
    service_declined = factories.referral(practice, status="declined", given_name="Refused")
    elsewhere = factories.referral(given_name="Elsewhere")  # another practice's

    gp = sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    assert "/referrals/export.csv" in client.get("/referrals/").get_data(as_text=True)
    response = client.get("/referrals/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "no-store" in response.headers["Cache-Control"]
    rows = {row["given_name"]: row for row in _rows(response)}
    assert set(rows) == {"Waiting", "Contacted", "Declining", "Refused"}
    assert (rows["Contacted"]["snomed_ct_code"], rows["Contacted"]["code_date"]) == (
        "871731000000106", (TODAY - timedelta(days=2)).isoformat())
    assert rows["Contacted"]["snomed_ct_term"] == "Referral to social prescribing service"
    assert (rows["Declining"]["snomed_ct_code"], rows["Declining"]["code_date"], rows["Declining"]["status"]) == (
        "871711000000103", (TODAY - timedelta(days=1)).isoformat(), "Person declined")
    assert rows["Waiting"]["snomed_ct_code"] == "" and rows["Refused"]["snomed_ct_code"] == ""
    assert rows["Refused"]["status"] == "Declined"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "referral.export"))
    assert event.actor_id == gp.id
    for referral in (waiting, contacted.referral, declining, service_declined):
        assert f"[referral:{referral.id}]" in event.detail
    assert f"[referral:{elsewhere.id}]" not in event.detail


def test_names_typed_as_formulae_stay_text(app, client, sign_in):
    practice = factories.practice()
    factories.referral(practice, given_name='=HYPERLINK("http://x","y")', family_name="@SUM(A1)")
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    row = _rows(client.get("/referrals/export.csv"))[0]
    assert row["given_name"] == '\'=HYPERLINK("http://x","y")'
    assert row["family_name"] == "'@SUM(A1)"


def test_only_practices_may_export(app, client, sign_in):
    for role in (Role.MANAGER, Role.LINK_OFFICER, Role.COMMISSIONER, Role.ADMIN):
        sign_in.as_role(role)
        assert client.get("/referrals/export.csv").status_code == 403, role
        sign_in.out()


def test_the_day_received_is_the_uks(app, client, sign_in):
    """23:30 UTC on 30 June is 00:30 on 1 July in British Summer Time: the page and the CSV both
    say 1 July."""
    practice = factories.practice()
    late = factories.referral(practice, given_name="Late")
    late.received_at = datetime(2026, 6, 30, 23, 30)
    db.session.commit()
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    assert _rows(client.get("/referrals/export.csv"))[0]["received_on"] == "2026-07-01"
    assert "1 July 2026" in client.get("/referrals/").get_data(as_text=True)
