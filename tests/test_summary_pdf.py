"""The summary back to the GP: PRSB headings in order (plan and requested actions first, "None"
when none), the same content in the Composition and the PDF, and the practice's download."""
from __future__ import annotations

from datetime import timedelta

from fhir.resources.R4B.composition import Composition

from app.extensions import db
from app.fhir.composition import composition
from app.models import GoalAction
from app.models.base import uk_today
from app.security import Role
from app.services import discharge, gp_summary, goals, measures, summary_pdf
from tests import factories

TODAY = uk_today()
TITLES = ["Plan and requested actions", "Summary of support", "What matters to the person", "Needs",
          "What was done: onward referrals, linkages and peer support", "Wellbeing scores, first and last", "Risks"]


def _discharged(practice=None, *, summary: str = "Joined the lunch club; feels less alone.", with_plan: bool = False):
    officer = factories.user(Role.LINK_OFFICER)
    episode = factories.episode(officer, referral_=factories.referral(practice, risks=("dog",)),
                                status="in_support", first_contact_on=TODAY - timedelta(days=20))
    episode.what_matters_to_me = "Seeing my grandchildren"
    db.session.commit()
    if with_plan:
        goal = goals.add(by=officer, episode=episode, description="Keep going to the lunch club",
                         review_on=TODAY + timedelta(days=30))
        db.session.add(GoalAction(goal=goal, description="Review her inhaler at the next appointment", who="GP",
                                  due_on=TODAY + timedelta(days=14)))
        db.session.commit()
    db.session.refresh(episode)
    discharge.discharge(by=officer, episode=episode, reason="goals_met", summary=summary, on=TODAY,
                        version=episode.version)
    return episode.referral


def test_sections_follow_the_prsb_order_with_plan_first_and_none_when_there_is_none(app):
    summary = gp_summary.for_referral(_discharged())
    assert [section.title for section in summary.sections] == TITLES
    assert summary.sections[0].lines == ["None"]
    assert summary.sections[1].lines == ["Joined the lunch club; feels less alone."]
    assert summary.sections[2].lines == ["Seeing my grandchildren"]
    assert summary.sections[6].lines == ["Dog or other animal in the home"]


def test_open_goals_and_actions_are_the_plan(app):
    summary = gp_summary.for_referral(_discharged(with_plan=True))
    due = TODAY + timedelta(days=14)
    assert summary.sections[0].lines == [
        "Goal: Keep going to the lunch club",
        f"Action: Review her inhaler at the next appointment (GP, by {due.day} {due:%B %Y})"]


def test_wellbeing_shows_the_first_and_last_scores(app):
    officer = factories.user(Role.LINK_OFFICER)
    episode = factories.episode(officer, status="in_support", first_contact_on=TODAY - timedelta(days=40))
    for stage, days_ago, total in (("baseline", 30, (3, 3, 3)), ("review", 15, (2, 2, 3)), ("discharge", 1, (1, 1, 2))):
        measures.record(by=officer, episode=episode, instrument="ucla3", stage=stage,
                        taken_on=TODAY - timedelta(days=days_ago),
                        scores=dict(zip(("ucla_companionship", "ucla_left_out", "ucla_isolated"), total)))
    lines = gp_summary.for_referral(episode.referral).sections[5].lines
    assert len(lines) == 2
    assert lines[0].startswith("First: UCLA") and "total 9" in lines[0]
    assert lines[1].startswith("Last: UCLA") and "total 4" in lines[1]


def test_the_composition_carries_the_same_sections_and_parses(app):
    summary = gp_summary.for_referral(_discharged(summary="Linked to <Age UK> & a walking group"))
    resource = composition(summary, patient_url="urn:uuid:4f3c7f1e-0000-4000-8000-000000000001",
                           service_name="Hearthlink")
    Composition.model_validate(resource)
    assert [section["title"] for section in resource["section"]] == TITLES
    assert "&lt;Age UK&gt; &amp; a walking group" in resource["section"][1]["text"]["div"]


def test_the_pdf_is_rendered_from_the_template_with_everything_escaped(app):
    summary = gp_summary.for_referral(_discharged(summary='<script>alert("x")</script> went well'))
    html = summary_pdf.render_html(summary)
    assert html.index("Plan and requested actions") < html.index("Summary of support") < html.index("Risks")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    pdf = summary_pdf.render_pdf(summary)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000


def test_the_practice_downloads_its_own_discharged_summary(app, client, sign_in):
    practice = factories.practice()
    referral = _discharged(practice)
    waiting = factories.referral(practice)
    sign_in.as_role(Role.GP_PRACTICE, practice_=practice)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert f"/referrals/{referral.id}/summary.pdf" in page
    response = client.get(f"/referrals/{referral.id}/summary.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    assert client.get(f"/referrals/{waiting.id}/summary.pdf").status_code == 404  # only after discharge
    assert "summary.pdf" not in client.get(f"/referrals/{waiting.id}").get_data(as_text=True)


def test_another_practice_cannot_download_it(app, client, sign_in):
    referral = _discharged()
    sign_in.as_role(Role.GP_PRACTICE)  # a practice of its own
    assert client.get(f"/referrals/{referral.id}/summary.pdf").status_code == 404
    sign_in.out()
    sign_in.as_role(Role.MANAGER)
    assert client.get(f"/referrals/{referral.id}/summary.pdf").status_code == 200
    sign_in.out()
    for role in (Role.COMMISSIONER, Role.LINK_OFFICER, Role.ADMIN):
        sign_in.as_role(role)
        assert client.get(f"/referrals/{referral.id}/summary.pdf").status_code == 403, role
        sign_in.out()


def test_a_risk_ended_before_discharge_is_reported_as_ended_not_in_force(app):
    from app.models.risk import PersonRisk
    from app.services import risks

    officer = factories.user(Role.LINK_OFFICER)
    episode = factories.episode(officer, referral_=factories.referral(risks=("dog",)), status="in_support",
                                first_contact_on=TODAY - timedelta(days=20))
    dog = db.session.query(PersonRisk).filter_by(person_id=episode.person_id).one()
    risks.end(by=officer, risk=dog, version=dog.version, reason="The dog was rehomed")
    db.session.refresh(episode)
    discharge.discharge(by=officer, episode=episode, reason="goals_met", summary="Done", on=TODAY,
                        version=episode.version)
    lines = gp_summary.for_referral(episode.referral).sections[6].lines
    assert lines == ["No risks in force", f"Ended: Dog or other animal in the home (ended {TODAY.day} "
                                          f"{TODAY:%B %Y})"]
