"""The password policy (NCSC: length and a deny-list, no composition rules), wherever a password is set."""
from __future__ import annotations

import string

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import select

from app.auth import passwords
from app.extensions import db
from app.models import User
from app.security import Role
from tests import factories
from tests.conftest import SignIn

# Made-up words, so no combination of them can be on the deny-list.
WORDS = ["kettle", "lantern", "oatmeal", "copper", "meadow", "quilt", "harbour", "thimble",
         "walnut", "saffron", "pebble", "orchard", "velvet", "tunnel", "biscuit", "granite"]


def test_ten_as_are_refused_for_being_too_short():
    assert passwords.problem_with("aaaaaaaaaa") == "Password must be 12 characters or more"


def test_twelve_as_are_refused_for_repeating_a_character():
    assert passwords.problem_with("aaaaaaaaaaaa") == passwords.TOO_PREDICTABLE


@pytest.mark.parametrize("password", ["qwerty123456", "QWERTY123456", "1qaz2wsx3edc", "Q1W2E3R4T5Y6",
                                      "123qweasdzxc"])
def test_common_passwords_are_refused_whatever_their_case(password):
    assert passwords.problem_with(password) == passwords.TOO_COMMON


@pytest.mark.parametrize("password", ["abcdefghijkl", "123456789012", "987654321098", "abcabcabcabc",
                                      "121212121212"])
def test_runs_and_repeated_patterns_are_refused(password):
    assert passwords.problem_with(password) == passwords.TOO_PREDICTABLE


def test_the_accounts_own_email_or_name_is_refused():
    assert passwords.problem_with("rita.reception-2026", email="rita.reception@example.nhs.uk",
                                  name="Someone Else") == passwords.TOO_PERSONAL
    assert passwords.problem_with("Rita Reception!!", email="x@example.nhs.uk",
                                  name="Rita Reception") == passwords.TOO_PERSONAL
    # A part of a name inside an ordinary word is fine.
    assert passwords.problem_with("forward marketplace", email="m.ward@example.nhs.uk", name="Mark Ward") is None


def test_a_password_of_129_characters_is_refused_and_128_accepted():
    phrase = "kettle lantern oatmeal " * 6  # 23 characters, 6 times: 138
    assert passwords.problem_with(phrase[:129]) == "Password must be 128 characters or fewer"
    assert passwords.problem_with(phrase[:128]) is None


def test_the_demo_and_test_passwords_meet_the_policy():
    from seed.demo import DEMO_PASSWORD

    assert passwords.problem_with(DEMO_PASSWORD, email="officer1@hearthlink.example", name="Ann Example") is None
    assert passwords.problem_with(factories.PASSWORD, email="link_officer1@example.nhs.uk",
                                  name="Link officer 1") is None


@given(st.text(max_size=11))
def test_anything_shorter_than_12_characters_is_refused(password):
    assert passwords.problem_with(password) in ("Enter a password", passwords.TOO_SHORT)


@given(st.text(min_size=129, max_size=400))
def test_anything_longer_than_128_characters_is_refused(password):
    assert passwords.problem_with(password) == passwords.TOO_LONG


@settings(max_examples=60)
@given(st.sampled_from(sorted(passwords.common_passwords())), st.data())
def test_every_listed_password_is_refused_in_any_casing(common, data):
    flips = data.draw(st.lists(st.booleans(), min_size=len(common), max_size=len(common)))
    cased = "".join(c.upper() if flip else c for c, flip in zip(common, flips))
    assert passwords.problem_with(cased) is not None


@given(st.sampled_from(string.ascii_letters + string.digits + string.punctuation + "é ß"),
       st.integers(min_value=12, max_value=128))
def test_one_character_repeated_is_refused(character, times):
    assert passwords.problem_with(character * times) is not None


@given(st.lists(st.sampled_from(WORDS), min_size=3, max_size=6, unique=True), st.sampled_from([" ", "-", ""]))
def test_three_or_more_random_words_are_accepted(words, separator):
    password = separator.join(words)
    if len(password) >= 12:
        assert passwords.problem_with(password, email="pat@example.nhs.uk", name="Pat Smith") is None


@given(st.text(max_size=300), st.text(max_size=60), st.text(max_size=60))
def test_the_check_answers_for_any_text_without_crashing(password, email, name):
    answer = passwords.problem_with(password, email=email, name=name)
    assert answer is None or isinstance(answer, str)


@given(st.from_regex(r"[a-z]{4,12}", fullmatch=True), st.lists(st.sampled_from(WORDS), min_size=2, max_size=3,
                                                                  unique=True))
def test_a_password_containing_the_name_is_refused(name, words):
    password = " ".join([name.upper(), *words])
    assert passwords.problem_with(password, email="someone@example.nhs.uk", name=name) == passwords.TOO_PERSONAL


# --- every place that sets a password uses the policy ---------------------------------------

def _admin_client(app):
    admin_client = app.test_client()
    SignIn(admin_client).as_role(Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = False
    return admin_client


def test_admin_cannot_reset_a_password_to_ten_as(app):
    officer = factories.user(Role.LINK_OFFICER)
    admin_client = _admin_client(app)
    page = admin_client.post(f"/admin/users/{officer.id}/password", data={"password": "aaaaaaaaaa"})
    assert page.status_code == 200
    assert "Password must be 12 characters or more" in page.get_data(as_text=True)
    db.session.refresh(officer)
    assert officer.check_password(factories.PASSWORD)


def test_admin_cannot_reset_a_password_to_a_common_one(app):
    officer = factories.user(Role.LINK_OFFICER)
    page = _admin_client(app).post(f"/admin/users/{officer.id}/password", data={"password": "Qwerty123456"})
    assert "it is a common password" in page.get_data(as_text=True)


def test_admin_cannot_create_a_user_whose_password_is_their_email(app):
    page = _admin_client(app).post("/admin/users/new", data={
        "name": "Rita Reception", "email": "rita.reception@example.nhs.uk", "role": "manager",
        "practice_id": "0", "locality_id": "0", "password": "rita.reception@example.nhs.uk"})
    assert passwords.TOO_PERSONAL in page.get_data(as_text=True).replace("&#8217;", "’").replace("&#39;", "'")
    assert db.session.scalar(select(User).where(User.email == "rita.reception@example.nhs.uk")) is None


def test_users_create_refuses_ten_as_from_stdin(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "a@example.nhs.uk", "--name", "Ann Able",
                                 "--role", "manager", "--password-stdin"], input="aaaaaaaaaa\n")
    assert result.exit_code != 0
    assert "Password must be 12 characters or more" in result.output
    assert db.session.scalar(select(User)) is None
