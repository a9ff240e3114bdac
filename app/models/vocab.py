"""The domain's lists, defined once. Forms, filters, charts, imports and the demo all use these."""
from __future__ import annotations

from enum import StrEnum


class Dimension(StrEnum):
    """The four dimensions of recovery (seeds 000 and 002)."""
    HEALTH = "health"
    HOME = "home"
    PURPOSE = "purpose"
    COMMUNITY = "community"

    @property
    def label(self) -> str:
        return self.value.title()


class NeedArea(StrEnum):
    """Need areas across the whole of life (PRODUCT.md step 3), each under one dimension."""
    LONELINESS = "loneliness"
    LOW_MOOD = "low_mood"
    LONG_TERM_CONDITION = "long_term_condition"
    NAVIGATING_CARE = "navigating_care"
    PHYSICAL_ACTIVITY = "physical_activity"
    BENEFITS = "benefits"
    DEBT = "debt"
    HOUSING = "housing"
    HEATING = "heating"
    FOOD = "food"
    HOUSEHOLD = "household"
    FAMILY = "family"
    BEREAVEMENT = "bereavement"
    CARER_SUPPORT = "carer_support"
    EMPLOYMENT = "employment"
    VOLUNTEERING = "volunteering"
    DIGITAL_INCLUSION = "digital_inclusion"

    @property
    def label(self) -> str:
        return NEED_AREA_LABELS[self]

    @property
    def dimension(self) -> Dimension:
        return NEED_AREA_DIMENSIONS[self]


NEED_AREA_LABELS = {
    NeedArea.LONELINESS: "Loneliness and isolation",
    NeedArea.LOW_MOOD: "Low mood, stress or anxiety",
    NeedArea.LONG_TERM_CONDITION: "Managing a long-term condition",
    NeedArea.NAVIGATING_CARE: "Navigating health and social care",
    NeedArea.PHYSICAL_ACTIVITY: "Physical activity",
    NeedArea.BENEFITS: "Benefits and entitlements",
    NeedArea.DEBT: "Debt and money",
    NeedArea.HOUSING: "Housing",
    NeedArea.HEATING: "Heating and fuel",
    NeedArea.FOOD: "Food",
    NeedArea.HOUSEHOLD: "Household issues",
    NeedArea.FAMILY: "Family relationships",
    NeedArea.BEREAVEMENT: "Bereavement",
    NeedArea.CARER_SUPPORT: "Support as a carer",
    NeedArea.EMPLOYMENT: "Employment and skills",
    NeedArea.VOLUNTEERING: "Volunteering",
    NeedArea.DIGITAL_INCLUSION: "Digital inclusion",
}

NEED_AREA_DIMENSIONS = {
    NeedArea.LONELINESS: Dimension.COMMUNITY,
    NeedArea.LOW_MOOD: Dimension.HEALTH,
    NeedArea.LONG_TERM_CONDITION: Dimension.HEALTH,
    NeedArea.NAVIGATING_CARE: Dimension.HEALTH,
    NeedArea.PHYSICAL_ACTIVITY: Dimension.HEALTH,
    NeedArea.BENEFITS: Dimension.HOME,
    NeedArea.DEBT: Dimension.HOME,
    NeedArea.HOUSING: Dimension.HOME,
    NeedArea.HEATING: Dimension.HOME,
    NeedArea.FOOD: Dimension.HOME,
    NeedArea.HOUSEHOLD: Dimension.HOME,
    NeedArea.FAMILY: Dimension.COMMUNITY,
    NeedArea.BEREAVEMENT: Dimension.COMMUNITY,
    NeedArea.CARER_SUPPORT: Dimension.COMMUNITY,
    NeedArea.EMPLOYMENT: Dimension.PURPOSE,
    NeedArea.VOLUNTEERING: Dimension.PURPOSE,
    NeedArea.DIGITAL_INCLUSION: Dimension.PURPOSE,
}


def need_areas_by_dimension() -> list[tuple[Dimension, list[NeedArea]]]:
    return [(dimension, [area for area in NeedArea if area.dimension is dimension]) for dimension in Dimension]


def need_area_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """(dimension label, [(value, label)]) for grouped checkboxes."""
    return [(dimension.label, [(area.value, area.label) for area in areas])
            for dimension, areas in need_areas_by_dimension()]


class HomeVisitRisk(StrEnum):
    """Risks a lone worker must know before a home visit."""
    DOG = "dog"
    AGGRESSION = "aggression"
    OTHERS_IN_HOME = "others_in_home"
    SAFEGUARDING = "safeguarding"
    SMOKING = "smoking"
    ACCESS = "access"

    @property
    def label(self) -> str:
        return {
            "dog": "Dog or other animal in the home",
            "aggression": "History of aggression or violence",
            "others_in_home": "Other people in the home who may pose a risk",
            "safeguarding": "Safeguarding concern",
            "smoking": "Smoking in the home",
            "access": "Difficult access or unsafe premises",
        }[self.value]


class ContactMethod(StrEnum):
    PHONE = "phone"
    TEXT = "text"
    LETTER = "letter"
    EMAIL = "email"
    VIA_CARER = "via_carer"

    @property
    def label(self) -> str:
        return {"phone": "Phone call", "text": "Text message", "letter": "Letter", "email": "Email",
                "via_carer": "Through a carer or family member"}[self.value]


class Sector(StrEnum):
    VOLUNTARY = "voluntary"
    COMMUNITY = "community"
    FAITH = "faith"
    SOCIAL_ENTERPRISE = "social_enterprise"
    STATUTORY = "statutory"
    PRIVATE = "private"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_voluntary_and_community(self) -> bool:
        """The voluntary and community sector, as Integrated Plus counted it."""
        return self in VOLUNTARY_AND_COMMUNITY


VOLUNTARY_AND_COMMUNITY = frozenset({Sector.VOLUNTARY, Sector.COMMUNITY, Sector.FAITH, Sector.SOCIAL_ENTERPRISE})


class ActivityType(StrEnum):
    """Practice activity types (CONTRACT.md §4.2)."""
    GP_SURGERY = "gp_surgery"
    GP_HOME_VISIT = "gp_home_visit"
    GP_TELEPHONE = "gp_telephone"
    PRACTICE_NURSE = "practice_nurse"
    AE_ATTENDANCE = "ae_attendance"
    EMERGENCY_ADMISSION = "emergency_admission"
    OUTPATIENT = "outpatient"

    @property
    def label(self) -> str:
        return {
            "gp_surgery": "GP surgery consultations", "gp_home_visit": "GP home visits",
            "gp_telephone": "GP telephone consultations", "practice_nurse": "Practice nurse appointments",
            "ae_attendance": "A&E attendances", "emergency_admission": "Emergency admissions",
            "outpatient": "Outpatient attendances",
        }[self.value]


def choices(enum_class) -> list[tuple[str, str]]:
    """(value, label) pairs for a form field."""
    return [(member.value, member.label) for member in enum_class]


# --- Who the service reaches (issue 15, CONTRACT §6) -------------------------------------------
# "Not stated" is always a value of its own, and the default: a blank on the form is recorded as
# not stated, never guessed from a name, a language or a photograph.

class Sex(StrEnum):
    """Sex as the person states it; maps to FHIR Patient.gender female/male/other/unknown."""
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    NOT_STATED = "not_stated"

    @property
    def label(self) -> str:
        return {"female": "Female", "male": "Male", "other": "In another way",
                "not_stated": "Not stated"}[self.value]

    @property
    def fhir_gender(self) -> str:
        return {"female": "female", "male": "male", "other": "other", "not_stated": "unknown"}[self.value]


class EthnicGroup(StrEnum):
    """The groups the NHS ethnic category form puts the letters under."""
    WHITE = "white"
    MIXED = "mixed"
    ASIAN = "asian"
    BLACK = "black"
    OTHER = "other"
    NOT_STATED = "not_stated"

    @property
    def label(self) -> str:
        return {"white": "White", "mixed": "Mixed", "asian": "Asian or Asian British",
                "black": "Black or Black British", "other": "Other ethnic groups",
                "not_stated": "Not stated"}[self.value]


class EthnicCategory(StrEnum):
    """NHS data dictionary ETHNIC CATEGORY (2001 census letters A–S; Z = not stated)."""
    WHITE_BRITISH = "A"
    WHITE_IRISH = "B"
    WHITE_OTHER = "C"
    MIXED_WHITE_BLACK_CARIBBEAN = "D"
    MIXED_WHITE_BLACK_AFRICAN = "E"
    MIXED_WHITE_ASIAN = "F"
    MIXED_OTHER = "G"
    ASIAN_INDIAN = "H"
    ASIAN_PAKISTANI = "J"
    ASIAN_BANGLADESHI = "K"
    ASIAN_OTHER = "L"
    BLACK_CARIBBEAN = "M"
    BLACK_AFRICAN = "N"
    BLACK_OTHER = "P"
    OTHER_CHINESE = "R"
    OTHER_ANY = "S"
    NOT_STATED = "Z"

    @property
    def label(self) -> str:
        return ETHNIC_CATEGORY_LABELS[self]

    @property
    def group(self) -> EthnicGroup:
        return ETHNIC_GROUP_OF[self.value]


ETHNIC_CATEGORY_LABELS = {
    EthnicCategory.WHITE_BRITISH: "British",
    EthnicCategory.WHITE_IRISH: "Irish",
    EthnicCategory.WHITE_OTHER: "Any other White background",
    EthnicCategory.MIXED_WHITE_BLACK_CARIBBEAN: "White and Black Caribbean",
    EthnicCategory.MIXED_WHITE_BLACK_AFRICAN: "White and Black African",
    EthnicCategory.MIXED_WHITE_ASIAN: "White and Asian",
    EthnicCategory.MIXED_OTHER: "Any other Mixed background",
    EthnicCategory.ASIAN_INDIAN: "Indian",
    EthnicCategory.ASIAN_PAKISTANI: "Pakistani",
    EthnicCategory.ASIAN_BANGLADESHI: "Bangladeshi",
    EthnicCategory.ASIAN_OTHER: "Any other Asian background",
    EthnicCategory.BLACK_CARIBBEAN: "Caribbean",
    EthnicCategory.BLACK_AFRICAN: "African",
    EthnicCategory.BLACK_OTHER: "Any other Black background",
    EthnicCategory.OTHER_CHINESE: "Chinese",
    EthnicCategory.OTHER_ANY: "Any other ethnic group",
    EthnicCategory.NOT_STATED: "Not stated",
}

ETHNIC_GROUP_OF = {
    **dict.fromkeys("ABC", EthnicGroup.WHITE), **dict.fromkeys("DEFG", EthnicGroup.MIXED),
    **dict.fromkeys("HJKL", EthnicGroup.ASIAN), **dict.fromkeys("MNP", EthnicGroup.BLACK),
    **dict.fromkeys("RS", EthnicGroup.OTHER), "Z": EthnicGroup.NOT_STATED,
}


def ethnic_category_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """(group label, [(letter, label)]) for a grouped select, in the NHS form's order."""
    return [(group.label, [(c.value, c.label) for c in EthnicCategory if c.group is group])
            for group in EthnicGroup if group is not EthnicGroup.NOT_STATED]


class CarerStatus(StrEnum):
    """Whether the person looks after someone (an unpaid carer)."""
    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "no": "No", "not_known": "Not known"}[self.value]


class ReferralSource(StrEnum):
    """Who sent the referral. Every referral still names the person's registered GP practice."""
    GP_PRACTICE = "gp_practice"
    SELF = "self"
    FAMILY_OR_CARER = "family_or_carer"
    COUNCIL = "council"
    VOLUNTARY_ORGANISATION = "voluntary_organisation"
    HOSPITAL = "hospital"
    OTHER_NHS = "other_nhs"

    @property
    def label(self) -> str:
        return {
            "gp_practice": "GP practice", "self": "Self-referral", "family_or_carer": "Family or carer",
            "council": "Council team", "voluntary_organisation": "Voluntary organisation",
            "hospital": "Hospital", "other_nhs": "Another NHS service",
        }[self.value]
