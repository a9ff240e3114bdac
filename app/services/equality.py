"""Equality details (CONTRACT §6): checked once here for every route that writes them.

Each is optional; what is left out is "not stated" (or "not known"), never a guess. The
reasonable-adjustments flag is set when it is ticked or when the adjustments are described.
"""
from __future__ import annotations

from app.extensions import db
from app.models import Person, User
from app.models.vocab import CarerStatus, EthnicCategory, Sex
from app.services import audit
from app.services.errors import RuleBroken
from app.services.locking import check_version
from app.validators import normalise_address, normalise_phone, normalise_postcode

EQUALITY_FIELDS = ("sex", "ethnic_category", "carer", "interpreter_needed", "preferred_language",
                   "reasonable_adjustments", "reasonable_adjustments_flag")
LANGUAGE_MAX = 60
ADJUSTMENTS_MAX = 2000


def _member(enum_class, value, *, field: str, message: str):
    try:
        return enum_class(value).value
    except ValueError:
        raise RuleBroken(message, field=field) from None


def clean(*, sex: str = Sex.NOT_STATED.value, ethnic_category: str = EthnicCategory.NOT_STATED.value,
          carer: str = CarerStatus.NOT_KNOWN.value, interpreter_needed: bool = False, preferred_language: str = "",
          reasonable_adjustments: str = "", reasonable_adjustments_flag: bool = False) -> dict:
    """The equality columns' values, checked; raises RuleBroken naming the field."""
    language = (preferred_language or "").strip()
    adjustments = (reasonable_adjustments or "").strip()
    if len(language) > LANGUAGE_MAX:
        raise RuleBroken(f"Preferred language must be {LANGUAGE_MAX} characters or fewer", field="preferred_language")
    if len(adjustments) > ADJUSTMENTS_MAX:
        raise RuleBroken(f"Reasonable adjustments must be {ADJUSTMENTS_MAX} characters or fewer",
                         field="reasonable_adjustments")
    return {
        "sex": _member(Sex, sex or Sex.NOT_STATED.value, field="sex", message="Choose the person's sex from the list"),
        "ethnic_category": _member(EthnicCategory, (ethnic_category or EthnicCategory.NOT_STATED.value).upper(),
                                   field="ethnic_category", message="Choose the person's ethnic group from the list"),
        "carer": _member(CarerStatus, carer or CarerStatus.NOT_KNOWN.value, field="carer",
                         message="Choose yes, no or not known"),
        "interpreter_needed": bool(interpreter_needed),
        "preferred_language": language,
        "reasonable_adjustments": adjustments,
        "reasonable_adjustments_flag": bool(reasonable_adjustments_flag) or bool(adjustments),
    }


def update_person(*, by: User, person: Person, version, address: str, postcode: str, phone: str,
                  **equality) -> Person:
    """The officer corrects the person's address and equality details. A new postcode moves the
    person's deprivation decile with it (it is read through the postcode, never copied)."""
    check_version(person, version, what="this person's details")
    values = clean(**equality)
    address = normalise_address(address or "")
    if not address:
        raise RuleBroken("Enter the person's address", field="address")
    values["address"] = address
    for name, typed, normalise in (("postcode", postcode, normalise_postcode), ("phone", phone, normalise_phone)):
        try:
            values[name] = normalise(typed or "")
        except ValueError as error:
            raise RuleBroken(str(error), field=name) from None
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    for name in changed:
        setattr(person, name, values[name])
    audit.record(by=by, action="person.details.update", subject_type="person", subject_id=person.id,
                 detail=("changed " + ", ".join(changed)) if changed else "no change")
    db.session.commit()
    return person
