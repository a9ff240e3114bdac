"""Conformance with the public standards (copies in tests/standards/bars/): the BaRS examples parse
with fhir.resources R4B; our OperationOutcomes have the BaRS shape; a demo referral round-trips
through $process-message to the same referral; everything we output parses and claims its UK Core
profile; and no mutation of a valid message gets anything but a FHIR answer (never a 500)."""
from __future__ import annotations

import copy
import json
import random
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from faker import Faker
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.messagedefinition import MessageDefinition
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from app.extensions import db
from app.fhir.capability import capability_statement
from app.fhir.codes import EVENT_REQUEST, MESSAGE_EVENTS_SYSTEM, profile
from app.fhir.outcome import created_outcome, operation_outcome
from app.fhir.patient import patient_resource, read_patient
from app.fhir.referral_bundle import referral_message
from app.fhir.service_request import service_request_for
from app.models import AuditEvent, Practice, Referral
from app.models.api_client import InboundMessage
from app.models.base import uk_today
from app.models.vocab import HomeVisitRisk, NeedArea
from app.security import Role
from app.services import referrals
from seed.identities import postcode
from seed.referrals import CONCERNS, ROLES
from tests import factories
from tests.fhir_helpers import FHIR_JSON, post, registered

BARS = Path(__file__).parent / "standards" / "bars"
COMPARED = ("nhs_number", "given_name", "family_name", "date_of_birth", "address", "postcode", "phone",
            "contact_method", "contact_times", "accessibility_needs", "concerns", "risk_notes", "referrer_name",
            "referrer_role", "mdt_meeting_date", "consent_to_referral", "consent_to_share", "practice_id", "status",
            "sex", "ethnic_category", "interpreter_needed", "preferred_language", "need_areas", "risk_flags")


def _bars(name: str) -> dict:
    return json.loads((BARS / name).read_text())


def test_the_bars_example_message_parses_with_the_r4b_models():
    bundle = Bundle.model_validate(_bars("process_message_POST-body.json"))
    assert bundle.type == "message"
    assert bundle.entry[0].resource.get_resource_type() == "MessageHeader"



def test_the_bars_message_definition_names_our_event_and_the_resources_we_insist_on():
    """Read as plain JSON: upstream's example is not valid R4 (its useContext.code is a list where
    FHIR has one Coding), which fhir.resources rightly refuses; we note it rather than edit the copy."""
    raw = _bars("message_definition_MessageDefinition_ServiceRequest-request_CaseTransfer.json")["entry"][0]["resource"]
    with pytest.raises(ValueError):
        MessageDefinition.model_validate(raw)
    assert (raw["eventCoding"]["system"], raw["eventCoding"]["code"]) == (MESSAGE_EVENTS_SYSTEM, EVENT_REQUEST)
    required = {focus["code"] for focus in raw["focus"] if focus["min"] >= 1}
    assert {"MessageHeader", "ServiceRequest", "Patient"} <= required


@pytest.mark.parametrize("name", sorted(p.name for p in BARS.glob("*.json") if "OperationOutcome" in p.name
                                        or p.name == "201_POST.json"))
def test_our_operation_outcomes_have_the_shape_of_the_bars_examples(name):
    example = _bars(name)
    OperationOutcome.model_validate(example)
    theirs = example["issue"][0]
    status = {"201": 201, "400": 400, "401": 401, "409": 409, "422": 422}[name.split("_")[2][:3] if "REC" in name
                                                                             else "201"]
    ours = (created_outcome() if status == 201 else
            operation_outcome(status, theirs["code"], "diagnostics", "Patient.identifier"))
    OperationOutcome.model_validate(ours)
    mine = ours["issue"][0]
    assert (mine["severity"], mine["code"]) == (theirs["severity"], theirs["code"])
    assert mine["details"]["coding"][0]["system"].lower() == theirs["details"]["coding"][0]["system"].lower()
    if status != 401:  # BaRS answers a bad token REC_UNAUTHORIZED; so do we (see test_fhir_inbound)
        assert mine["details"]["coding"][0]["code"] == theirs["details"]["coding"][0]["code"]
    assert set(theirs) <= set(mine) | {"expression"}


def test_the_bars_example_patient_is_read_by_our_mapping():
    """The BaRS example spells the ODS system `…/id/…` and the ethnic category system without
    'England'; both are understood."""
    bundle = Bundle.model_validate(_bars("process_message_POST-body.json"))
    patient = next(e.resource for e in bundle.entry if e.resource.get_resource_type() == "Patient")
    try:
        details = read_patient(patient)
    except Exception as error:  # the example's birth date is 1974, its NHS number a real-looking one
        pytest.fail(f"the BaRS example patient was refused: {error}")
    assert (details["given_name"], details["family_name"], details["postcode"]) == ("Peter", "Chalmers", "LS1 4HR")
    assert (details["sex"], details["ethnic_category"]) == ("male", "A")
    organisation = next(e.resource for e in bundle.entry if e.resource.get_resource_type() == "Organization"
                        and e.resource.identifier)
    from app.fhir.patient import ods_code_of
    assert ods_code_of(organisation.identifier[0]) == "G82080"


def _demo_referral(practice, gp, rng: random.Random) -> Referral:
    """A referral made as the demo data makes them (seed/referrals.py), through the web form's service."""
    fake = Faker("en_GB")
    fake.seed_instance(rng.randint(0, 10**6))
    sex = rng.choice(["female", "male"])
    return referrals.submit(
        by=gp, practice=practice, given_name=fake.first_name_female() if sex == "female" else fake.first_name_male(),
        family_name=fake.last_name(), date_of_birth=uk_today() - timedelta(days=365 * rng.randint(19, 95)),
        nhs_number=factories.nhs_number(), address=f"{fake.building_number()} {fake.street_name()}\nNetherton",
        postcode=postcode(rng, "Dudley"), phone=f"01384 {rng.randint(100000, 999999)}", contact_method="phone",
        contact_times=rng.choice(["Mornings", "Not on Wednesdays (dialysis)"]),
        accessibility_needs=rng.choice(["Punjabi interpreter", "Hard of hearing"]),
        need_areas=rng.sample([a.value for a in NeedArea], 3), concerns=rng.choice(CONCERNS).format(pronoun="her"),
        risks=rng.sample([r.value for r in HomeVisitRisk], 2), risk_notes="Steep steps to the back door",
        referrer_name=f"Dr {fake.last_name()}", referrer_role=rng.choice(ROLES),
        mdt_meeting_date=uk_today() - timedelta(days=rng.randint(0, 30)), consent_to_referral=True,
        consent_to_share=True, sex=sex, ethnic_category=rng.choice("ABHNRZ"), interpreter_needed=True,
        preferred_language="Punjabi")


def _snapshot(referral: Referral) -> dict:
    return {name: getattr(referral, name) for name in COMPARED}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_demo_referral_round_trips_through_process_message_to_the_same_referral(app, client, seed):
    practice, _, token = registered()
    gp = factories.user(Role.GP_PRACTICE, practice_=practice)
    original = _demo_referral(practice, gp, random.Random(seed))
    expected = _snapshot(original)
    message = referral_message(original)
    db.session.delete(original)
    db.session.commit()
    response = post(client, token, message)
    assert response.status_code == 201, response.get_data(as_text=True)
    received = db.session.scalars(select(Referral)).one()
    assert _snapshot(received) == expected


def test_every_resource_we_output_parses_and_claims_its_uk_core_profile(app, client):
    practice, _, token = registered()
    referral = factories.referral(practice, risks=("dog",), needs=("loneliness", "housing"))
    outputs = {
        "ServiceRequest": (ServiceRequest, service_request_for(referral)),
        "Patient": (Patient, patient_resource(referral, practice=practice)),
        "OperationOutcome": (OperationOutcome, operation_outcome(400, "invalid", "x", "Patient.name")),
    }
    for name, (model, resource) in outputs.items():
        model.model_validate(resource)
        assert resource["meta"]["profile"] == [profile(name)], name
    CapabilityStatement.model_validate(capability_statement("http://localhost/fhir"))
    read = client.get(f"/fhir/ServiceRequest/{referral.id}", headers={"Authorization": f"Bearer {token}"})
    ServiceRequest.model_validate(read.get_json(force=True))
    message = referral_message(referral)
    Bundle.model_validate(message)
    for item in message["entry"]:
        resource = item["resource"]
        assert resource["meta"]["profile"] == [profile(resource["resourceType"])], resource["resourceType"]


# --- mutations: whatever is done to a valid message, the answer is FHIR, and a broken one a 4xx ----------

def _paths(node, path=()):
    """Every (path, value) in a JSON document."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _parent(document, path):
    for step in path[:-1]:
        document = document[step]
    return document


def _mutate(message: dict, kind: str, pick: int, junk) -> tuple[dict, bool]:
    """(mutated message, whether it must now be refused)."""
    message = copy.deepcopy(message)
    entries = message["entry"]
    essential = {"MessageHeader", "ServiceRequest", "Patient", "Organization", "Practitioner", "PractitionerRole",
                 "Consent"}
    if kind == "drop":
        index = pick % len(entries)
        kind_dropped = entries[index]["resource"]["resourceType"]
        consents = sum(e["resource"]["resourceType"] == "Consent" for e in entries)
        del entries[index]
        return message, kind_dropped in essential and (kind_dropped != "Consent" or consents >= 1)
    if kind == "duplicate":
        index = pick % len(entries)
        entries.insert(0, copy.deepcopy(entries[index]))  # the first entry must be the header
        return message, index != 0
    if kind == "wrong_type":
        index = pick % len(entries)
        was = entries[index]["resource"]["resourceType"]
        entries[index]["resource"]["resourceType"] = junk if isinstance(junk, str) else "Basic"
        return message, was != "Flag" and entries[index]["resource"]["resourceType"] != was
    if kind == "wrong_system":
        systems = [p for p, v in _paths(message) if p and p[-1] == "system"]
        path = systems[pick % len(systems)]
        _parent(message, path)[path[-1]] = "https://example.org/not-the-system"
        return message, False  # a flag category's system is optional detail: refused or not, never a 500
    if kind == "huge_string":
        strings = [p for p, v in _paths(message) if isinstance(v, str)]
        path = strings[pick % len(strings)]
        _parent(message, path)[path[-1]] = "x" * 200_000
        return message, False
    if kind == "junk_value":
        values = [p for p, v in _paths(message) if p]
        path = values[pick % len(values)]
        _parent(message, path)[path[-1]] = junk
        return message, False
    raise AssertionError(kind)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(kind=st.sampled_from(["drop", "duplicate", "wrong_type", "wrong_system", "huge_string", "junk_value"]),
       pick=st.integers(min_value=0, max_value=10_000),
       junk=st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30), st.booleans(),
                      st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)))
def test_a_mutated_message_always_gets_a_fhir_answer_and_a_broken_one_a_4xx(app, client, kind, pick, junk):
    practice = db.session.scalar(select(Practice))
    if practice is None:
        practice, _, token = registered()
        app.config["_f1_token"] = token
    token = app.config["_f1_token"]
    app.config["FHIR_RATE_LIMIT"] = "100000 per minute"
    referral = factories.referral(practice, risks=("dog",))
    message = referral_message(referral, message_id=str(uuid.uuid4()))
    db.session.delete(referral)
    db.session.commit()
    mutated, must_refuse = _mutate(message, kind, pick, junk)
    response = post(client, token, json.dumps(mutated, allow_nan=True))
    body = response.get_json(force=True, silent=True)
    assert response.mimetype == FHIR_JSON
    assert response.status_code in (201,) or 400 <= response.status_code < 500, response.status_code
    assert body and body["resourceType"] == "OperationOutcome"
    OperationOutcome.model_validate(body)
    if must_refuse:
        assert 400 <= response.status_code < 500, f"{kind} {pick}: {response.status_code}"
        assert body["issue"][0]["expression"], body
    # start each example afresh
    db.session.execute(delete(InboundMessage))
    db.session.execute(delete(AuditEvent))
    for stored in db.session.scalars(select(Referral)).all():
        db.session.delete(stored)
    db.session.commit()
