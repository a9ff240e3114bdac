"""The demo support model's lists and choices (see seed/support.py and seed/MODEL.md)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.base import uk_today, utcnow
from app.models.vocab import VOLUNTARY_AND_COMMUNITY, NeedArea, Sector
from app.security import Role

# Typed-in organisations, used when the community directory is not loaded. Sector shares follow
# Integrated Plus (seed 004): over 70% of onward referrals to the voluntary and community sector.
ORGANISATIONS = [
    ("Age UK Dudley", "Befriending", "voluntary", ["loneliness", "bereavement", "navigating_care"]),
    ("Citizens Advice Dudley", "Benefits and debt advice", "voluntary", ["benefits", "debt", "housing"]),
    ("Dudley Mind", "Wellbeing walks", "voluntary", ["low_mood", "physical_activity", "loneliness"]),
    ("Warm Homes Dudley CIC", "Energy advice", "social_enterprise", ["heating", "debt", "household"]),
    ("St Thomas's Church", "Thursday lunch club", "faith", ["loneliness", "food", "bereavement"]),
    ("Brierley Hill Food Bank", "Food parcels", "faith", ["food", "debt"]),
    ("Halesowen Community Centre", "Digital drop-in", "community", ["digital_inclusion", "employment"]),
    ("Carers Dudley", "Carers' support group", "voluntary", ["carer_support", "family"]),
    ("Dudley Volunteer Centre", "Volunteer placements", "voluntary", ["volunteering", "employment", "loneliness"]),
    ("Stourbridge Men's Shed", "Men's shed", "community", ["loneliness", "household", "volunteering"]),
    ("Dudley Council Adult Social Care", "Care assessment", "statutory", ["navigating_care", "carer_support"]),
    ("Dudley Council Housing", "Housing options", "statutory", ["housing", "household"]),
    ("DWP Jobcentre Plus", "Work coach", "statutory", ["employment", "benefits"]),
    ("Active Black Country Gyms Ltd", "Exercise on referral", "private", ["physical_activity", "long_term_condition"]),
    ("Dudley Talking Therapies (NHS)", "Self-referral", "statutory", ["low_mood"]),
    ("Cruse Bereavement Support", "Bereavement support", "voluntary", ["bereavement", "low_mood"]),
    ("Live Well Dudley", "Condition self-management course", "community", ["long_term_condition", "physical_activity"]),
]
PEER_ACTIVITIES = ["Knit and natter, Brierley Hill library", "Walking for health, Halesowen", "Men's shed, Stourbridge",
                   "Memory café, St Thomas's Church", "Chair yoga at the community centre", "Breathe easy group",
                   "Gardening club, Netherton allotments", "Friendship café, Lye"]
VOLUNTEERING = ["Brierley Hill Food Bank", "Age UK Dudley charity shop", "Netherton allotments",
                "Dudley Volunteer Centre: befriending volunteer", "Halesowen Community Centre café"]
WHAT_MATTERS = [
    "Getting out of the house again and seeing people. I used to love the bingo.",
    "My grandchildren. I want to be well enough to have them over on Sundays.",
    "Keeping my home warm and not worrying about the bills every night.",
    "Feeling useful again. I worked for forty years and now I sit here all day.",
    "Looking after my wife at home for as long as I can.",
    "Talking to someone who understands. Since Mum died I haven't really spoken to anyone.",
]
GOALS = {
    "loneliness": "Go to a group once a week", "low_mood": "Have more good days than bad",
    "long_term_condition": "Understand my medicines and feel in control of my breathing",
    "navigating_care": "Get the care assessment sorted", "physical_activity": "Walk to the park and back",
    "benefits": "Get the benefits I'm entitled to", "debt": "Stop the letters from the catalogue company",
    "housing": "Move somewhere without stairs", "heating": "Keep the front room warm this winter",
    "food": "Have food in the cupboards at the end of the month", "household": "Get the boiler fixed",
    "family": "Start talking to my son again", "bereavement": "Talk to someone about losing Jim",
    "carer_support": "Get a break once a week", "employment": "Find some part-time work",
    "volunteering": "Help out somewhere once a week", "digital_inclusion": "Video call my grandchildren",
}
ACTIONS = {
    "loneliness": "Go along to the lunch club together", "debt": "Bring the letters to Citizens Advice",
    "benefits": "Book an appointment for a benefits check", "heating": "Phone the energy advice line",
}
NEED_NOTES = ["Mentioned at the first visit, not on the referral.", "Has been getting worse since the winter.",
              "Daughter helps sometimes.", "", "", ""]
CONTACT_NOTES = [
    "Caught up on the lunch club; enjoying it.", "Went through the benefits form together.",
    "Low this week; talked about the anniversary.", "Met at the community centre for the digital drop-in.",
    "Accompanied to the first session at the men's shed.", "Reviewed goals; agreed next steps.",
    "Phoned to check the food parcel arrived.", "Daughter was there; talked about respite.",
]
DISCHARGE_REASONS = ["goals_met", "chose_to_end", "moved_away", "no_longer_engaging", "referred_on", "died"]
DISCHARGE_WEIGHTS = [60, 12, 4, 12, 10, 2]
ONWARD_PATHS = [(["accepted", "attending", "completed"], 35), (["attending"], 20), (["accepted", "attending"], 15),
                (["accepted"], 8), (["declined"], 8), (["accepted", "did_not_attend"], 8), ([], 6)]


def organisations(services) -> list[dict]:
    """Directory services when loaded (world["services"]), else the typed-in list above."""
    if services:
        result = []
        for service in services:
            organisation = getattr(service, "organization", None)
            sector = getattr(organisation, "sector", None) or Sector.VOLUNTARY.value
            result.append({"service_id": service.id, "organisation_name": getattr(organisation, "name", service.name),
                           "service_name": service.name, "sector": sector,
                           "areas": [item.area for item in getattr(service, "need_areas", [])]})
        return result
    return [{"service_id": None, "organisation_name": name, "service_name": service, "sector": sector,
             "areas": areas} for name, service, sector, areas in ORGANISATIONS]


def organisation_for(rng, choices: list[dict], area: str) -> dict:
    """Four in five from the voluntary and community sector, preferring ones that meet the need."""
    want_vcs = rng.random() < 0.8
    pool = [o for o in choices if (Sector(o["sector"]) in VOLUNTARY_AND_COMMUNITY) == want_vcs] or choices
    matching = [o for o in pool if area in o["areas"]]
    return rng.choice(matching or pool)


def assessed_needs(rng, ticked: list[str]) -> list[str]:
    """Most ticked needs are confirmed at home, and one or two more are found there."""
    confirmed = [area for area in ticked if rng.random() < 0.85] or ticked[:1]
    others = [area.value for area in NeedArea if area.value not in confirmed]
    return confirmed + rng.sample(others, k=rng.choice([0, 1, 1, 2]))


def need_note(rng, area: str) -> str:
    return rng.choice(NEED_NOTES)


def goal_for(area: str) -> str:
    return GOALS.get(area, "Feel more in control of things")


def action_for(area: str) -> str:
    return ACTIONS.get(area, "Talk it through at the next visit")


def onward_path(rng) -> list[str]:
    paths, weights = zip(*ONWARD_PATHS)
    return rng.choices(paths, weights=weights)[0]


def summary_for(rng, episode, reason: str) -> str:
    name = episode.person.given_name
    return {
        "goals_met": f"{name} met their goals: now going to a weekly group and linked to local support. "
                     "Wellbeing scores improved. Happy to be re-referred if things change.",
        "chose_to_end": f"{name} felt they no longer needed support. Information about local groups was left with them.",
        "moved_away": f"{name} moved out of the area; details of the local link service there were given.",
        "no_longer_engaging": f"We could not reach {name} after three attempts by phone and letter.",
        "referred_on": f"{name} was referred on for more specialist support, which now leads.",
        "died": f"Sadly {name} died. Our condolences to the family.",
    }[reason]


def fallback_episodes(*, rng, fake, world: dict) -> list:
    """When seed/referrals.py has not run: a few referrals accepted and allocated through the
    services, so that the support demo can be loaded and tested on its own."""
    from app.services import referrals, triage
    from seed.identities import nhs_numbers, postcode

    manager = db.session.scalar(select(User).where(User.role == Role.MANAGER.value))
    gp_by_practice = {user.practice_id: user for user in world.get("practice_users", [])}
    numbers = nhs_numbers(rng)
    episodes = []
    for index in range(12):
        practice = world["practices"][index % len(world["practices"])]
        referral = referrals.submit(
            by=gp_by_practice.get(practice.id), practice=practice, given_name=fake.first_name(),
            family_name=fake.last_name(), date_of_birth=date(1940 + index, 3, 14), nhs_number=next(numbers),
            address=f"{index + 1} High Street\n{practice.locality.name}", postcode=postcode(rng, practice.locality.name),
            phone="01384 123456", contact_method="phone", contact_times="", accessibility_needs="",
            need_areas=["loneliness", "low_mood"][: 1 + index % 2], concerns="Lonely since a bereavement.",
            risks=["dog"] if index % 4 == 0 else [], risk_notes="", referrer_name="Dr Demo", referrer_role="GP",
            mdt_meeting_date=uk_today() - timedelta(days=120 - index * 9), consent_to_referral=True,
            consent_to_share=True)
        episode = triage.accept(by=manager, referral=referral, version=referral.version,
                                officer=world["officers"][index % len(world["officers"])])
        episode.allocated_at = episode.opened_at = utcnow() - timedelta(days=120 - index * 9)
        episode.demo_stage = ["in_support", "discharged", "first_contact", "allocated"][index % 4]
        episodes.append(episode)
    db.session.commit()
    return episodes
