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
