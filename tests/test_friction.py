"""Friction a new user meets (issue 13): addresses typed on several lines, suggestions that forget
the referral's needs once one need is recorded, and buttons offered to people who are then refused."""
from __future__ import annotations

from flask import render_template_string
from flask_login import login_user, logout_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models import Referral
from app.models.base import uk_today
from app.models.support import Need
from app.security import Role
from app.services.suggestions import open_need_areas, suggest_for
from app.validators import normalise_address
from tests import factories
from tests.test_referrals import referral_form

# What a browser sends for a textarea typed on two lines, with the stray spaces people leave.
TYPED_ADDRESS = "7 Gorsebrook Lane \r\n Netherton\r\n"


def test_address_typed_on_two_lines_is_stored_with_plain_line_breaks(client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    response = client.post("/referrals/new", data=referral_form(address=TYPED_ADDRESS))
    assert response.status_code == 303
    assert db.session.scalars(select(Referral)).one().address == "7 Gorsebrook Lane\nNetherton"


def _episode_with_old_address(officer=None):
    episode = factories.episode(officer)
    episode.person.address = episode.referral.address = TYPED_ADDRESS  # as stored before the fix
    db.session.commit()
    return episode


def test_person_record_shows_an_address_saved_with_crlf_on_one_line_without_stray_spaces(client, sign_in):
    officer = factories.user(Role.LINK_OFFICER)
    episode = _episode_with_old_address(officer)
    sign_in.as_user(officer)
    html = client.get(f"/people/{episode.person_id}").get_data(as_text=True)
    assert "7 Gorsebrook Lane, Netherton, DY1 1AA" in html
    assert "Lane ," not in html and "\r" not in html


def test_check_in_page_and_visits_panel_show_the_address_on_one_line(client, sign_in):
    officer = factories.user(Role.LINK_OFFICER)
    episode = _episode_with_old_address(officer)
    sign_in.as_user(officer)
    html = client.get(f"/people/{episode.person_id}/visits/check-in").get_data(as_text=True)
    assert "7 Gorsebrook Lane, Netherton, DY1 1AA" in html


def test_practice_sees_the_referral_address_one_line_each(client, sign_in):
    gp = factories.user(Role.GP_PRACTICE)
    referral = factories.referral(gp.practice)
    referral.address = TYPED_ADDRESS
    db.session.commit()
    sign_in.as_user(gp)
    html = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "7 Gorsebrook Lane<br>Netherton<br>DY1 1AA" in html


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("ab ,\r\n\t")), max_size=40))
def test_a_normalised_address_has_plain_lines_without_edge_spaces_or_blank_lines(typed):
    normalised = normalise_address(typed)
    assert "\r" not in normalised
    for line in normalised.split("\n") if normalised else []:
        assert line and line == line.strip() and not line.endswith(",")
    assert normalise_address(normalised) == normalised


def test_suggestions_use_open_recorded_needs_and_ticked_needs_not_yet_recorded(app):
    officer = factories.user(Role.LINK_OFFICER)
    episode = factories.episode(officer, referral_=factories.referral(needs=("debt", "loneliness", "housing")))
    db.session.add_all([
        Need(episode_id=episode.id, area="food", severity="high", status="identified", identified_on=uk_today()),
        Need(episode_id=episode.id, area="housing", severity="low", status="met", identified_on=uk_today(),
             met_on=uk_today()),
    ])
    db.session.commit()
    # food is recorded and open; debt and loneliness were ticked and not yet assessed; housing is met.
    assert open_need_areas(episode) == ["debt", "food", "loneliness"]
    factories.directory_service("Debt advice", need_areas=("debt",))
    factories.directory_service("Housing help", need_areas=("housing",))
    assert [s.service.name for s in suggest_for(episode)] == ["Debt advice"]


def _check_in_links(html: str, person_id: int) -> int:
    return html.count(f"/people/{person_id}/visits/check-in")


def test_manager_is_not_offered_a_home_visit_they_would_be_refused(client, sign_in):
    episode = factories.episode(factories.user(Role.LINK_OFFICER))
    sign_in.as_role(Role.MANAGER)
    for page in (f"/people/{episode.person_id}", f"/people/{episode.person_id}/contacts/new"):
        html = client.get(page).get_data(as_text=True)
        assert _check_in_links(html, episode.person_id) == 0, page
    assert "Start a home visit" not in html
    assert client.get(f"/people/{episode.person_id}/visits/check-in").status_code == 403


def test_officer_is_offered_a_home_visit_on_the_record_and_the_contact_form(client, sign_in):
    officer = factories.user(Role.LINK_OFFICER)
    episode = factories.episode(officer)
    sign_in.as_user(officer)
    for page in (f"/people/{episode.person_id}", f"/people/{episode.person_id}/contacts/new"):
        html = client.get(page).get_data(as_text=True)
        assert _check_in_links(html, episode.person_id) == 1, page
    assert client.get(f"/people/{episode.person_id}/visits/check-in").status_code == 200


def test_can_reads_the_roles_a_view_declares(app):
    template = "{{ can('people.check_in') }} {{ can('people.new_contact') }} {{ can('main.healthz') }}"
    for role, expected in ((Role.MANAGER, "False True True"), (Role.LINK_OFFICER, "True True True")):
        user = factories.user(role)
        with app.test_request_context():
            login_user(user)
            assert render_template_string(template) == expected
    with app.test_request_context():
        logout_user()  # the test's app context still holds the last user
        assert render_template_string(template) == "False False True"
        assert render_template_string("{{ can('no.such_view') }}") == "False"
