"""Demo directory: about 60 fictional voluntary, community, faith, social-enterprise and statutory
services across the need areas and the three localities, a handful not checked for over a year.

Added through app.services.directory.create, as a manager would; ids come from the seeded rng,
and a service that already exists (same id) is left alone, so loading twice changes nothing.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

from app.extensions import db
from app.models.base import uk_today
from app.models.directory import Service
from app.services import directory as directory_service

# (name, organisation, sector, need areas, what it is, who it is for, schedule, cost, ways in)
CATALOGUE = [
    ("Peer support group", "Mind the Gap Peer Network", "voluntary", ("low_mood", "loneliness"),
     "A friendly weekly group run by people with lived experience of anxiety and low mood.", "Adults 18+",
     "WE 13:30-15:30", "Free", ("self_referral", "drop_in", "linkage")),
    ("Telephone befriending", "Friends at Home", "voluntary", ("loneliness",),
     "A trained volunteer phones once a week for a chat.", "Adults who feel lonely or isolated",
     "MO,TU,WE,TH,FR 10:00-16:00", "Free", ("linkage", "formal_referral")),
    ("Community food bank", "Black Country Food Bank", "faith", ("food",),
     "Three days of emergency food; a voucher from a link officer or advice agency is needed.",
     "Anyone in food crisis", "TU,FR 10:00-13:00", "Free", ("formal_referral", "linkage")),
    ("Debt advice clinic", "Citizens Advice Dudley and Wolverhampton", "voluntary", ("debt", "benefits"),
     "Free, confidential help with debts, budgeting and dealing with creditors.", "Anyone living in Dudley borough",
     "MO,TH 09:30-12:30", "Free", ("self_referral", "formal_referral")),
    ("Benefits check and form filling", "Citizens Advice Dudley and Wolverhampton", "voluntary", ("benefits",),
     "Help to check entitlement and fill in PIP, Attendance Allowance and Universal Credit forms.",
     "Adults and carers", "TU,WE 10:00-15:00", "Free", ("self_referral", "formal_referral")),
    ("Housing advice line", "Dudley Council Housing Options", "statutory", ("housing",),
     "Advice for people at risk of losing their home, and help applying for council housing.",
     "Dudley residents", "MO,TU,WE,TH,FR 09:00-17:00", "Free", ("self_referral", "formal_referral")),
    ("Warm space and soup", "St Thomas's Church", "faith", ("heating", "loneliness", "food"),
     "A warm room, hot soup and company through the winter months.", "Everyone welcome",
     "MO,WE 11:00-14:00", "Free", ("drop_in",)),
    ("Energy advice at home", "Severn Wye Energy Helpers", "social_enterprise", ("heating", "debt"),
     "Home visits to cut fuel bills, apply for grants and deal with energy debt.", "Households struggling with bills",
     "MO,TU,WE,TH 09:00-17:00", "Free", ("formal_referral", "self_referral")),
    ("Carers' coffee morning", "Dudley Carers Network", "voluntary", ("carer_support", "loneliness"),
     "Relaxed coffee morning for unpaid carers to share tips and have a break.", "Unpaid carers of any age",
     "1TH 10:00-12:00", "Free", ("drop_in", "self_referral")),
    ("Carers' assessment", "Dudley Council Adult Social Care", "statutory", ("carer_support", "navigating_care"),
     "A statutory carer's assessment and support plan.", "Unpaid carers", "MO,TU,WE,TH,FR 09:00-17:00", "Free",
     ("formal_referral",)),
    ("Bereavement support group", "Cruse Bereavement Support Black Country", "voluntary", ("bereavement", "low_mood"),
     "Meet others who have lost someone, with trained bereavement volunteers.", "Adults bereaved more than 3 months ago",
     "2TU 18:00-20:00", "Free", ("self_referral", "linkage")),
    ("One-to-one bereavement listening", "Cruse Bereavement Support Black Country", "voluntary", ("bereavement",),
     "Six sessions with a trained volunteer, by phone or in person.", "Adults", "MO,TU,WE,TH 10:00-18:00", "Free",
     ("formal_referral", "self_referral")),
    ("Health walks", "Dudley Healthy Walks", "community", ("physical_activity", "loneliness"),
     "Gentle led walks of about an hour, finishing with a cuppa.", "All abilities; walking aids welcome",
     "TU,SA 10:00-11:30", "Free", ("drop_in", "self_referral")),
    ("Chair-based exercise", "Active Black Country", "social_enterprise", ("physical_activity", "long_term_condition"),
     "Seated strength and balance class led by a qualified instructor.", "Older adults and people with limited mobility",
     "TH 14:00-15:00", "3 per session", ("self_referral", "linkage")),
    ("Volunteer centre drop-in", "Dudley CVS Volunteer Centre", "voluntary", ("volunteering", "employment"),
     "Find a volunteering role that suits you, with support to get started.", "Anyone 16+",
     "WE 10:00-13:00", "Free", ("drop_in", "self_referral", "linkage")),
    ("Digital skills sessions", "Get Online Dudley", "social_enterprise", ("digital_inclusion",),
     "Learn to use a tablet or phone, get online safely, and order prescriptions.", "Adults new to the internet",
     "MO 13:00-15:00", "Free", ("drop_in", "linkage")),
    ("Tablet lending library", "Get Online Dudley", "social_enterprise", ("digital_inclusion", "loneliness"),
     "Borrow a tablet with data for three months, with a volunteer to help.", "People with no device at home",
     "TU 10:00-12:00", "Free", ("formal_referral",)),
    ("Job club", "Dudley Works", "statutory", ("employment",),
     "CVs, applications and interview practice with an employment adviser.", "Adults out of work",
     "TH 09:30-12:30", "Free", ("self_referral", "drop_in")),
    ("Men's shed", "Sheds of the Black Country", "community", ("loneliness", "volunteering", "low_mood"),
     "Woodwork, repairs and a brew in a friendly workshop.", "Anyone, especially older men",
     "TU,TH 10:00-15:00", "1.50 per session", ("drop_in", "self_referral")),
    ("Knit and natter", "Friends of the Library", "community", ("loneliness",),
     "Bring your knitting or learn, and chat over tea.", "Everyone", "FR 14:00-16:00", "Free", ("drop_in",)),
    ("Lunch club", "Age Concern Black Country", "voluntary", ("loneliness", "food"),
     "A two-course hot lunch and activities; transport can be arranged.", "People aged 60+",
     "WE 12:00-14:00", "4.50 per meal", ("self_referral", "linkage")),
    ("Home from hospital support", "Age Concern Black Country", "voluntary", ("navigating_care", "household"),
     "Six weeks of practical help at home after a hospital stay.", "Adults leaving hospital",
     "MO,TU,WE,TH,FR 09:00-17:00", "Free", ("formal_referral",)),
    ("Handyperson service", "Care and Repair Dudley", "social_enterprise", ("household", "housing"),
     "Small repairs, grab rails and key safes to help people stay safe at home.", "Older and disabled people",
     "MO,TU,WE,TH,FR 09:00-16:30", "Labour free, materials at cost", ("formal_referral", "self_referral")),
    ("Family mediation", "Relate Black Country", "voluntary", ("family",),
     "Help for families to talk and resolve conflict.", "Families and couples", "MO,WE 17:00-20:00",
     "Sliding scale", ("self_referral",)),
    ("Diabetes self-management course", "Black Country Healthcare NHS Trust", "statutory",
     ("long_term_condition",), "A six-week course on living well with type 2 diabetes.",
     "Adults with type 2 diabetes", "3WE 10:00-12:30", "Free", ("formal_referral",)),
    ("Breathe easy singing group", "Lung Health Black Country", "voluntary", ("long_term_condition", "loneliness"),
     "Singing for better breathing, for people with COPD and other lung conditions.",
     "People living with lung conditions", "TH 11:00-12:30", "Free", ("drop_in", "self_referral")),
    ("Talking therapies", "Dudley Talking Therapies", "statutory", ("low_mood",),
     "NHS talking therapies for anxiety and depression.", "Adults registered with a Dudley GP",
     "MO,TU,WE,TH,FR 09:00-17:00", "Free", ("self_referral", "formal_referral")),
    ("Recovery college courses", "Dudley Recovery College", "statutory", ("low_mood", "purpose"),
     "Free courses about mental health and wellbeing, co-produced with people with lived experience.", "Adults",
     "TU 10:00-12:00", "Free", ("self_referral",)),
    ("Community allotment", "Grow Together Dudley", "community", ("physical_activity", "volunteering", "food"),
     "Grow vegetables with others and take some home.", "Everyone", "SA 10:00-13:00", "Free", ("drop_in",)),
    ("Faith community lunch", "Dudley Gurdwara Langar", "faith", ("food", "loneliness"),
     "A free vegetarian meal open to all.", "Everyone welcome", "SU 12:00-15:00", "Free", ("drop_in",)),
    ("Church pantry", "Lye Methodist Church", "faith", ("food", "debt"),
     "A low-cost pantry: ten items for a small weekly membership.", "Local residents",
     "TH 16:00-18:00", "3.50 per visit", ("self_referral", "drop_in")),
    ("Credit union savings and loans", "Black Country Credit Union", "social_enterprise", ("debt",),
     "Affordable loans and savings instead of doorstep lenders.", "People who live or work in the Black Country",
     "MO,WE,FR 10:00-15:00", "Free", ("self_referral",)),
    ("Navigating health and social care", "Healthwatch Dudley", "voluntary", ("navigating_care",),
     "Information and signposting about health and care services, and help to complain.", "Anyone",
     "MO,TU,WE,TH,FR 09:00-17:00", "Free", ("self_referral", "linkage")),
    ("Young carers' club", "Dudley Carers Network", "voluntary", ("carer_support", "family"),
     "Fun evenings and breaks for young carers.", "Carers aged 8 to 17", "WE 17:00-19:00", "Free",
     ("formal_referral",)),
    ("Dementia carers' group", "Alzheimer's Society Dudley", "voluntary", ("carer_support", "bereavement"),
     "Information and peer support for people caring for someone with dementia.", "Carers",
     "-1MO 13:30-15:30", "Free", ("self_referral", "linkage")),
    ("Tenancy sustainment", "Dudley Housing Support", "social_enterprise", ("housing", "debt", "household"),
     "Support to keep a tenancy: rent arrears, repairs and neighbours.", "Tenants at risk of losing their home",
     "MO,TU,WE,TH,FR 09:00-17:00", "Free", ("formal_referral",)),
    ("Swimming for over 50s", "Dudley Leisure Centres", "private", ("physical_activity",),
     "Quiet lane swimming sessions.", "People aged 50+", "TU,TH 09:00-10:30", "3.20 per swim", ("self_referral",)),
    ("Community cafe volunteering", "The Hope Cafe", "social_enterprise", ("volunteering", "employment", "loneliness"),
     "Volunteer in a community cafe and gain food hygiene skills.", "Adults", "MO,TU,WE,TH,FR 09:00-15:00", "Free",
     ("linkage", "self_referral")),
    ("Art for wellbeing", "Creative Black Country", "community", ("low_mood", "loneliness"),
     "Relaxed art sessions; no experience needed, materials provided.", "Adults", "WE 18:00-20:00", "Free",
     ("self_referral", "linkage")),
    ("Welfare rights casework", "Dudley Council Welfare Rights", "statutory", ("benefits", "debt"),
     "Specialist help with benefit appeals and tribunals.", "Dudley residents", "MO,TU,WE,TH 09:00-16:00", "Free",
     ("formal_referral",)),
]
STREETS = ["High Street", "Church Road", "Market Place", "Station Road", "Queen Street", "Park Lane", "Hagley Road",
           "Stourbridge Road", "Bromsgrove Street", "Mill Lane"]
POSTCODE_AREAS = {"Brierley Hill": "DY5", "Stourbridge": "DY8", "Halesowen": "B63"}
STALE_COUNT = 6


def _uuid(rng) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def load(*, rng, fake, world: dict, people: int, summary) -> None:
    """About 60 services: each catalogue entry in one or more localities, some in all three."""
    localities = world["localities"]
    services, created, stale = [], 0, 0
    today = uk_today()
    for index, (name, org, sector, needs, what, who, schedule, cost, routes) in enumerate(CATALOGUE):
        # Statutory and borough-wide services serve every locality; others run in one or two places.
        spread = localities if sector == "statutory" or index % 7 == 0 else [localities[index % 3]]
        copies = [spread] if len(spread) == 3 else [[loc] for loc in (spread + ([localities[(index + 1) % 3]]
                                                                                  if index % 2 == 0 or index % 5 == 1 else []))]
        for served in copies:
            service_id = _uuid(rng)
            town = served[0].name
            postcode = f"{POSTCODE_AREAS.get(town, 'DY1')} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXY')}" \
                       f"{rng.choice('ABDEFGHJLNPQRSTUWXY')}"
            phone = f"01384 {rng.randint(100000, 999999)}"
            checked = today - timedelta(days=rng.randint(10, 300))
            if stale < STALE_COUNT and index % 6 == 5:
                checked, stale = today - timedelta(days=rng.randint(400, 700)), stale + 1
            address_1 = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
            existing = db.session.get(Service, service_id)
            if existing is not None:
                services.append(existing)
                continue
            label = name if len(copies) == 1 else f"{name} ({town})"
            details = directory_service.ServiceDetails(
                name=label, organisation_name=org, sector=sector, description=what, who_it_is_for=who,
                application_process=_how_to_get_in(routes), access_routes=list(routes),
                need_areas=[n for n in needs if n != "purpose"], locality_ids=[loc.id for loc in served],
                phone=phone, location_name=f"{org.split(' ')[0]} Community Centre" if sector != "statutory" else "",
                address_1=address_1, city=town, postcode=postcode,
                schedule=schedule, cost=cost if cost[0].isdigit() or cost == "Free" else "",
                url=f"https://{org.lower().replace(' ', '').replace(chr(39), '')[:24]}.example.org")
            services.append(directory_service.create(by=None, details=details, checked_on=checked,
                                                     service_id=service_id))
            created += 1
    world["services"] = services
    summary.extra.append(f"Directory: {len(services)} services ({created} added, {stale} due for checking).")


def _how_to_get_in(routes) -> str:
    if "drop_in" in routes:
        return "Just turn up during opening times."
    if routes == ("formal_referral",):
        return "A link officer makes a formal referral with the person's written consent."
    return "Phone to book, or ask your link officer to put you in touch."
