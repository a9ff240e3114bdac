"""Equality details: optional, "not stated" unless the person said, kept through triage, editable by the officer."""
from __future__ import annotations

from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select, text

from app.extensions import db
from app.models import AuditEvent, Person, Referral
from app.models.base import uk_today
from app.models.deprivation import DeprivationArea
from app.models.vocab import CarerStatus, EthnicCategory, EthnicGroup, Sex
from app.security import Role
from app.services import equality, triage
from app.services.errors import RuleBroken
from tests import factories
from tests.conftest import make_app
from tests.test_referral_form_optional import _details
from tests.test_referrals import referral_form

# The NHS data dictionary's ETHNIC CATEGORY letters (I, O and Q are not used).
NHS_LETTERS = set("ABCDEFGHJKLMNPRSZ")


def test_ethnic_categories_are_the_nhs_letters_grouped_as_the_nhs_form_groups_them():
    assert {c.value for c in EthnicCategory} == NHS_LETTERS
    groups = {group: "".join(c.value for c in EthnicCategory if c.group is group) for group in EthnicGroup}
    assert groups == {EthnicGroup.WHITE: "ABC", EthnicGroup.MIXED: "DEFG", EthnicGroup.ASIAN: "HJKL",
                      EthnicGroup.BLACK: "MNP", EthnicGroup.OTHER: "RS", EthnicGroup.NOT_STATED: "Z"}
    assert EthnicCategory("R").label == "Chinese" and EthnicCategory("R").group.label == "Other ethnic groups"


def test_sex_maps_to_fhir_gender_with_not_stated_as_unknown():
    assert {s.value: s.fhir_gender for s in Sex} == {"female": "female", "male": "male", "other": "other",
                                                   "not_stated": "unknown"}
    assert Sex.OTHER.label == "In another way"


@settings(max_examples=200, deadline=None)
@given(sex=st.one_of(st.sampled_from([s.value for s in Sex]), st.text(max_size=12)),
       letter=st.one_of(st.sampled_from(sorted(NHS_LETTERS)), st.text(max_size=3)),
       carer=st.one_of(st.sampled_from([c.value for c in CarerStatus]), st.text(max_size=10)))
def test_clean_accepts_exactly_the_listed_values_and_blank_is_not_stated(sex, letter, carer):
    try:
        values = equality.clean(sex=sex, ethnic_category=letter, carer=carer)
    except RuleBroken as error:
        assert error.field in {"sex", "ethnic_category", "carer"}
        bad = {"sex": sex, "ethnic_category": letter.upper(), "carer": carer}[error.field]
        assert bad and bad not in {"sex": {s.value for s in Sex}, "ethnic_category": NHS_LETTERS,
                                   "carer": {c.value for c in CarerStatus}}[error.field]
    else:
        assert values["sex"] == (sex or "not_stated")
        assert values["ethnic_category"] == (letter.upper() or "Z")
        assert values["carer"] == (carer or "not_known")


def test_described_adjustments_set_the_flag_and_long_text_is_refused():
    assert equality.clean(reasonable_adjustments=" Easy read letters ")["reasonable_adjustments_flag"] is True
    assert equality.clean()["reasonable_adjustments_flag"] is False
    with pytest.raises(RuleBroken) as refused:
        equality.clean(preferred_language="x" * 61)
    assert refused.value.field == "preferred_language"


def test_practice_referral_left_blank_records_not_stated(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    assert client.post("/referrals/new", data=referral_form()).status_code == 303
    referral = db.session.scalars(select(Referral)).one()
    assert (referral.sex, referral.ethnic_category, referral.carer) == ("not_stated", "Z", "not_known")
    assert (referral.interpreter_needed, referral.preferred_language) == (False, "")
    assert (referral.reasonable_adjustments_flag, referral.reasonable_adjustments) == (False, "")


def test_practice_referral_keeps_what_the_person_said(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    response = client.post("/referrals/new", data=referral_form(
        sex="female", ethnic_category="K", carer="yes", interpreter_needed="y", preferred_language="Sylheti",
        reasonable_adjustments="Longer appointments"))
    assert response.status_code == 303
    referral = db.session.scalars(select(Referral)).one()
    assert (referral.sex, referral.ethnic_category, referral.carer) == ("female", "K", "yes")
    assert (referral.interpreter_needed, referral.preferred_language) == (True, "Sylheti")
    assert (referral.reasonable_adjustments_flag, referral.reasonable_adjustments) == (True, "Longer appointments")


def test_a_strange_value_is_an_error_by_its_field_and_opens_its_fold(app, client, sign_in, no_csrf):
    sign_in.as_role(Role.GP_PRACTICE)
    response = client.post("/referrals/new", data=referral_form(ethnic_category="Q", sex="female"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="ethnic_category-error"' in html
    assert _details(html).open["equality-detail"] is True
    assert db.session.scalar(select(Referral.id)) is None


def test_accepting_copies_what_the_referral_states_and_a_later_blank_referral_keeps_it(app):
    manager = factories.user(Role.MANAGER)
    first = factories.referral(sex="male", ethnic_category="N", carer="no", interpreter_needed=True,
                               preferred_language="Tigrinya")
    triage.accept(by=manager, referral=first, version=first.version)
    person = db.session.scalars(select(Person)).one()
    assert (person.sex, person.ethnic_category, person.carer, person.preferred_language) == ("male", "N", "no",
                                                                                            "Tigrinya")
    episode = person.episodes[0]
    episode.discharged_on, episode.discharge_reason = uk_today(), "goals_met"
    first.status = "discharged"
    db.session.commit()
    again = factories.referral(nhs=person.nhs_number, carer="yes")  # says nothing of sex or ethnicity
    triage.accept(by=manager, referral=again, version=again.version)
    db.session.refresh(person)
    assert (person.sex, person.ethnic_category, person.carer) == ("male", "N", "yes")
    assert person.interpreter_needed is True and person.preferred_language == "Tigrinya"


def _about_form(person, **overrides) -> dict:
    data = {"version": str(person.version), "address": "4 Hill Road\nSedgley", "postcode": "dy3 1aa",
            "phone": "01902 000111", "sex": "other", "ethnic_category": "S", "carer": "yes",
            "interpreter_needed": "y", "preferred_language": "BSL", "reasonable_adjustments_flag": "y",
            "reasonable_adjustments": ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_officer_changes_the_details_and_the_change_is_audited(app, client, sign_in, no_csrf):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    episode = factories.episode(officer)
    person = episode.person
    page = client.get(f"/people/{person.id}/about").get_data(as_text=True)
    assert 'value="not_stated" checked' in page  # what is held, never a guess
    response = client.post(f"/people/{person.id}/about", data=_about_form(person))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/people/{person.id}#about")
    db.session.refresh(person)
    assert (person.sex, person.ethnic_category, person.carer) == ("other", "S", "yes")
    assert (person.postcode, person.interpreter_needed, person.preferred_language) == ("DY3 1AA", True, "BSL")
    assert person.reasonable_adjustments_flag is True
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.details.update")).one()
    assert (event.subject_type, event.subject_id, event.actor_id) == ("person", str(person.id), officer.id)
    assert "postcode" in event.detail and "ethnic_category" in event.detail
    record = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "Other ethnic groups: Any other ethnic group" in record and "In another way" in record


def test_officer_edit_refuses_bad_values_by_their_field_and_keeps_what_was_typed(app, client, sign_in, no_csrf):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    person = factories.episode(officer).person
    response = client.post(f"/people/{person.id}/about", data=_about_form(person, postcode="nowhere",
                                                                          sex="martian", preferred_language="Urdu"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="postcode-error"' in html and 'id="sex-error"' in html and 'value="Urdu"' in html
    db.session.refresh(person)
    assert (person.sex, person.postcode, person.preferred_language) == ("not_stated", "DY1 1AA", "")


def test_officer_edit_from_a_stale_page_is_refused_not_merged(app, client, sign_in, no_csrf):
    officer = sign_in.as_role(Role.LINK_OFFICER)
    person = factories.episode(officer).person
    stale = str(person.version)
    equality.update_person(by=officer, person=person, version=person.version, address=person.address,
                           postcode=person.postcode, phone="", sex="female")
    response = client.post(f"/people/{person.id}/about", data=_about_form(person, version=stale, sex="male"))
    assert response.status_code == 200 and "Someone else changed" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.sex == "female"


def test_a_new_postcode_moves_the_persons_deprivation_decile(app):
    db.session.add_all([DeprivationArea(postcode="DY1 1AA", imd_decile=2), DeprivationArea(postcode="DY3 1AA",
                                                                                           imd_decile=9)])
    db.session.commit()
    officer = factories.user(Role.LINK_OFFICER)
    person = factories.episode(officer).person
    assert (person.imd_decile, person.imd_quintile) == (2, 1)
    equality.update_person(by=officer, person=person, version=person.version, address="4 Hill Road",
                           postcode="DY3 1AA", phone="")
    assert (person.imd_decile, person.imd_quintile) == (9, 5)
    equality.update_person(by=officer, person=person, version=person.version, address="9 Far Lane",
                           postcode="B1 1BB", phone="")
    assert (person.imd_decile, person.imd_quintile) == (None, None)


def _fill(connection, table: str, values: dict) -> None:
    """Insert a row at an older revision, giving every other required column a plain value."""
    for column in inspect(connection).get_columns(table):
        if column["name"] in values or column["nullable"] or column["name"] == "id":
            continue
        kind = str(column["type"]).upper()
        values[column["name"]] = (1 if "INT" in kind else True if "BOOL" in kind else date(2026, 1, 5)
                                  if kind in ("DATE", "DATETIME", "TIMESTAMP WITHOUT TIME ZONE") else "x")
    names = ", ".join(values)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"), values)


def test_migration_makes_existing_people_and_referrals_not_stated_from_a_gp_practice(tmp_path):
    application = make_app(f"sqlite:///{tmp_path / 'old.db'}")
    with application.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as connection:
            _fill(connection, "locality", {"id": 1, "name": "Dudley"})
            _fill(connection, "practice", {"id": 1, "ods_code": "Y00001", "name": "P", "locality_id": 1})
            _fill(connection, "person", {"id": 1, "nhs_number": "9990000018", "practice_id": 1,
                                         "postcode": "DY1 1AA"})
            _fill(connection, "referral", {"id": 1, "nhs_number": "9990000018", "practice_id": 1,
                                           "status": "received", "consent_to_referral": True,
                                           "consent_to_share": True})
        upgrade(revision="0007")
        with db.engine.connect() as connection:
            person = connection.execute(text("SELECT sex, ethnic_category, carer, interpreter_needed, "
                                             "preferred_language, reasonable_adjustments_flag FROM person")).one()
            referral = connection.execute(text("SELECT sex, ethnic_category, carer, source, source_organisation "
                                               "FROM referral")).one()
        assert tuple(person) == ("not_stated", "Z", "not_known", 0, "", 0)
        assert tuple(referral) == ("not_stated", "Z", "not_known", "gp_practice", "")
        downgrade(revision="0006")
        columns = {column["name"] for column in inspect(db.engine).get_columns("referral")}
        assert "source" not in columns and "sex" not in columns
        assert "deprivation_area" not in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()
